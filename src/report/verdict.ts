// Plain-language verdicts for the comparisons that matter: compact vs original, and each model
// vs persistence. One seed: Diebold–Mariano on squared errors. Several seeds: a paired t-test of
// the test MSE across seeds (each seed is one independent training).
import { pairedTTest, type TestResult } from '../evaluation/stats.ts';
import type { OkRecord } from '../results/record.ts';

export const ALPHA = 0.05;

/** "0.042", "3.1e-45", or "< 1e-300" where even the exact tail underflows; never "0.0e+0". */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return 'n/a';
  if (p < 1e-300) return '< 1e-300';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** "compact vs original: worse, p = 0.002 (DM, squared errors)". Negative differences favour the first. */
export function verdict(first: string, second: string, test: Pick<TestResult, 'pValue' | 'meanDifference'>, how: string): string {
  const outcome = Number.isNaN(test.pValue) ? 'not testable' : test.pValue < ALPHA ? (test.meanDifference < 0 ? 'better' : 'worse') : 'no significant difference';
  return `${first} vs ${second}: ${outcome}, p = ${formatP(test.pValue)} (${how})`;
}

export interface Comparison {
  key: 'compactVsOriginal' | 'originalVsPersistence' | 'compactVsPersistence';
  first: string;
  second: string;
  test: Pick<TestResult, 'pValue' | 'meanDifference' | 'n'>;
  how: string;
  text: string;
}

const PAIRS = [
  { key: 'compactVsOriginal', first: 'compact', second: 'original' },
  { key: 'originalVsPersistence', first: 'original', second: 'persistence' },
  { key: 'compactVsPersistence', first: 'compact', second: 'persistence' },
] as const;

/** Verdicts for one configuration, given its runs (one per seed). */
export function compareRuns(runs: readonly OkRecord[]): Comparison[] {
  if (runs.length === 0) return [];
  const mseOf = (r: OkRecord, name: string) => (name === 'persistence' ? r.baselines.persistence.mse : r[name as 'original' | 'compact'].mse);
  return PAIRS.map(({ key, first, second }) => {
    const [test, how] =
      runs.length === 1
        ? [runs[0].tests[key].squared, 'Diebold–Mariano, squared errors']
        : [pairedTTest(runs.map((r) => mseOf(r, first)), runs.map((r) => mseOf(r, second))), `paired t-test of MSE over ${runs.length} seeds`];
    return { key, first, second, test, how, text: verdict(first, second, test, how) };
  });
}
