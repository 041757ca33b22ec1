// Verdicts: every comparison a run or report makes, tested the one way a statistician would sign
// (src/evaluation/seeds-days.ts: seeds and autocorrelated test days both random), grouped into one
// multiple-testing family per question, each distinct test counted once:
//   compact vs original      — one test per configuration;
//   vs persistence           — each model against tomorrow = today; the dense original is shared
//                              by every pruning configuration of its training, and enters once;
//   vs random control        — a pruner against its own random control (same sparsity, same seeds).
// A test is identified by the data it was computed from (test period and, per seed, both models'
// MSEs): two configurations that hold the same numbers hold the same test. Holm and
// Benjamini–Hochberg adjust within a family; the verdict follows Holm. The t-test of log MSE
// across seeds stays beside it, labelled as what it is: conditional on the test period.
import { logRatioEffect, type RatioEffect } from '../evaluation/effect-size.ts';
import { benjaminiHochberg, holm } from '../evaluation/multiple-testing.ts';
import { seedsAndDaysTest, SEEDS_AND_DAYS } from '../evaluation/seeds-days.ts';
import { wilcoxonSignedRank } from '../evaluation/wilcoxon.ts';
import type { PredictionRow } from '../results/artifacts.ts';
import type { OkRecord } from '../results/record.ts';
import { byConfiguration, configKey } from '../plan/labels.ts';

export const ALPHA = 0.05;

/** "0.042", "3.1e-45", or "< 1e-300" where even the exact tail underflows; never "0.0e+0". */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return 'n/a';
  if (p < 1e-300) return '< 1e-300';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

export type Forecaster = 'original' | 'compact' | 'persistence' | 'random control';
export type Family = 'compact vs original' | 'vs persistence' | 'vs random control';
export const FAMILIES: readonly Family[] = ['compact vs original', 'vs persistence', 'vs random control'];

/** Errors (actual − forecast) per test day of one run, by forecaster; undefined when its predictions are missing. */
export type ErrorsOf = (run: OkRecord) => Record<'original' | 'compact' | 'persistence', number[]> | undefined;

/** Errors per test day from a run's stored predictions. */
export function errorsFrom(rows: readonly PredictionRow[]): Record<'original' | 'compact' | 'persistence', number[]> {
  const of = (column: string) => rows.map((r) => r.actual - (r[column] as number));
  return { original: of('original'), compact: of('compact'), persistence: of('persistence') };
}

export interface VerdictTest {
  /** Which test made the p-value. */
  name: string;
  /** Geometric mean over seeds of MSE(first) / MSE(second), with the test's own 95% interval (NaN bounds when it has none). */
  ratio: number;
  lo: number;
  hi: number;
  statistic: number;
  df: number;
  pValue: number;
  seeds: number;
  days: number;
  /** One seed: a statement about that trained model, not about the training procedure. */
  conditionalOnSeed: boolean;
}

export interface Comparison {
  key: 'compactVsOriginal' | 'originalVsPersistence' | 'compactVsPersistence' | 'compactVsControl';
  family: Family;
  first: Forecaster;
  second: Forecaster;
  /** The configuration's runs (one per seed) that were compared. */
  runs: OkRecord[];
  test: VerdictTest;
  /** Secondary: t-test of log MSE across seeds, conditional on the test period (NaN with one seed). */
  acrossSeeds: RatioEffect;
  /** Wilcoxon signed-rank over seeds of the two MSEs (NaN with one seed). */
  wilcoxonP: number;
  /** The data the test was computed from: comparisons with the same id are one test. */
  id: string;
  /** Adjusted within the family; `familySize` counts its distinct testable tests. */
  holm: number;
  bh: number;
  familySize: number;
  text: string;
}

