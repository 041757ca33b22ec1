// The pruning laboratory's summary: one row per method (pruner, or its control) and sparsity,
// over seeds — accuracy with 95% intervals, non-zeros, MACs, measured latency and speedup, the
// compact architecture, and the tests against the dense original and persistence (t-test of log
// MSE across seeds, Holm-adjusted over the whole table). Shared by the report's "Pruning methods"
// section and scripts/methods-table.ts (the README table).
import { meanCi95, type Interval } from '../evaluation/stats.ts';
import { logRatioEffect } from '../evaluation/effect-size.ts';
import { meanBootstrapInterval } from '../evaluation/bootstrap.ts';
import { holm } from '../evaluation/multiple-testing.ts';
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
  /** t-test of log(compact MSE / original MSE) over seeds (NaN with one seed). */
  pVsOriginal: number;
  /** t-test of log(compact MSE / persistence's) over seeds. */
  pVsPersistence: number;
  /** Both, Holm-adjusted over every row's two tests. */
  holmVsOriginal: number;
  holmVsPersistence: number;
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
  const rows = unadjustedRows(runs);
  const adjusted = holm(rows.flatMap((r) => [r.pVsOriginal, r.pVsPersistence]));
  return rows.map((r, i) => ({ ...r, holmVsOriginal: adjusted[2 * i], holmVsPersistence: adjusted[2 * i + 1] }));
}

function unadjustedRows(runs: readonly OkRecord[]): Omit<MethodRow, 'holmVsOriginal' | 'holmVsPersistence'>[] {
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
      // A bootstrap interval: MSEs across seeds are skewed, and a t interval can reach below zero.
      compactMse: { ...meanCi95(compactMse), ...meanBootstrapInterval(compactMse) },
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
      pVsOriginal: logRatioEffect(compactMse, g.map((r) => r.original.mse)).pValue,
      pVsPersistence: logRatioEffect(compactMse, g.map((r) => r.baselines.persistence.mse)).pValue,
    };
  });
}
