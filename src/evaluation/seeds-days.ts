// The verdict test: is one forecaster's MSE a different multiple of another's, over new seeds
// *and* new test days? Both are random: a seed is one draw of the initialisation (and of the
// shuffle), a test period one draw of market days, whose loss differentials are autocorrelated.
// A t-test across seeds sees only the first (it rejected 34% of true nulls against persistence in
// issue 22's simulation); Diebold–Mariano on one seed only the second. This test uses both:
//
//   θ̂ = mean over seeds s of L_s,   L_s = ln(MSE_a,s / MSE_b,s)        (exp θ̂: geometric-mean ratio)
//   Var(θ̂) = s²_L / S  +  [LRV(ψ̄) / T − the seeds' own day noise in it]
//
// s²_L, the spread of L_s across the S seeds, holds the seeds' differences and each seed's own day
// noise. ψ_s,t = a²_s,t / MSE_a,s − b²_s,t / MSE_b,s is day t's influence on L_s (the delta
// method); the long-run variance of its mean over seeds, ψ̄, is what the shared test days add, with
// their autocorrelation (Andrews–Monahan prewhitening, Bartlett weights, Andrews' AR(1) lag, never
// fewer than h − 1 lags for an h-day horizon). Each seed's own day noise would otherwise count
// twice; it is estimated from the seeds' deviations from ψ̄ and taken off the day term. This is
// the classical two-way (crossed seeds × days) variance, in closed form.
//
// θ̂ / √Var is referred to Student t with Welch–Satterthwaite degrees of freedom (S − 1 for the
// seeds, 1.5 T / (lags + 1) for the days), so three seeds give a wide interval when the seeds
// disagree, and many days cannot hide it. With one seed there is no seed term: the test is about
// that one trained model, and says so. `npm run calibrate` measures size, power and coverage.
import { tQuantile, twoSided } from './distributions.ts';

export const SEEDS_AND_DAYS = 'seeds-and-days t (log MSE ratio)';

export interface SeedsDaysTest {
  /** exp(θ̂): the geometric mean over seeds of MSE(a) / MSE(b). */
  ratio: number;
  /** 95% interval of the ratio, from the same statistic and degrees of freedom as `pValue`. */
  lo: number;
  hi: number;
  logRatio: number;
  standardError: number;
  statistic: number;
  df: number;
  /** Two-sided p of "the geometric-mean MSE ratio is 1". */
  pValue: number;
  seeds: number;
  days: number;
  /** Lags of the Bartlett long-run variance. */
  lags: number;
  /** The two variance terms (on the log-ratio scale): across seeds, and over shared test days. */
  seedVariance: number;
  dayVariance: number;
  /** True with one seed: the day term alone, a statement about that one trained model. */
  conditionalOnSeed: boolean;
}

/** Lag-1 autocorrelation of a series. */
function lag1Autocorrelation(x: readonly number[]): number {
  const n = x.length;
  let m = 0;
  for (const v of x) m += v / n;
  let c0 = 0;
  let c1 = 0;
  for (let t = 0; t < n; t++) {
    c0 += (x[t] - m) ** 2;
    if (t > 0) c1 += (x[t] - m) * (x[t - 1] - m);
  }
  return c0 === 0 ? 0 : c1 / c0;
}

/**
 * Andrews (1991) plug-in lag count for the Bartlett kernel, fitted as AR(1):
 * ⌊1.1447 (α T)^(1/3)⌋ with α = 4ρ² / ((1 − ρ)² (1 + ρ)²); ρ is capped at 0.97 and the lag count
 * at T / 4, and never below `minimum`.
 */
export function andrewsLags(x: readonly number[], minimum = 0): number {
  const rho = Math.max(-0.97, Math.min(0.97, lag1Autocorrelation(x)));
  const alpha = (4 * rho * rho) / ((1 - rho) ** 2 * (1 + rho) ** 2);
  const lags = Math.floor(1.1447 * (alpha * x.length) ** (1 / 3));
  return Math.max(minimum, Math.min(lags, Math.floor(x.length / 4)));
}

