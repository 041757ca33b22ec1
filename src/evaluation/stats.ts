// Small, exact statistics in plain TypeScript: mean and standard deviation, the Diebold–Mariano
// test (HLN or Newey–West variance) and the paired t-test. Intervals over seeds are in
// seed-summary.ts, the verdict test in seeds-days.ts.
import { z } from 'zod';
import { jsonNumber } from '../plugin/model-report.ts';
import { twoSided } from './distributions.ts';

export { incompleteBeta, tCdf, tQuantile, twoSided } from './distributions.ts';

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n − 1). */
export function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export const testResultSchema = z.object({
  /** The test statistic (t-distributed under the null). */
  statistic: jsonNumber,
  df: jsonNumber,
  /** Two-sided p-value. */
  pValue: jsonNumber,
  n: z.number(),
  /** Mean of the differences (first minus second). */
  meanDifference: jsonNumber,
  /** Diebold–Mariano only, when not the HLN default: the long-run variance used, and its lags. */
  variance: z.literal('newey-west').optional(),
  bandwidth: z.number().optional(),
});

export type TestResult = z.output<typeof testResultSchema>;

/** The Newey–West (1994) rule of thumb for the Bartlett kernel's bandwidth: ⌊4 (n/100)^(2/9)⌋ (4 for 250 days, as statsmodels' default). */
export function neweyWestBandwidth(n: number): number {
  return Math.floor(4 * (n / 100) ** (2 / 9));
}

export type DmVariance = 'hln' | 'newey-west';

/**
 * Diebold–Mariano test of equal predictive accuracy. `e1`, `e2` are forecast errors on the same
 * targets; `loss` is squared or absolute. A negative statistic means the first forecast has the
 * smaller loss. The long-run variance of the loss differential is either
 *   hln         — autocovariances up to lag h−1 with the Harvey–Leybourne–Newbold (1997)
 *                 small-sample correction, as in R's forecast::dm.test (assumes no dependence
 *                 beyond the horizon);
 *   newey-west  — Bartlett-weighted autocovariances up to `bandwidth` lags (default: the Newey–West
 *                 rule), robust to the autocorrelation daily loss differentials have; as
 *                 statsmodels' OLS of d on a constant with cov_type='HAC', use_correction=False.
 * Both refer the statistic to Student-t(n−1).
 */
export function dieboldMariano(
  e1: readonly number[],
  e2: readonly number[],
  options: { loss: 'squared' | 'absolute'; h?: number; variance?: DmVariance; bandwidth?: number },
): TestResult {
  if (e1.length !== e2.length) throw new Error('Diebold–Mariano: error series differ in length');
  let h = options.h ?? 1;
  const g = options.loss === 'squared' ? (e: number) => e * e : Math.abs;
  const d = e1.map((e, i) => g(e) - g(e2[i]));
  const n = d.length;
  const dBar = mean(d);
  const autocov = (k: number) => {
    let s = 0;
    for (let i = k; i < n; i++) s += (d[i] - dBar) * (d[i - k] - dBar);
    return s / n;
  };
  const hac = options.variance === 'newey-west';
  let bandwidth = hac ? (options.bandwidth ?? neweyWestBandwidth(n)) : h - 1;
  const longRun = (lags: number) => {
    let v = autocov(0);
    for (let k = 1; k <= lags; k++) v += 2 * (hac ? 1 - k / (lags + 1) : 1) * autocov(k);
    return v;
  };
  let variance = longRun(bandwidth);
  // The truncated (HLN) sum can go negative for h > 1; as R's forecast::dm.test, test as if h = 1.
  if (!hac && variance < 0) {
    h = 1;
    bandwidth = 0;
    variance = longRun(bandwidth);
  }
  const dm = dBar / Math.sqrt(variance / n);
  const correction = hac ? 1 : Math.sqrt((n + 1 - 2 * h + (h * (h - 1)) / n) / n);
  const statistic = variance === 0 ? (dBar === 0 ? 0 : Math.sign(dBar) * Infinity) : dm * correction;
  return {
    statistic,
    df: n - 1,
    pValue: variance === 0 && dBar === 0 ? 1 : twoSided(statistic, n - 1),
    n,
    meanDifference: dBar,
    ...(hac ? { variance: 'newey-west' as const, bandwidth } : {}),
  };
}

/** Paired two-sided t-test of a − b (e.g. one metric of two models over the same seeds). */
export function pairedTTest(a: readonly number[], b: readonly number[]): TestResult {
  if (a.length !== b.length) throw new Error('paired t-test: samples differ in length');
  const d = a.map((x, i) => x - b[i]);
  const n = d.length;
  const m = mean(d);
  const sd = sampleSd(d);
  if (n < 2) return { statistic: NaN, df: 0, pValue: NaN, n, meanDifference: m };
  const statistic = sd === 0 ? (m === 0 ? 0 : Math.sign(m) * Infinity) : m / (sd / Math.sqrt(n));
  return { statistic, df: n - 1, pValue: sd === 0 && m === 0 ? 1 : twoSided(statistic, n - 1), n, meanDifference: m };
}
