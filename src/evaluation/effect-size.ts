// The effect of pruning as a ratio: the compact model's MSE over the original's, per seed, on a
// log scale. MSEs across seeds are skewed (one bad seed dominates a mean), the log of a ratio is
// symmetric around "no effect" (0), and its interval, mapped back, can never go below zero.
import { arithmeticSummary } from './seed-summary.ts';
import { twoSided } from './distributions.ts';

export interface RatioEffect {
  /** exp(mean of ln(a/b)): the geometric-mean ratio. 1 means no effect. */
  ratio: number;
  /** 95% Student-t interval of the mean log ratio, mapped back to a ratio (NaN with one seed). */
  lo: number;
  hi: number;
  /** Mean and standard error scale: the log ratio itself. */
  meanLog: number;
  /** Two-sided t-test of mean ln(a/b) = 0 (NaN with one seed). */
  pValue: number;
  n: number;
}

/** Ratio a/b of two positive metrics over paired seeds, with its 95% interval. */
export function logRatioEffect(a: readonly number[], b: readonly number[]): RatioEffect {
  if (a.length !== b.length) throw new Error('log-ratio effect: samples differ in length');
  const logs = a.map((x, i) => Math.log(x / b[i]));
  const ci = arithmeticSummary(logs);
  let pValue = NaN;
  if (logs.length > 1) {
    const sd = Math.sqrt(logs.reduce((s, x) => s + (x - ci.mean) ** 2, 0) / (logs.length - 1));
    pValue = sd === 0 ? (ci.mean === 0 ? 1 : 0) : twoSided(ci.mean / (sd / Math.sqrt(logs.length)), logs.length - 1);
  }
  return { ratio: Math.exp(ci.mean), lo: Math.exp(ci.lo), hi: Math.exp(ci.hi), meanLog: ci.mean, pValue, n: logs.length };
}
