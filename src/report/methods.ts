// The pruning laboratory's summary: one row per configuration of a method (pruner, or its
// control) and sparsity, over seeds: accuracy with 95% intervals (errors by their geometric mean),
// non-zeros, MACs, measured latency and speedup, the compact architecture, and the verdict tests
// against the dense original, persistence and the method's random control (seeds and test days,
// Holm within each question's family). Shared by the report's "Pruning methods" section and
// `runexp methods-table` (methods-markdown.ts, the README table).
import { summarizeSeeds, type SeedSummary } from '../evaluation/seed-summary.ts';
import { byConfiguration } from '../plan/labels.ts';
import type { PrunerDeclaration } from '../plugin/api.ts';
import type { RecordParams } from '../results/record.ts';
import type { OkRecord } from './load.ts';
import { isPruningParam, otherParameters } from './series.ts';
import { comparisonsOf, type Comparison } from './verdict.ts';

export interface MethodRow {
  /** "magnitude", "magnitude (random control)", ... */
  method: string;
  /** What else tells this row apart from another of the same method and sparsity ("days 950"), or ''. */
  configuration: string;
  pruner: string;
  control?: string;
  sparsity: number;
  runs: number;
  /** Runs whose compact model is dead (the same output for every test window); scored with the rest. */
  dead: number;
  compactMse: SeedSummary;
  originalMse: SeedSummary;
  persistenceMse: number;
  compactSkill: SeedSummary;
  nonzero: number;
  originalNonzero: number;
  macs?: number;
  latencyMs?: SeedSummary;
  originalLatencyMs?: SeedSummary;
  measuredSpeedup?: SeedSummary;
  /** Compact latency / original latency of the same run (timed interleaved), over seeds. */
  relativeLatency?: SeedSummary;
  theoreticalSpeedup?: number;
  /** The compact model's architecture, and the original's it came from. */
  architecture: string;
  originalArchitecture: string;
  /** The verdict tests of the row's configuration (undefined where there is none, e.g. no control). */
  vsOriginal?: Comparison;
  vsPersistence?: Comparison;
  vsControl?: Comparison;
}

type Declaring = { params: RecordParams; declared?: PrunerDeclaration };

/** The sparsity a run's pruner declared (Plugin.declares). */
export function sparsityOf(run: Declaring): number | undefined {
  return (run.declared ?? legacyDeclaration(run.params)).sparsity;
}

/** The pruner's name, and the control it declared the run to be. */
export function methodName(run: Declaring): string {
  const { control } = run.declared ?? legacyDeclaration(run.params);
  return control ? `${run.params.pruner} (${control} control)` : run.params.pruner;
}

/**
 * Records of runexp 0.2 and before hold no declaration: the built-in pruners' options said it
 * (`sparsity`, or the paper's `percentile` / 100; `control`), so they are read for those records only.
 */
function legacyDeclaration(params: RecordParams): PrunerDeclaration {
  const { sparsity, percentile, control } = params.prune as { sparsity?: number; percentile?: number; control?: string };
  return { sparsity: sparsity ?? (percentile === undefined ? undefined : percentile / 100), control };
}

/** The run's compact model answers every test window alike (unknown, so false, for runs before issue 25). */
export const isDeadCompact = (run: OkRecord) => run.compactOutputSpread !== undefined && !(run.compactOutputSpread > 1e-6);

const defined = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined && Number.isFinite(x));

/** What tells a method's runs at one sparsity apart beyond the method: data size, representation, … ('' when nothing does). */
export function methodConfiguration(runs: readonly OkRecord[]): (run: { params: RecordParams }) => string {
  return otherParameters(
    runs.filter((r) => sparsityOf(r) !== undefined),
    isPruningParam,
  );
}

/** One row per configuration with a sparsity; `comparisons` from judge() over the same runs. */
export function methodRows(runs: readonly OkRecord[], comparisons: readonly Comparison[]): MethodRow[] {
  const withSparsity = runs.filter((r) => sparsityOf(r) !== undefined);
  const rest = methodConfiguration(withSparsity);
  return byConfiguration(withSparsity).map((g) => {
    const first = g[0];
    const latency = defined(g.map((r) => r.compact.latency?.medianMs));
    const originalLatency = defined(g.map((r) => r.original.latency?.medianMs));
    const speedups = defined(g.map((r) => r.efficiency?.measuredSpeedup));
    const verdicts = comparisonsOf(comparisons, g);
    const of = (key: Comparison['key']) => verdicts.find((c) => c.key === key);
    const positive = (xs: number[]) => summarizeSeeds(xs, true);
    return {
      method: methodName(first),
      configuration: rest(first),
      pruner: first.params.pruner,
      control: first.params.prune.control as string | undefined,
      sparsity: sparsityOf(first)!,
      runs: g.length,
      dead: g.filter(isDeadCompact).length,
      compactMse: positive(g.map((r) => r.compact.mse)),
      originalMse: positive(g.map((r) => r.original.mse)),
      persistenceMse: first.baselines.persistence.mse,
      compactSkill: summarizeSeeds(
        g.map((r) => r.forecast.compact.skill),
        false,
      ),
      nonzero: summarizeSeeds(
        g.map((r) => r.compact.nonzeroParams),
        false,
      ).mean,
      originalNonzero: first.original.nonzeroParams,
      macs: first.compact.macs,
      latencyMs: latency.length ? positive(latency) : undefined,
      originalLatencyMs: originalLatency.length ? positive(originalLatency) : undefined,
      measuredSpeedup: speedups.length ? positive(speedups) : undefined,
      relativeLatency: speedups.length ? positive(speedups.map((x) => 1 / x)) : undefined,
      theoreticalSpeedup: first.efficiency?.theoreticalSpeedup,
      architecture: first.compact.architecture,
      originalArchitecture: first.params.architecture,
      vsOriginal: of('compactVsOriginal'),
      vsPersistence: of('compactVsPersistence'),
      vsControl: of('compactVsControl'),
    };
  });
}

/** Method rows in reading order: by method, then configuration, then sparsity. */
export function byMethodThenSparsity(a: MethodRow, b: MethodRow): number {
  return a.method < b.method
    ? -1
    : a.method > b.method
      ? 1
      : a.configuration < b.configuration
        ? -1
        : a.configuration > b.configuration
          ? 1
          : a.sparsity - b.sparsity;
}