/** Bartlett-weighted long-run variance of a series (autocovariances divided by n) with `lags` lags. */
export function bartlettLongRunVariance(x: readonly number[], lags: number): number {
  const n = x.length;
  let m = 0;
  for (const v of x) m += v / n;
  const autocov = (k: number) => {
    let s = 0;
    for (let t = k; t < n; t++) s += (x[t] - m) * (x[t - k] - m);
    return s / n;
  };
  let v = autocov(0);
  for (let k = 1; k <= lags; k++) v += 2 * (1 - k / (lags + 1)) * autocov(k);
  return Math.max(v, 0);
}

/**
 * Andrews–Monahan (1992) prewhitened long-run variance: fit x_t = φ x_{t−1} + v_t, take the Bartlett
 * long-run variance of v (Andrews' lags), recolour by 1 / (1 − φ)². φ is capped at 0.97.
 */
export function prewhitenedLongRunVariance(x: readonly number[], minimumLags = 0): { longRunVariance: number; lags: number; phi: number } {
  const n = x.length;
  let m = 0;
  for (const v of x) m += v / n;
  let num = 0;
  let den = 0;
  for (let t = 1; t < n; t++) {
    num += (x[t] - m) * (x[t - 1] - m);
    den += (x[t - 1] - m) ** 2;
  }
  const phi = den === 0 ? 0 : Math.max(-0.97, Math.min(0.97, num / den));
  const residuals: number[] = [];
  for (let t = 1; t < n; t++) residuals.push(x[t] - m - phi * (x[t - 1] - m));
  const lags = andrewsLags(residuals, minimumLags);
  return { longRunVariance: bartlettLongRunVariance(residuals, lags) / (1 - phi) ** 2, lags, phi };
}

/**
 * Welch–Satterthwaite degrees of freedom of (seed term + day term). With few seeds the seeds'
 * variance is itself a rough estimate (2 degrees of freedom for 3 seeds), and a low draw would
 * lend the sum the day term's many degrees of freedom just when the statistic is too large; so
 * the seeds' term enters this formula (not the variance) at its upper 75% confidence bound,
 * s² (S − 1) / χ²_{S−1}(0.25) (Wilson–Hilferty). Simulated, this holds the size at 3 seeds.
 */
function satterthwaiteDf(seedVariance: number, seeds: number, dayVariance: number, dayDf: number): number {
  if (seeds < 2) return dayDf;
  const k = seeds - 1;
  const lowerQuartileChiSquare = k * (1 - 2 / (9 * k) - 0.6744897501960817 * Math.sqrt(2 / (9 * k))) ** 3;
  const seedTerm = (seedVariance * k) / lowerQuartileChiSquare;
  const total = seedTerm + dayVariance;
  return total === 0 ? k : total ** 2 / (seedTerm ** 2 / k + dayVariance ** 2 / dayDf);
}

/** Mean of squared errors. */
export const meanSquare = (e: readonly number[]): number => {
  let s = 0;
  for (const x of e) s += x * x;
  return s / e.length;
};

/** One seed's statistic and each test day's influence on it (the delta method; mean 0 over days). */
export interface SeedStatistic {
  value: number;
  psi: readonly number[];
}

export interface CrossedTest {
  /** Mean over seeds of the statistic. */
  estimate: number;
  standardError: number;
  statistic: number;
  df: number;
  pValue: number;
  /** Half-width of the 95% interval of `estimate` (NaN without degrees of freedom). */
  halfWidth: number;
  lags: number;
  seedVariance: number;
  dayVariance: number;
}

/**
 * The crossed seeds × days test of "the mean over seeds of a statistic is 0", for any statistic
 * with per-day influences: the log MSE ratio here, a Sharpe ratio difference in sharpe-test.ts.
 * `minimumLags` is h − 1 for an h-day horizon.
 */
