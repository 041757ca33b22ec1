// Accuracy against size against latency, for grids that vary how models are compressed (pruning ×
// quantisation): one point per configuration, its error ratio from the compact-vs-original verdict
// test and its stored size and latency as medians over seeds; the Pareto front within each stratum.
// A stratum is everything the grid varies besides pruning and compaction (dataset, representation,
// architecture, runtime, ...): fronts are never drawn across an axis the grid varies.
import { byConfiguration } from '../plan/labels.ts';
import { groupBy } from './aggregate.ts';
import type { OkRecord } from './load.ts';
import { flatParams, isPruningParam, otherParameters } from './series.ts';
import { type Comparison, comparisonsOf, outcome } from './verdict.ts';

export interface CompressionPoint {
  /** What the pruning and compaction were: "magnitude percentile 35, quantize bits 8". */
  label: string;
  runs: OkRecord[];
  /** compact vs original: the verdict test's MSE ratio and interval, and its outcome. */
  mseRatio: number;
  lo: number;
  hi: number;
  verdict: string;
  /** The weights as the runtime loads them: quantised where they were, float32 otherwise. */
  format: string;
  storedBytes: number;
  gzipBytes: number;
  /** One prediction of the latency batch (batch 1 where no latency was measured). */
  latencyMs: number;
  /** Original latency / this one: the measure's own ratio, median over seeds. */
  speedup: number;
  /** The same for one window at a time, where the measure timed it (singleWindowLatency). */
  singleWindowSpeedup?: number;
  front: boolean;
}

export interface CompressionStratum {
  /** What the stratum's runs share that the grid varies ("SPY, window.plugin returns"). */
  label: string;
  original: { storedBytes: number; gzipBytes: number; latencyMs: number };
  points: CompressionPoint[];
}

/** Whether a grid compresses in more than one way: its compactors differ, or one of them quantised. */
export function variesCompression(runs: readonly OkRecord[]): boolean {
  return runs.some((r) => r.compact.quantization) || new Set(runs.map((r) => r.params.compactor ?? 'copy')).size > 1;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Names runs by their pruning, then their compaction: "magnitude (percentile 35) → quantize (bits
 * 8, activations none)", each plugin with the options that vary among the runs that use it.
 */
export function compressionLabels(runs: readonly OkRecord[]): (run: OkRecord) => string {
  const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const varying = (name: (r: OkRecord) => string, options: (r: OkRecord) => Record<string, unknown> | undefined) => {
    // Per plugin, each option's values, "absent" included: an option only some entries set varies.
    const values = new Map<string, Map<string, Set<string>>>();
    const byName = new Map<string, OkRecord[]>();
    for (const r of runs) byName.set(name(r), [...(byName.get(name(r)) ?? []), r]);
    for (const [plugin, used] of byName) {
      const byKey = new Map<string, Set<string>>();
      for (const k of new Set(used.flatMap((r) => Object.keys(options(r) ?? {}))))
        byKey.set(k, new Set(used.map((r) => (k in (options(r) ?? {}) ? show(options(r)![k]) : '(absent)'))));
      values.set(plugin, byKey);
    }
    return (r: OkRecord) => {
      const byKey = values.get(name(r));
      const list = Object.entries(options(r) ?? {})
        .filter(([k]) => (byKey?.get(k)?.size ?? 0) > 1)
        .map(([k, v]) => `${k} ${show(v)}`);
      return list.length ? `${name(r)} (${list.join(', ')})` : name(r);
    };
  };
  const pruning = varying(
    (r) => r.params.pruner,
    (r) => r.params.prune,
  );
  const compaction = varying(
    (r) => r.params.compactor ?? 'copy',
    (r) => r.params.compact,
  );
  return (r) => `${pruning(r)} → ${compaction(r)}`;
}

