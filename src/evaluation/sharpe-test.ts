// Is one strategy's Sharpe ratio higher than another's (or than 0, cash's), over new seeds and new
// test days? The Sharpe ratio's per-day influence (the delta method, as in Ledoit & Wolf 2008,
// "Robust performance hypothesis testing with the Sharpe ratio") goes through the same crossed
// seeds × days variance as the MSE verdicts (seeds-days.ts): autocorrelated days by a prewhitened
// HAC long-run variance, seeds by their spread. Two strategies on the same days enter as the
// difference of their influences, so their correlation (both mostly long the same asset) counts.
import { crossedSeedsDaysTest, type SeedStatistic } from './seeds-days.ts';

/**
 * A return series' Sharpe ratio per period, μ / σ (σ with divisor n), and each period's influence
 * on it: (r_t − μ) / σ − μ ((r_t − μ)² − σ²) / (2 σ³). NaN where the returns never vary.
 */
export function sharpeInfluence(returns: readonly number[]): SeedStatistic {
  const n = returns.length;
  const mu = returns.reduce((a, b) => a + b, 0) / n;
  const variance = returns.reduce((a, r) => a + (r - mu) ** 2, 0) / n;
  const sigma = Math.sqrt(variance);
  if (!(sigma > 0)) return { value: NaN, psi: returns.map(() => NaN) };
  return { value: mu / sigma, psi: returns.map((r) => (r - mu) / sigma - (mu * ((r - mu) ** 2 - variance)) / (2 * sigma ** 3)) };
}

/** Fewer holding periods than this: no test (p NaN). */
export const MIN_PERIODS = 30;

export interface SharpeTest {
  /** Mean over seeds of the annualised Sharpe ratio difference (first − second; second is 0 for cash). */
  difference: number;
  lo: number;
  hi: number;
  statistic: number;
  df: number;
  /** Two-sided p of "the Sharpe ratios are equal"; NaN where a Sharpe ratio is undefined (returns that never vary) or under MIN_PERIODS periods. */
  pValue: number;
  seeds: number;
  periods: number;
}

/**
 * Sharpe(a) = Sharpe(b), or Sharpe(a) = 0 without b. `a[s]`, `b[s]`: seed s's net returns per
 * holding period, on the same periods (a strategy without seeds, buy-and-hold, passes the same
 * returns for every seed). `periodsPerYear` annualises the difference and its interval; the test
 * itself is scale-free.
 */
export function sharpeTest(
  a: readonly (readonly number[])[],
  b: readonly (readonly number[])[] | undefined,
  periodsPerYear: number,
): SharpeTest {
  const seeds = a.length;
  const periods = a[0]?.length ?? 0;
  const influence = a.map((returns, s) => {
    const first = sharpeInfluence(returns);
    if (!b) return first;
    const second = sharpeInfluence(b[s]);
    return { value: first.value - second.value, psi: first.psi.map((p, t) => p - second.psi[t]) };
  });
  const undefinedRatio = { difference: NaN, lo: NaN, hi: NaN, statistic: NaN, df: NaN, pValue: NaN, seeds, periods };
  // The delta method needs a sample: a Sharpe ratio over a handful of periods has no usable variance.
  if (seeds === 0 || periods < MIN_PERIODS || influence.some((i) => !Number.isFinite(i.value))) return undefinedRatio;
  const test = crossedSeedsDaysTest(influence);
  const annual = Math.sqrt(periodsPerYear);
  return {
    difference: test.estimate * annual,
    lo: (test.estimate - test.halfWidth) * annual,
    hi: (test.estimate + test.halfWidth) * annual,
    statistic: test.statistic,
    df: test.df,
    pValue: test.pValue,
    seeds,
    periods,
  };
}
