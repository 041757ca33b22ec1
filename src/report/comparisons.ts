// What a report adds to the verdicts (verdict.ts): the Model Confidence Set of each configuration,
// walk-forward results pooled over folds, and every comparison as plain JSON (comparisons.json)
// for people who take the numbers elsewhere.
import { logRatioEffect, type RatioEffect } from '../evaluation/effect-size.ts';
import { modelConfidenceSet, type McsResult } from '../evaluation/mcs.ts';
import { sha256 } from '../plugin/hash.ts';
import { seedsAndDaysTest, type SeedsDaysTest } from '../evaluation/seeds-days.ts';
import type { PredictionRow } from '../results/artifacts.ts';
import type { OkRecord } from '../results/record.ts';
import { configKey } from '../plan/labels.ts';
import { adjustDistinct, type Comparison, type ErrorsOf, type Family } from './verdict.ts';

/**
 * The Model Confidence Set of one configuration, on squared errors averaged over its seeds: the
 * original, the compact model, the random-pruning control of the same sparsity (when the grid has
 * one) and the three baselines.
 */
export function configurationMcs(
  config: readonly OkRecord[],
  control: readonly OkRecord[] | undefined,
  predictionsOf: (run: OkRecord) => PredictionRow[] | undefined,
): McsResult | undefined {
  const rowsOf = config.map(predictionsOf);
  const controlRows = control?.map(predictionsOf);
  if (rowsOf.some((r) => r === undefined) || controlRows?.some((r) => r === undefined)) return undefined;
  const meanSquared = (sets: PredictionRow[][], column: string) =>
    sets[0].map((_, t) => sets.reduce((s, rows) => s + (rows[t].actual - (rows[t][column] as number)) ** 2, 0) / sets.length);
  const sets = rowsOf as PredictionRow[][];
  const names = ['original', 'compact', ...(controlRows ? ['random control'] : []), 'persistence', 'drift', 'linear'];
  const losses = [
    meanSquared(sets, 'original'),
    meanSquared(sets, 'compact'),
    ...(controlRows ? [meanSquared(controlRows as PredictionRow[][], 'compact')] : []),
    meanSquared(sets, 'persistence'),
    meanSquared(sets, 'drift'),
    meanSquared(sets, 'linear'),
  ];
  return modelConfidenceSet(names, losses);
}

export interface PooledComparison {
  /** The runs pooled: every fold of every seed of one configuration. */
  runs: OkRecord[];
  folds: number;
  first: 'original' | 'compact';
  second: 'original' | 'persistence';
  /** The seeds-and-days test over every fold's test days in time order. */
  test: SeedsDaysTest;
  /** Per seed, MSE over all folds' days: the t-test across seeds, conditional on those days. */
  acrossSeeds: RatioEffect;
  /** The question's family of pooled tests, as judge() names them ('compact vs original', 'vs persistence'). */
  family: Family;
  /** Holm within the family, over its distinct tests. */
  holm: number;
  /** How many distinct tests the family holds (an original shared by configurations is one test). */
  familySize: number;
}

const POOLED_PAIRS = [
  { first: 'compact', second: 'original', family: 'compact vs original' },
  { first: 'original', second: 'persistence', family: 'vs persistence' },
  { first: 'compact', second: 'persistence', family: 'vs persistence' },
] as const;

/** A walk-forward configuration: everything but the seed, the fold and its test period. */
export const pooledKey = (run: OkRecord): string => configKey({ ...run.params, testEnd: 'pooled', fold: undefined });

/**
 * Walk-forward results pooled over folds: for each configuration and seed, the errors of all its
 * test periods in time order, tested like any comparison (seeds and days). Holm within each
 * question's family, as for the per-fold verdicts: the configurations that share a dense training
 * share its original-vs-persistence test, which counts once, not once per configuration.
 */