type Pair = Pick<Comparison, 'key' | 'family' | 'first' | 'second'>;
const PAIRS: readonly Pair[] = [
  { key: 'compactVsOriginal', family: 'compact vs original', first: 'compact', second: 'original' },
  { key: 'originalVsPersistence', family: 'vs persistence', first: 'original', second: 'persistence' },
  { key: 'compactVsPersistence', family: 'vs persistence', first: 'compact', second: 'persistence' },
];
const CONTROL: Pair = { key: 'compactVsControl', family: 'vs random control', first: 'compact', second: 'random control' };

/** A configuration's random control in the grid: the same runs with `control: random`, or the `random` pruner at the same settings. */
export function randomControlOf(config: readonly OkRecord[], byKey: ReadonlyMap<string, OkRecord[]>): OkRecord[] | undefined {
  const { params } = config[0];
  if (params.pruner === 'random' || (params.prune.control !== undefined && params.prune.control !== 'none')) return undefined;
  return (
    byKey.get(configKey({ ...params, prune: { ...params.prune, control: 'random' } })) ??
    byKey.get(configKey({ ...params, pruner: 'random' }))
  );
}

const mseOf = (run: OkRecord, who: 'original' | 'compact' | 'persistence') =>
  who === 'persistence' ? run.baselines.persistence.mse : run[who].mse;

interface Side {
  runs: OkRecord[];
  who: 'original' | 'compact' | 'persistence';
}

function testPair(pair: Pair, a: Side, b: Side, errorsOf: ErrorsOf): Omit<Comparison, 'holm' | 'bh' | 'familySize' | 'text'> {
  const mseA = a.runs.map((r) => mseOf(r, a.who));
  const mseB = b.runs.map((r) => mseOf(r, b.who));
  const acrossSeeds = logRatioEffect(mseA, mseB);
  const errorsA = a.runs.map(errorsOf);
  const errorsB = b.runs.map(errorsOf);
  let test: VerdictTest;
  if (errorsA.every(Boolean) && errorsB.every(Boolean)) {
    const horizon = a.runs[0].horizon ?? 1;
    const t = seedsAndDaysTest(
      errorsA.map((e) => e![a.who]),
      errorsB.map((e) => e![b.who]),
      { horizon },
    );
    test = { name: t.conditionalOnSeed ? `${SEEDS_AND_DAYS}, one seed: conditional on it` : SEEDS_AND_DAYS, ...t };
  } else {
    // Stored predictions missing (an old or damaged folder): the across-seeds test, named as such.
    const { ratio, lo, hi, pValue, n } = acrossSeeds;
    test = {
      name: 't-test of log MSE across seeds only (stored predictions missing)',
      ratio,
      lo,
      hi,
      pValue,
      statistic: NaN,
      df: n - 1,
      seeds: n,
      days: a.runs[0].data.test.days,
      conditionalOnSeed: false,
    };
  }
  const wilcoxonP = mseA.length > 1 ? wilcoxonSignedRank(mseA, mseB).pValue : NaN;
  const t = a.runs[0].data.test;
  // In seed order: configurations list their runs in the order they finished.
  const id = JSON.stringify([t.start, t.end, a.runs.map((r, i) => [r.params.seed, mseA[i], mseB[i]]).sort((x, y) => x[0] - y[0])]);
  return { ...pair, runs: a.runs, test, acrossSeeds, wilcoxonP, id };
}

/** "compact vs original: worse (MSE ratio 3.48 [1.69, 7.17]), p = 0.003, Holm p = 0.031 of 30 in 'compact vs original'; seeds-and-days t …". */
function verdictText(c: Pick<Comparison, 'first' | 'second' | 'test' | 'holm' | 'familySize' | 'family'>): string {
  const interval = Number.isFinite(c.test.lo) ? ` [${c.test.lo.toPrecision(3)}, ${c.test.hi.toPrecision(3)}]` : '';
  const holmText = c.familySize > 1 ? `, Holm p = ${formatP(c.holm)} of ${c.familySize} in '${c.family}'` : '';
  return `${c.first} vs ${c.second}: ${outcome(c)} (MSE ratio ${c.test.ratio.toPrecision(3)}${interval}), p = ${formatP(c.test.pValue)}${holmText}; ${c.test.name}, ${c.test.seeds} seed${c.test.seeds === 1 ? '' : 's'} × ${c.test.days} days`;
}