export function crossedSeedsDaysTest(influence: readonly SeedStatistic[], minimumLags = 0): CrossedTest {
  const seeds = influence.length;
  const days = influence[0].psi.length;
  const estimate = influence.reduce((sum, i) => sum + i.value, 0) / seeds;
  const psiBar = Array.from({ length: days }, (_, t) => influence.reduce((sum, i) => sum + i.psi[t], 0) / seeds);
  const { longRunVariance, lags } = prewhitenedLongRunVariance(psiBar, minimumLags);
  let dayVariance = longRunVariance / days;
  let seedVariance = 0;
  if (seeds > 1) {
    seedVariance = influence.reduce((sum, i) => sum + (i.value - estimate) ** 2, 0) / (seeds - 1) / seeds;
    // Each seed's own day noise is already in the seeds' spread; the day term keeps only what the
    // seeds share. Its share in ψ̄ is estimated from each seed's deviation from ψ̄ (unbiased for
    // independent seeds) and taken off the day term, whose estimate is the precise one.
    const ownNoise =
      influence.reduce(
        (sum, i) =>
          sum +
          prewhitenedLongRunVariance(
            i.psi.map((p, t) => p - psiBar[t]),
            minimumLags,
          ).longRunVariance,
        0,
      ) /
      days /
      seeds /
      (seeds - 1);
    dayVariance = Math.max(0, dayVariance - ownNoise);
  }
  const variance = seedVariance + dayVariance;
  const df = satterthwaiteDf(seedVariance, seeds, dayVariance, (1.5 * days) / (lags + 1));
  const standardError = Math.sqrt(variance);
  const statistic = standardError === 0 ? (estimate === 0 ? 0 : Math.sign(estimate) * Infinity) : estimate / standardError;
  const pValue = standardError === 0 && estimate === 0 ? 1 : twoSided(statistic, df);
  const halfWidth = Number.isFinite(df) ? tQuantile(0.975, df) * standardError : NaN;
  return { estimate, standardError, statistic, df, pValue, halfWidth, lags, seedVariance, dayVariance };
}

/**
 * The seeds-and-days test of MSE(a) = MSE(b). `a[s]` and `b[s]` are seed s's errors on the same
 * test days (a baseline without seeds passes the same errors for every seed). `horizon` is the
 * forecast horizon in days.
 */
export function seedsAndDaysTest(
  a: readonly (readonly number[])[],
  b: readonly (readonly number[])[],
  options: { horizon?: number } = {},
): SeedsDaysTest {
  const seeds = a.length;
  if (seeds === 0 || b.length !== seeds) throw new Error('seeds-and-days test: a and b need the same seeds, at least one');
  const days = a[0].length;
  if (a.some((e) => e.length !== days) || b.some((e) => e.length !== days))
    throw new Error('seeds-and-days test: every seed needs the same test days');
  // ψ_s,t: day t's influence on seed s's log ratio (the delta method).
  const influence = a.map((aS, s) => {
    const msa = meanSquare(aS);
    const msb = meanSquare(b[s]);
    return { value: Math.log(msa / msb), psi: aS.map((e, t) => (e * e) / msa - b[s][t] ** 2 / msb) };
  });
  const test = crossedSeedsDaysTest(influence, Math.max(0, (options.horizon ?? 1) - 1));
  const logRatio = test.estimate;
  return {
    ratio: Math.exp(logRatio),
    lo: Math.exp(logRatio - test.halfWidth),
    hi: Math.exp(logRatio + test.halfWidth),
    logRatio,
    standardError: test.standardError,
    statistic: test.statistic,
    df: test.df,
    pValue: test.pValue,
    seeds,
    days,
    lags: test.lags,
    seedVariance: test.seedVariance,
    dayVariance: test.dayVariance,
    conditionalOnSeed: seeds === 1,
  };
}