export function pooledComparisons(runs: readonly OkRecord[], errorsOf: ErrorsOf): PooledComparison[] {
  const pools = new Map<string, OkRecord[]>();
  for (const run of runs.filter((r) => r.params.fold !== undefined)) pools.set(pooledKey(run), [...(pools.get(pooledKey(run)) ?? []), run]);
  const raw = [...pools.values()].flatMap((pool) => {
    const seeds = [...new Set(pool.map((r) => r.params.seed))];
    const folds = new Set(pool.map((r) => r.params.fold)).size;
    const perSeed = seeds.map((seed) => pool.filter((r) => r.params.seed === seed).sort((a, b) => a.params.fold! - b.params.fold!));
    // A seed missing a fold (a failed run) cannot be pooled like the others.
    const complete = perSeed.filter((f) => f.length === folds);
    const pooled = complete.map((foldRuns) => foldRuns.map(errorsOf));
    if (complete.length === 0 || pooled.some((f) => f.some((e) => e === undefined))) return [];
    const concat = (who: 'original' | 'compact' | 'persistence') => pooled.map((f) => f.flatMap((e) => e![who]));
    const mse = (errors: number[]) => errors.reduce((s, e) => s + e * e, 0) / errors.length;
    const horizon = complete[0][0].horizon ?? 1;
    return POOLED_PAIRS.map(({ first, second, family }) => ({
      runs: complete.flat(),
      folds,
      first,
      second,
      family,
      // The same numbers make the same test: the seeds, and each side's errors on every day
      // (hashed: tens of thousands of numbers per test).
      id: `${first}/${second}/${seeds.join(',')}/${sha256(new Uint8Array(Float64Array.from([...concat(first), ...concat(second)].flat()).buffer))}`,
      test: seedsAndDaysTest(concat(first), concat(second), { horizon }),
      acrossSeeds: logRatioEffect(concat(first).map(mse), concat(second).map(mse)),
    }));
  });
  const adjustedOf = adjustDistinct(raw.map((c) => ({ family: c.family, id: c.id, p: c.test.pValue })));
  return raw.map(({ id, ...c }) => {
    const { holm, size } = adjustedOf(c.family, id);
    return { ...c, holm, familySize: size };
  });
}

/** One entry of comparisons.json. */
export interface ComparisonEntry {
  configuration: string;
  params: Record<string, unknown>;
  question: string;
  first: string;
  second: string;
  family: string;
  familySize: number;
  test: string;
  statistic: number | null;
  df: number | null;
  p: number | null;
  holm: number | null;
  bh: number | null;
  effect: { measure: 'MSE ratio (geometric mean over seeds)'; ratio: number | null; lo: number | null; hi: number | null };
  acrossSeeds: {
    test: 't-test of log MSE across seeds, conditional on the test period';
    p: number | null;
    lo: number | null;
    hi: number | null;
  };
  wilcoxonP: number | null;
  seeds: number;
  days: number;
  testPeriod: { start: string; end: string };
  runIds: string[];
}

const json = (x: number) => (Number.isFinite(x) ? x : null);

/** Every comparison as plain data: what was compared, in which family, by which test, with what result. */
export function comparisonEntries(comparisons: readonly Comparison[], label: (run: OkRecord) => string): ComparisonEntry[] {
  return comparisons.map((c) => {
    const { params, data } = c.runs[0];
    const { seed: _seed, ...shared } = params;
    return {
      configuration: label(c.runs[0]),
      params: shared,
      question: `${c.first} vs ${c.second}`,
      first: c.first,
      second: c.second,
      family: c.family,
      familySize: c.familySize,
      test: c.test.name,
      statistic: json(c.test.statistic),
      df: json(c.test.df),
      p: json(c.test.pValue),
      holm: json(c.holm),
      bh: json(c.bh),
      effect: { measure: 'MSE ratio (geometric mean over seeds)', ratio: json(c.test.ratio), lo: json(c.test.lo), hi: json(c.test.hi) },
      acrossSeeds: {
        test: 't-test of log MSE across seeds, conditional on the test period',
        p: json(c.acrossSeeds.pValue),
        lo: json(c.acrossSeeds.lo),
        hi: json(c.acrossSeeds.hi),
      },
      wilcoxonP: json(c.wilcoxonP),
      seeds: c.test.seeds,
      days: c.test.days,
      testPeriod: { start: data.test.start, end: data.test.end },
      runIds: c.runs.map((r) => r.runId),
    };
  });
}