/** The verdict word from the adjusted p (the raw one in a family of one): worse, better, no significant difference, not testable. */
export function outcome(c: Pick<Comparison, 'holm' | 'test'>): string {
  if (Number.isNaN(c.holm)) return 'not testable';
  return c.holm < ALPHA ? (c.test.ratio > 1 ? 'worse' : 'better') : 'no significant difference';
}

export interface Adjusted {
  holm: number;
  bh: number;
  /** The family's distinct testable tests. */
  size: number;
}

/**
 * Holm and BH within each family, over its distinct tests (ids): every copy of a test gets the
 * same adjusted p. The per-fold verdicts and the walk-forward pooled ones both go through it.
 */
export function adjustDistinct(tests: readonly { family: string; id: string; p: number }[]): (family: string, id: string) => Adjusted {
  const adjusted = new Map<string, Adjusted>();
  for (const family of new Set(tests.map((t) => t.family))) {
    const distinct = new Map(tests.filter((t) => t.family === family).map((t) => [t.id, t.p]));
    const ps = [...distinct.values()];
    const holms = holm(ps);
    const bhs = benjaminiHochberg(ps);
    const size = ps.filter((p) => !Number.isNaN(p)).length;
    [...distinct.keys()].forEach((id, i) => adjusted.set(`${family}|${id}`, { holm: holms[i], bh: bhs[i], size }));
  }
  return (family, id) => adjusted.get(`${family}|${id}`)!;
}

/** The comparisons with their adjusted p-values and verdict texts. */
function adjustWithinFamilies(raw: readonly Omit<Comparison, 'holm' | 'bh' | 'familySize' | 'text'>[]): Comparison[] {
  const adjustedOf = adjustDistinct(raw.map((c) => ({ family: c.family, id: c.id, p: c.test.pValue })));
  return raw.map((c) => {
    const a = adjustedOf(c.family, c.id);
    const judged = { ...c, holm: a.holm, bh: a.bh, familySize: a.size };
    return { ...judged, text: verdictText(judged) };
  });
}

/**
 * Every comparison of these runs: per configuration (the runs that differ only in seed) compact
 * vs original, each model vs persistence and, where the grid holds one, the pruner vs its random
 * control over the seeds both have; adjusted within families.
 */
export function judge(runs: readonly OkRecord[], errorsOf: ErrorsOf): Comparison[] {
  const configs = byConfiguration(runs);
  const byKey = new Map(configs.map((c) => [configKey(c[0].params), c]));
  const raw = configs.flatMap((config) => {
    const own = PAIRS.map((pair) =>
      testPair(pair, { runs: config, who: pair.first as Side['who'] }, { runs: config, who: pair.second as Side['who'] }, errorsOf),
    );
    const control = randomControlOf(config, byKey);
    if (!control) return own;
    const seeds = new Set(control.map((r) => r.params.seed));
    const paired = config.filter((r) => seeds.has(r.params.seed));
    const controlRuns = paired.map((r) => control.find((c) => c.params.seed === r.params.seed)!);
    return paired.length
      ? [...own, testPair(CONTROL, { runs: paired, who: 'compact' }, { runs: controlRuns, who: 'compact' }, errorsOf)]
      : own;
  });
  return adjustWithinFamilies(raw);
}

/** The comparisons of one configuration (its runs' first record), in judge()'s order. */
export function comparisonsOf(comparisons: readonly Comparison[], config: readonly OkRecord[]): Comparison[] {
  const key = configKey(config[0].params);
  return comparisons.filter((c) => configKey(c.runs[0].params) === key);
}
