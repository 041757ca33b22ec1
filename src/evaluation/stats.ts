// Small, exact statistics in plain TypeScript: summaries and Student-t intervals. The t quantile
// comes from the regularized incomplete beta function (continued fraction, Numerical Recipes
// §6.4), so no table and no dependency is needed.
import { z } from 'zod';
import { jsonNumber } from '../plugin/model-report.ts';

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n − 1). */
export function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The t value with P(T ≤ t) = p (bisection on the CDF; monotone, so this always converges). */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`tQuantile needs 0 < p < 1, got ${p}`);
  let lo = -1e3;
  let hi = 1e3;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface Interval {
  n: number;
  mean: number;
  lo: number;
  hi: number;
}

/** Mean with a two-sided 95% Student-t interval; with one value the interval is the value. */
export function meanCi95(xs: readonly number[]): Interval {
  const m = mean(xs);
  if (xs.length < 2) return { n: xs.length, mean: m, lo: m, hi: m };
  const half = tQuantile(0.975, xs.length - 1) * (sampleSd(xs) / Math.sqrt(xs.length));
  return { n: xs.length, mean: m, lo: m - half, hi: m + half };
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
});

export type TestResult = z.output<typeof testResultSchema>;

/** P(|T| ≥ |t|), straight from the incomplete beta: 2·(1 − cdf) would round every p below ~1e-16 to 0. */
export function twoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * Diebold–Mariano test of equal predictive accuracy, with the Harvey–Leybourne–Newbold (1997)
 * small-sample correction and Student-t(n−1) reference, as in R's forecast::dm.test.
 * `e1`, `e2` are forecast errors on the same targets; `loss` is squared or absolute; `h` is the
 * forecast horizon (autocovariances up to lag h−1 enter the variance).
 * A negative statistic means the first forecast has the smaller loss.
 */
export function dieboldMariano(e1: readonly number[], e2: readonly number[], options: { loss: 'squared' | 'absolute'; h?: number }): TestResult {
  if (e1.length !== e2.length) throw new Error('Diebold–Mariano: error series differ in length');
  const h = options.h ?? 1;
  const g = options.loss === 'squared' ? (e: number) => e * e : Math.abs;
  const d = e1.map((e, i) => g(e) - g(e2[i]));
  const n = d.length;
  const dBar = mean(d);
  const autocov = (k: number) => {
    let s = 0;
    for (let i = k; i < n; i++) s += (d[i] - dBar) * (d[i - k] - dBar);
    return s / n;
  };
  let variance = autocov(0);
  for (let k = 1; k < h; k++) variance += 2 * autocov(k);
  const dm = dBar / Math.sqrt(variance / n);
  const correction = Math.sqrt((n + 1 - 2 * h + (h * (h - 1)) / n) / n);
  const statistic = variance === 0 ? (dBar === 0 ? 0 : Math.sign(dBar) * Infinity) : dm * correction;
  return { statistic, df: n - 1, pValue: variance === 0 && dBar === 0 ? 1 : twoSided(statistic, n - 1), n, meanDifference: dBar };
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
