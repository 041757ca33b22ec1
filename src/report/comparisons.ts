// Every comparison one report makes, tested the way a referee would ask: per configuration (the
// runs that differ only in seed), compact vs original and each model vs persistence, as an MSE
// ratio with a 95% interval across seeds (log scale: MSEs across seeds are skewed), a bootstrap
// interval over test days and seeds together, the t-test on log MSE and the Wilcoxon signed-rank
// test; then Holm and Benjamini–Hochberg over all comparisons of the report, and the Model
// Confidence Set of each configuration.
import { logRatioEffect, type RatioEffect } from '../evaluation/effect-size.ts';
import { mseRatioInterval, type RatioInterval } from '../evaluation/bootstrap.ts';
import { benjaminiHochberg, holm } from '../evaluation/multiple-testing.ts';
import { modelConfidenceSet, type McsResult } from '../evaluation/mcs.ts';
import { wilcoxonSignedRank } from '../evaluation/wilcoxon.ts';
import type { PredictionRow } from '../results/artifacts.ts';
import type { OkRecord } from '../results/record.ts';
import { byConfiguration } from './summary.ts';
import { compareRuns, PAIRS, type Comparison } from './verdict.ts';
import { configKey } from '../plan/labels.ts';

type Forecaster = 'original' | 'compact' | 'persistence';

export interface ReportComparison {
  config: OkRecord[];
  first: Forecaster;
  second: Forecaster;
  /** MSE(first) / MSE(second): geometric mean over seeds, 95% t interval, t-test p on log MSE. */
  effect: RatioEffect;
  /** The same ratio with an interval from resampling test days (moving blocks) and seeds. */
  bootstrap?: RatioInterval;
  /** Wilcoxon signed-rank p over seeds (NaN with fewer than 2 seeds or no differences). */
  wilcoxonP: number;
  /** The p-value that is adjusted (the verdicts' test: t on log MSE across seeds, or with one seed Diebold–Mariano). */
  p: number;
  pHow: string;
  holm: number;
  bh: number;
}

type ErrorsOf = (run: OkRecord) => Record<Forecaster, number[]> | undefined;

const mseOf = (run: OkRecord, who: Forecaster) => (who === 'persistence' ? run.baselines.persistence.mse : run[who].mse);

/** Errors (actual − forecast) per test day, from a run's stored predictions. */
export function errorsFrom(rows: readonly PredictionRow[]): Record<Forecaster, number[]> {
  const of = (column: string) => rows.map((r) => r.actual - (r[column] as number));
  return { original: of('original'), compact: of('compact'), persistence: of('persistence') };
}

function compare(config: OkRecord[], verdict: Comparison, errorsOf: ErrorsOf): Omit<ReportComparison, 'holm' | 'bh'> {
  const first = verdict.first as Forecaster;
  const second = verdict.second as Forecaster;
  const effect = logRatioEffect(config.map((r) => mseOf(r, first)), config.map((r) => mseOf(r, second)));
  const errors = config.map(errorsOf);
  const bootstrap = errors.every((e) => e !== undefined) ? mseRatioInterval(errors.map((e) => e![first]), errors.map((e) => e![second])) : undefined;
  const wilcoxonP = config.length > 1 ? wilcoxonSignedRank(config.map((r) => mseOf(r, first)), config.map((r) => mseOf(r, second))).pValue : NaN;
  return { config, first, second, effect, bootstrap, wilcoxonP, p: verdict.test.pValue, pHow: verdict.how };
}

/** All comparisons of a report, with Holm and BH adjusted p-values over the whole family. */
export function reportComparisons(runs: readonly OkRecord[], errorsOf: ErrorsOf): ReportComparison[] {
  const raw = byConfiguration(runs).flatMap((config) => compareRuns(config).map((verdict) => compare(config, verdict, errorsOf)));
  const holms = holm(raw.map((c) => c.p));
  const bhs = benjaminiHochberg(raw.map((c) => c.p));
  return raw.map((c, i) => ({ ...c, holm: holms[i], bh: bhs[i] }));
}

/**
 * The Model Confidence Set of one configuration, on squared errors averaged over its seeds: the
 * original, the compact model, the random-pruning control of the same sparsity (when the grid has
 * one) and the three baselines.
 */
export function configurationMcs(config: readonly OkRecord[], control: readonly OkRecord[] | undefined, predictionsOf: (run: OkRecord) => PredictionRow[] | undefined): McsResult | undefined {
  const rowsOf = config.map(predictionsOf);
  const controlRows = control?.map(predictionsOf);
  if (rowsOf.some((r) => r === undefined) || controlRows?.some((r) => r === undefined)) return undefined;
  const meanSquared = (sets: PredictionRow[][], column: string) => sets[0].map((_, t) => sets.reduce((s, rows) => s + (rows[t].actual - (rows[t][column] as number)) ** 2, 0) / sets.length);
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
  first: Forecaster;
  second: Forecaster;
  /** Per seed, MSE over all folds' test days together. */
  effect: RatioEffect;
  bootstrap?: RatioInterval;
}

/** A walk-forward configuration: everything but the seed, the fold and its test period. */
export const pooledKey = (run: OkRecord): string => configKey({ ...run.params, testEnd: 'pooled', fold: undefined });

/**
 * Walk-forward results pooled over folds: for each configuration and seed, the errors of all its
 * test periods in time order, so each seed gets one MSE over every fold's days.
 */
export function pooledComparisons(runs: readonly OkRecord[], errorsOf: ErrorsOf): PooledComparison[] {
  const pools = new Map<string, OkRecord[]>();
  for (const run of runs.filter((r) => r.params.fold !== undefined)) pools.set(pooledKey(run), [...(pools.get(pooledKey(run)) ?? []), run]);
  return [...pools.values()].flatMap((pool) => {
    const seeds = [...new Set(pool.map((r) => r.params.seed))];
    const folds = new Set(pool.map((r) => r.params.fold)).size;
    const perSeed = seeds.map((seed) => pool.filter((r) => r.params.seed === seed).sort((a, b) => a.params.fold! - b.params.fold!));
    // A seed missing a fold (a failed run) cannot be pooled like the others.
    const complete = perSeed.filter((f) => f.length === folds);
    const pooled = complete.map((foldRuns) => foldRuns.map(errorsOf));
    if (complete.length === 0 || pooled.some((f) => f.some((e) => e === undefined))) return [];
    const concat = (who: Forecaster) => pooled.map((f) => f.flatMap((e) => e![who]));
    const mse = (errors: number[]) => errors.reduce((s, e) => s + e * e, 0) / errors.length;
    return PAIRS.map(({ first, second }) => ({
      runs: complete.flat(),
      folds,
      first,
      second,
      effect: logRatioEffect(concat(first).map(mse), concat(second).map(mse)),
      bootstrap: mseRatioInterval(concat(first), concat(second)),
    }));
  });
}