type Model = OkRecord['original'];
const stored = (m: Model) => ({
  format: m.size.stored?.format ?? 'float32',
  bytes: m.size.stored?.bytes ?? m.size.denseBytes,
  gzipBytes: m.size.stored?.gzipBytes ?? m.size.gzipBytes,
});
const latency = (m: Model) => m.latency?.medianMs ?? m.inference.medianMs;

/**
 * Flags the points nothing beats: one is dominated when another point (or one of `others`, such as
 * the original at ratio 1) is no worse in MSE ratio, stored size and latency, and better in one.
 */
export function markFront<T extends Cost>(points: T[], others: readonly Cost[] = []): (T & { front: boolean })[] {
  const keys = ['mseRatio', 'storedBytes', 'latencyMs'] as const;
  const dominates = (a: Cost, b: Cost) => keys.every((k) => a[k] <= b[k]) && keys.some((k) => a[k] < b[k]);
  const rivals = [...points, ...others];
  return points.map((p) => ({ ...p, front: Number.isFinite(p.mseRatio) && !rivals.some((q) => q !== p && dominates(q, p)) }));
}
type Cost = Pick<CompressionPoint, 'mseRatio' | 'storedBytes' | 'latencyMs'>;

export function compressionStrata(runs: readonly OkRecord[], comparisons: readonly Comparison[]): CompressionStratum[] {
  const stratumOf = otherParameters(runs, isPruningParam);
  const labelOf = compressionLabels(runs);
  const contextKey = (r: OkRecord) =>
    JSON.stringify(
      Object.entries(flatParams(r))
        .filter(([k]) => !isPruningParam(k))
        .sort(),
    );
  return [...groupBy(runs, contextKey).values()].map((stratumRuns) => {
    const points = byConfiguration(stratumRuns).map((config) => {
      const test = comparisonsOf(comparisons, config).find((c) => c.key === 'compactVsOriginal');
      const sizes = config.map((r) => stored(r.compact));
      return {
        label: labelOf(config[0]),
        runs: config,
        mseRatio: test?.test.ratio ?? Number.NaN,
        lo: test?.test.lo ?? Number.NaN,
        hi: test?.test.hi ?? Number.NaN,
        verdict: test ? outcome(test) : 'not tested',
        format: sizes[0].format,
        storedBytes: median(sizes.map((s) => s.bytes)),
        gzipBytes: median(sizes.map((s) => s.gzipBytes)),
        latencyMs: median(config.map((r) => latency(r.compact))),
        speedup: median(config.map((r) => r.efficiency?.measuredSpeedup ?? Number.NaN)),
        ...(config.every((r) => r.compact.singleWindowLatency && r.original.singleWindowLatency)
          ? {
              singleWindowSpeedup: median(
                config.map((r) => r.original.singleWindowLatency!.medianMs / r.compact.singleWindowLatency!.medianMs),
              ),
            }
          : {}),
      };
    });
    const originals = stratumRuns.map((r) => stored(r.original));
    const original = {
      storedBytes: median(originals.map((s) => s.bytes)),
      gzipBytes: median(originals.map((s) => s.gzipBytes)),
      latencyMs: median(stratumRuns.map((r) => latency(r.original))),
    };
    return {
      label: [stratumRuns[0].params.ticker, stratumOf(stratumRuns[0])].filter(Boolean).join(', '),
      original,
      points: markFront(points, [{ ...original, mseRatio: 1 }]),
    };
  });
}

/** The smallest, and the fastest, point whose verdict is not "worse" (tested, and not significantly worse). */
export function bestNotWorse(points: readonly CompressionPoint[]): { smallest?: CompressionPoint; fastest?: CompressionPoint } {
  const fine = points.filter((p) => p.verdict === 'no significant difference' || p.verdict === 'better');
  const least = (key: 'storedBytes' | 'latencyMs') =>
    fine.reduce<CompressionPoint | undefined>(
      (best, p) => (!best || p[key] < best[key] || (p[key] === best[key] && p.mseRatio < best.mseRatio) ? p : best),
      undefined,
    );
  return { smallest: least('storedBytes'), fastest: least('latencyMs') };
}
