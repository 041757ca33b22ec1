import { incompleteBeta, sampleSd, tCdf, tQuantile, twoSided } from '../../src/evaluation/stats.ts';
import { arithmeticSummary, geometricSummary, summarizeSeeds } from '../../src/evaluation/seed-summary.ts';
import { formatP } from '../../src/report/verdict.ts';

describe('Student t', () => {
  test('quantiles match published tables (scipy.stats.t.ppf)', () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706204736, 6);
    expect(tQuantile(0.975, 4)).toBeCloseTo(2.776445105, 8);
    expect(tQuantile(0.975, 9)).toBeCloseTo(2.262157163, 8);
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.042272456, 8);
    expect(tQuantile(0.025, 9)).toBeCloseTo(-2.262157163, 8);
  });
  test('cdf and incomplete beta on simple cases', () => {
    expect(tCdf(0, 5)).toBeCloseTo(0.5, 12);
    // df = 1 is the Cauchy distribution: P(T ≤ 1) = 3/4
    expect(tCdf(1, 1)).toBeCloseTo(0.75, 12);
    // I_x(1, 1) = x; I_x(2, 1) = x²
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(incompleteBeta(0.3, 2, 1)).toBeCloseTo(0.09, 12);
  });
});

test('mean with a 95% interval, by hand; one value has no interval', () => {
  // 1..5: mean 3, sd sqrt(2.5), half-width 2.776445 * sqrt(2.5)/sqrt(5) = 1.963243
  expect(sampleSd([1, 2, 3, 4, 5])).toBeCloseTo(Math.sqrt(2.5), 12);
  const ci = arithmeticSummary([1, 2, 3, 4, 5]);
  expect(ci.mean).toBe(3);
  expect(ci.lo).toBeCloseTo(3 - 1.963243, 5);
  expect(ci.hi).toBeCloseTo(3 + 1.963243, 5);
  const one = arithmeticSummary([7]);
  expect([one.n, one.mean, Number.isNaN(one.lo), Number.isNaN(one.hi)]).toEqual([1, 7, true, true]);
});

test('positive values over seeds: the geometric mean and the t interval of the mean log', () => {
  // 1, e, e²: logs 0, 1, 2 (mean 1, sd 1), half-width t(0.975, 2)/√3 = 4.30265273/1.73205081 = 2.48413771
  const g = geometricSummary([1, Math.E, Math.E ** 2]);
  expect(g.scale).toBe('geometric');
  expect(g.mean).toBeCloseTo(Math.E, 12);
  expect(Math.log(g.lo)).toBeCloseTo(1 - 2.48413771, 7);
  expect(Math.log(g.hi)).toBeCloseTo(1 + 2.48413771, 7);
  // One bad seed: the interval stays above zero, where the arithmetic one does not.
  const skewed = [10, 12, 11, 9, 400];
  expect(geometricSummary(skewed).lo).toBeGreaterThan(0);
  expect(arithmeticSummary(skewed).lo).toBeLessThan(0);
  // A zero or negative value cannot be logged: the arithmetic summary, said as such.
  expect(summarizeSeeds([0, 1, 2], true).scale).toBe('arithmetic');
  expect(summarizeSeeds([-1, 1], false).mean).toBe(0);
});

test('tiny p-values are computed, not rounded to 0, and never print as 0.0e+0', () => {
  // Student t with 1 df is Cauchy: P(|T| ≥ t) = (2/π)·atan(1/t); at t = 1e20 that is 6.366e-21,
  // where 2·(1 − cdf) gives exactly 0.
  expect(Math.abs(twoSided(1e20, 1) / ((2 / Math.PI) * Math.atan(1e-20)) - 1)).toBeLessThan(1e-9);
  expect(formatP(twoSided(1e20, 1))).toBe('6.4e-21');
  expect(twoSided(2.228, 10)).toBeCloseTo(0.05, 3); // the textbook 97.5% quantile of t(10)
  expect(formatP(0)).toBe('< 1e-300');
  expect(formatP(0.0421)).toBe('0.042');
});
