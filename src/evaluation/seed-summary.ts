// One number over seeds, with the interval every table and chart band shows. Seeds are
// independent trainings and their MSEs are skewed (one bad initialisation can be ten times the
// others), so a positive quantity (an error, a time, a size) is summarised by its geometric mean
// with a Student-t interval of the mean log: exact for lognormal spreads at any number of seeds,
// never below zero, and the same scale the verdict tests use (log MSE ratios). An arithmetic
// mean's interval covered 71–88% of the time at nominal 95% in issue 22's simulation (lognormal
// seeds, 3–10 of them); `npm run calibrate` measures both. Quantities that can be negative (R²,
// skill) keep the arithmetic mean and its t interval. One seed has no interval: lo and hi are NaN
// and are shown as n/a, never as a zero-width interval.
import { mean, sampleSd } from './stats.ts';
import { tQuantile } from './distributions.ts';

export interface SeedSummary {
  n: number;
  /** The geometric mean (positive quantities) or the arithmetic mean. */
  mean: number;
  lo: number;
  hi: number;
  scale: 'geometric' | 'arithmetic';
}

/** Arithmetic mean with a two-sided 95% Student-t interval; NaN bounds with fewer than two values. */
export function arithmeticSummary(values: readonly number[]): SeedSummary {
  const m = mean(values);
  if (values.length < 2) return { n: values.length, mean: m, lo: NaN, hi: NaN, scale: 'arithmetic' };
  const half = tQuantile(0.975, values.length - 1) * (sampleSd(values) / Math.sqrt(values.length));
  return { n: values.length, mean: m, lo: m - half, hi: m + half, scale: 'arithmetic' };
}

/** Geometric mean with the 95% t interval of the mean log, mapped back; arithmetic if any value is ≤ 0. */
export function geometricSummary(values: readonly number[]): SeedSummary {
  if (values.some((v) => !(v > 0))) return arithmeticSummary(values);
  const logs = arithmeticSummary(values.map(Math.log));
  // One value is its own geometric mean, exactly (exp(ln 3) is 2.9999999999999996).
  const center = values.length === 1 ? values[0] : Math.exp(logs.mean);
  return { n: logs.n, mean: center, lo: Math.exp(logs.lo), hi: Math.exp(logs.hi), scale: 'geometric' };
}

/** The summary a quantity gets: geometric when it can never be negative, else arithmetic. */
export function summarizeSeeds(values: readonly number[], positive: boolean): SeedSummary {
  return positive ? geometricSummary(values) : arithmeticSummary(values);
}

/** "geometric mean over 10 seeds" / "mean over 3 seeds" / "1 seed". */
export function summaryLabel(summary: Pick<SeedSummary, 'n' | 'scale'>): string {
  if (summary.n < 2) return `${summary.n} seed`;
  return `${summary.scale === 'geometric' ? 'geometric mean' : 'mean'} over ${summary.n} seeds`;
}
