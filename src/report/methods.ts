// The pruning laboratory's summary: one row per method (pruner, or its control) and sparsity,
// over seeds — accuracy with 95% intervals, non-zeros, MACs, measured latency and speedup, the
// compact architecture, and the paired test against the dense original. Shared by the report's
// "Pruning methods" section and scripts/methods-table.ts (the README table).
import { meanCi95, pairedTTest, type Interval } from '../evaluation/stats.ts';
import { groupBy } from './aggregate.ts';
import type { OkRecord } from './load.ts';

export interface MethodRow {
  /** "magnitude", "magnitude (random control)", ... */
  method: string;
  pruner: string;
  control?: string;
  sparsity: number;
  runs: number;
  compactMse: Interval;
  originalMse: Interval;
  persistenceMse: number;
  compactSkill: Interval;
  nonzero: number;
  originalNonzero: number;
  macs?: number;
  latencyMs?: Interval;
  originalLatencyMs?: Interval;
  measuredSpeedup?: Interval;
  /** Compact latency / original latency of the same run (timed interleaved), mean over seeds. */
  relativeLatency?: Interval;
  theoreticalSpeedup?: number;
  architecture: string;
  /** Paired t-test of the compact vs the original MSE over seeds (NaN with one seed). */
  pVsOriginal: number;
  /** Paired t-test of the compact MSE vs persistence's over seeds. */
  pVsPersistence: number;
}

/** The sparsity a run asked for: `sparsity`, or the paper's `percentile` / 100. */
export function sparsityOf(run: OkRecord): number | undefined {
  const { sparsity, percentile } = run.params.prune as { sparsity?: number; percentile?: number };
  return sparsity ?? (percentile === undefined ? undefined : percentile / 100);
}

export function methodName(run: OkRecord): string {
  const control = run.params.prune.control as string | undefined;
  return control ? `${run.params.pruner} (${control} control)` : run.params.pruner;
}

const defined = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined && Number.isFinite(x));

export function methodRows(runs: readonly OkRecord[]): MethodRow[] {
  const withSparsity = runs.filter((r) => sparsityOf(r) !== undefined);
  const groups = groupBy(withSparsity, (r) => `${methodName(r)}|${sparsityOf(r)}|${r.params.ticker}|${r.params.days}|${r.params.architecture}|${r.params.testEnd}`);
  return [...groups.values()].map((g) => {
    const first = g[0];
    const latency = defined(g.map((r) => r.compact.latency?.medianMs));
    const originalLatency = defined(g.map((r) => r.original.latency?.medianMs));
    const speedups = defined(g.map((r) => r.efficiency?.measuredSpeedup));
    const compactMse = g.map((r) => r.compact.mse);
    return {
      method: methodName(first),
      pruner: first.params.pruner,
      control: first.params.prune.control as string | undefined,
      sparsity: sparsityOf(first)!,
      runs: g.length,
      compactMse: meanCi95(compactMse),
      originalMse: meanCi95(g.map((r) => r.original.mse)),
      persistenceMse: meanCi95(g.map((r) => r.baselines.persistence.mse)).mean,
      compactSkill: meanCi95(g.map((r) => r.forecast.compact.skill)),
      nonzero: meanCi95(g.map((r) => r.compact.nonzeroParams)).mean,
      originalNonzero: first.original.nonzeroParams,
      macs: first.compact.macs,
      latencyMs: latency.length ? meanCi95(latency) : undefined,
      originalLatencyMs: originalLatency.length ? meanCi95(originalLatency) : undefined,
      measuredSpeedup: speedups.length ? meanCi95(speedups) : undefined,
      relativeLatency: speedups.length ? meanCi95(speedups.map((x) => 1 / x)) : undefined,
      theoreticalSpeedup: first.efficiency?.theoreticalSpeedup,
      architecture: first.compact.architecture,
      pVsOriginal: g.length > 1 ? pairedTTest(compactMse, g.map((r) => r.original.mse)).pValue : NaN,
      pVsPersistence: g.length > 1 ? pairedTTest(compactMse, g.map((r) => r.baselines.persistence.mse)).pValue : NaN,
    };
  });
}
