// Plain-language verdicts for the comparisons that matter: compact vs original, and each model
// vs persistence. One seed: Diebold–Mariano on squared errors (Newey–West variance; records from
// before issue 12 have only the HLN one). Several seeds: a t-test of log MSE across seeds (each seed
// is one independent training; MSEs across seeds are skewed, their logs much less). Over all the
// configurations of a run or report, p-values are Holm-adjusted and the verdict follows the
// adjusted one.
import { logRatioEffect } from '../evaluation/effect-size.ts';
import { holm } from '../evaluation/multiple-testing.ts';
import type { TestResult } from '../evaluation/stats.ts';
import type { OkRecord } from '../results/record.ts';

export const ALPHA = 0.05;

/** "0.042", "3.1e-45", or "< 1e-300" where even the exact tail underflows; never "0.0e+0". */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return 'n/a';
  if (p < 1e-300) return '< 1e-300';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/**
 * "compact vs original: worse, p = 0.002, Holm p = 0.030 of 90 (DM, squared errors)". Negative
 * differences favour the first. With an adjusted p, the verdict follows it.
 */
export function verdict(first: string, second: string, test: Pick<TestResult, 'pValue' | 'meanDifference'>, how: string, adjusted?: { holm: number; of: number }): string {
  const p = adjusted ? adjusted.holm : test.pValue;
  const outcome = Number.isNaN(p) ? 'not testable' : p < ALPHA ? (test.meanDifference < 0 ? 'better' : 'worse') : 'no significant difference';
  const holmText = adjusted && adjusted.of > 1 ? `, Holm p = ${formatP(adjusted.holm)} of ${adjusted.of}` : '';
  return `${first} vs ${second}: ${outcome}, p = ${formatP(test.pValue)}${holmText} (${how})`;
}

export interface Comparison {
  key: 'compactVsOriginal' | 'originalVsPersistence' | 'compactVsPersistence';
  first: string;
  second: string;
  test: Pick<TestResult, 'pValue' | 'meanDifference' | 'n'>;
  how: string;
  /** Holm-adjusted over the comparisons of every configuration judged together. */
  holm?: number;
  text: string;
}

/** The three comparisons every configuration gets. */
export const PAIRS = [
  { key: 'compactVsOriginal', first: 'compact', second: 'original' },
  { key: 'originalVsPersistence', first: 'original', second: 'persistence' },
  { key: 'compactVsPersistence', first: 'compact', second: 'persistence' },
] as const;

/** Verdicts for one configuration, given its runs (one per seed), unadjusted. */
export function compareRuns(runs: readonly OkRecord[]): Comparison[] {
  if (runs.length === 0) return [];
  const mseOf = (r: OkRecord, name: string) => (name === 'persistence' ? r.baselines.persistence.mse : r[name as 'original' | 'compact'].mse);
  return PAIRS.map(({ key, first, second }) => {
    let test: Comparison['test'];
    let how: string;
    if (runs.length > 1) {
      const effect = logRatioEffect(runs.map((r) => mseOf(r, first)), runs.map((r) => mseOf(r, second)));
      test = { pValue: effect.pValue, meanDifference: effect.meanLog, n: effect.n };
      how = `t-test of log MSE over ${runs.length} seeds`;
    } else {
      const tests = runs[0].tests[key];
      test = tests.squaredNeweyWest ?? tests.squared;
      how = tests.squaredNeweyWest ? 'Diebold–Mariano, squared errors, Newey–West variance' : 'Diebold–Mariano, squared errors';
    }
    return { key, first, second, test, how, text: verdict(first, second, test, how) };
  });
}

/** Verdicts for several configurations judged together: Holm over all their comparisons. */
export function compareConfigurations(configs: readonly (readonly OkRecord[])[]): Comparison[][] {
  const raw = configs.map(compareRuns);
  const all = raw.flat();
  const adjusted = holm(all.map((c) => c.test.pValue));
  let i = 0;
  return raw.map((list) =>
    list.map((c) => {
      const holmP = adjusted[i++];
      return { ...c, holm: holmP, text: verdict(c.first, c.second, c.test, c.how, { holm: holmP, of: all.length }) };
    }),
  );
}
