// Every formula of the evaluation against a reference implementation. The reference numbers come
// from test/reference/evaluation.py (Debian bookworm's python3: scipy 1.10.1, statsmodels 0.13.5,
// numpy 1.24.2), except where a line says scipy 1.17.1 (`python3` from pyenv on this machine).
import { dieboldMariano, neweyWestBandwidth } from '../../src/evaluation/stats.ts';
import { normalUpperTail, normalTwoSided } from '../../src/evaluation/distributions.ts';
import { benjaminiHochberg, holm } from '../../src/evaluation/multiple-testing.ts';
import { wilcoxonSignedRank } from '../../src/evaluation/wilcoxon.ts';
import { logRatioEffect } from '../../src/evaluation/effect-size.ts';
import { direction } from '../../src/evaluation/direction.ts';
import { mcsFromSamples, modelConfidenceSet } from '../../src/evaluation/mcs.ts';
import { movingBlockIndices, percentileInterval } from '../../src/evaluation/bootstrap.ts';
import { mulberry32 } from '../../src/plugin/random.ts';

// numpy default_rng(12): a common random walk plus noise, rounded to 3 decimals (evaluation.py).
const e1 = [
  0.407, -0.262, 1.487, 0.623, 1.831, 1.488, 0.296, -1.639, -0.089, 1.11, 0.172, 1.14, 1.107, -0.373, 1.131, 2.054, 1.777, 2.148, 2.062,
  3.404, 1.533, 1.246, 1.697, 0.152, -0.675, -0.182, 0.987, 0.869, -0.91, -1.736, 0.078, 0.019, -0.006, 0.309, 0.823, -0.249, 0.19, -1.678,
  -1.731, 0.228,
];
const e2 = [
  0.862, 1.194, 1.198, 1.621, 2.042, -1.578, -0.405, 0.825, 0.983, -1.519, 1.966, -0.01, -0.2, 0.493, 0.894, -1.517, 1.845, 0.887, -0.23,
  0.562, -1.764, 0.153, 1.112, -0.074, 0.276, 0.369, 0.555, 1.644, 0.469, -0.22, 1.016, 2.865, -0.411, 0.377, -2.375, 1.365, 0.519, 1.267,
  -0.52, -1.362,
];

describe('Diebold–Mariano with a Newey–West variance', () => {
  // statsmodels: OLS(d, 1).fit(cov_type='HAC', cov_kwds={'maxlags': L, 'use_correction': False}, use_t=True)
  test.each([
    [3, 0.2784888127263409, 0.7821084524169589],
    [5, 0.25572013265702065, 0.7995109012433539],
  ])('bandwidth %i: statistic and p as statsmodels', (bandwidth, statistic, pValue) => {
    const dm = dieboldMariano(e1, e2, { loss: 'squared', variance: 'newey-west', bandwidth });
    expect(dm.statistic).toBeCloseTo(statistic, 10);
    expect(dm.pValue).toBeCloseTo(pValue, 10);
    expect(dm).toMatchObject({ variance: 'newey-west', bandwidth, df: 39, n: 40 });
  });
  test('the default bandwidth is the Newey–West rule ⌊4 (n/100)^(2/9)⌋, recorded', () => {
    expect(neweyWestBandwidth(250)).toBe(4); // 4 · 2.5^(2/9) = 4.91
    expect(neweyWestBandwidth(1000)).toBe(6);
    expect(dieboldMariano(e1, e2, { loss: 'squared', variance: 'newey-west' }).bandwidth).toBe(neweyWestBandwidth(40));
  });
  test('without the option it is the HLN test, with no bandwidth field (records stay as they were)', () => {
    expect(dieboldMariano(e1, e2, { loss: 'squared' })).not.toHaveProperty('bandwidth');
  });
  test('HLN with h > 1 whose truncated variance is negative is tested as h = 1, as R forecast::dm.test', () => {
    // d = 1, −1, 0 repeated (+0.1): γ0 = 2/3, γ1 = γ2 = −1/3, so γ0 + 2γ1 + 2γ2 < 0 at h = 3.
    const d = Array.from({ length: 30 }, (_, t) => [1, -1, 0][t % 3] + 0.1);
    const ones = d.map(() => 1);
    const a = d.map((x) => Math.sqrt(1 + x));
    const h3 = dieboldMariano(a, ones, { loss: 'squared', h: 3 });
    expect(Number.isNaN(h3.pValue)).toBe(false);
    expect(h3).toEqual(dieboldMariano(a, ones, { loss: 'squared', h: 1 }));
  });
});

test('normal tails computed directly, far into the tail (scipy.stats.norm.sf)', () => {
  expect(normalUpperTail(1)).toBeCloseTo(0.15865525393145707, 14);
  expect(normalUpperTail(5) / 2.866515718791933e-7 - 1).toBeLessThan(1e-12);
  expect(Math.abs(normalUpperTail(30) / 4.906713927147908e-198 - 1)).toBeLessThan(1e-10);
  expect(normalTwoSided(-1)).toBeCloseTo(2 * 0.15865525393145707, 14);
});

test('Holm and Benjamini–Hochberg (statsmodels multipletests: holm, fdr_bh; scipy 1.17.1 false_discovery_control agrees)', () => {
  const ps = [0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.041];
  holm(ps).forEach((p, i) => expect(p).toBeCloseTo([0.06, 0.16, 0.15, 0.035, 0.4, 0.5, 0.16][i], 12));
  benjaminiHochberg(ps).forEach((p, i) => expect(p).toBeCloseTo([0.035, 0.0574, 0.0574, 0.035, 0.23333333333333336, 0.5, 0.0574][i], 12));
  // An untestable comparison stays out of the family and stays NaN.
  expect(holm([0.01, NaN, 0.04])).toEqual([0.02, NaN, 0.04]);
});

describe('Wilcoxon signed-rank', () => {
  test('exact, 10 pairs without ties (scipy.stats.wilcoxon: statistic 5, p = 0.01953125 = 20/1024)', () => {
    const a = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3, 2.01];
    const b = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29, 1.72];
    expect(wilcoxonSignedRank(a, b)).toEqual({ statistic: 5, positiveRankSum: 50, pValue: 0.01953125, n: 10, method: 'exact' });
  });
  const c = [3, 5, 2, 7, 7, 1, 4, 6, 9, 2, 5, 8];
  const e = [1, 3, 2, 4, 2, 3, 1, 3, 4, 0, 5, 2];
  test('ties and zeros: exact over the tied ranks (scipy 1.17.1: statistic 2.5, p = 0.009765625)', () => {
    const w = wilcoxonSignedRank(c, e);
    expect(w.statistic).toBe(2.5);
    expect(w.n).toBe(10); // two zero differences dropped
    expect(w.pValue).toBeCloseTo(0.009765625, 14);
  });
  test('all pairs equal: p = 1, as scipy (nothing to rank)', () => {
    expect(wilcoxonSignedRank([1, 2, 3], [1, 2, 3]).pValue).toBe(1);
  });
  test('the normal approximation with the tie correction (scipy 1.10.1: p = 0.010069745065626336)', () => {
    expect(wilcoxonSignedRank(c, e, 'normal').pValue).toBeCloseTo(0.010069745065626336, 12);
  });
});

test('log-MSE ratio effect size (scipy ttest_1samp and t.interval on ln(a/b))', () => {
  const effect = logRatioEffect([131.2, 244.0, 98.7, 310.5, 175.3], [23.1, 40.2, 19.9, 52.0, 31.7]);
  expect(effect.ratio).toBeCloseTo(5.627896784478693, 10);
  expect(effect.lo).toBeCloseTo(5.095958574954522, 8);
  expect(effect.hi).toBeCloseTo(6.21536100634968, 8);
  expect(effect.pValue / 1.0980785927339502e-6 - 1).toBeLessThan(1e-8);
});

describe('direction', () => {
  const previous = new Array(12).fill(100);
  const actual = [1, -1, 2, 1, -2, 1, 1, -1, 2, -1, 1, 1].map((x) => 100 + x);
  test('Pesaran–Timmermann, leaving out the day the forecast did not move (numpy, written from the 1992 paper)', () => {
    const predicted = [0.5, -0.2, 0.1, 0.3, 0.4, -0.1, 0.2, -0.3, 0.0, 0.2, 0.1, -0.2].map((x) => 100 + x);
    const result = direction(predicted, actual, previous);
    expect(result.days).toBe(11);
    expect(result.accuracy).toBeCloseTo(7 / 11, 14);
    expect(result.pesaranTimmermann!.statistic).toBeCloseTo(0.7453940198968322, 12);
    expect(result.pesaranTimmermann!.pValue).toBeCloseTo(0.2280167789841599, 12);
  });
  test('a day the price did not move is neither up nor down: left out, not counted as down', () => {
    const predicted = [0.5, -0.2, 0.1, 0.3, 0.4, -0.1, 0.2, -0.3, 0.0, 0.2, 0.1, -0.2].map((x) => 100 + x);
    const flatDay = actual.map((x, i) => (i === 1 ? 100 : x));
    const result = direction(predicted, flatDay, previous);
    expect(result.days).toBe(10);
    expect(result.accuracy).toBeCloseTo(6 / 10, 14);
  });
  test('a forecast of no change has no direction: n/a, not 0', () => {
    expect(direction(previous, actual, previous)).toEqual({ accuracy: null, days: 0, pesaranTimmermann: null });
  });
});

describe('Model Confidence Set', () => {
  // evaluation.py's sample rule: blocks of 4 days starting at (17 b + 5 k) mod 37.
  const samples = Array.from({ length: 60 }, (_, b) => {
    const days: number[] = [];
    for (let k = 0; days.length < 40; k++) {
      const start = (17 * b + 5 * k) % 37;
      for (let i = 0; i < 4; i++) days.push(start + i);
    }
    return days.slice(0, 40);
  });
  const losses = [e1.map((e) => e * e), e2.map((e) => e * e), e1.map((e) => (0.9 * e) ** 2), e2.map((e) => e * e + 0.5)];
  test('p-values as an independent numpy implementation given the same bootstrap samples', () => {
    const { models } = mcsFromSamples(['a', 'b', 'c', 'd'], losses, samples);
    expect(Object.fromEntries(models.map((m) => [m.name, m.pValue]))).toEqual({ a: 0, b: 0.7333333333333333, c: 1, d: 0 });
    expect(models.filter((m) => m.included).map((m) => m.name)).toEqual(['b', 'c']);
  });
  test('seeded: the same losses give the same set', () => {
    const a = modelConfidenceSet(['a', 'b', 'c', 'd'], losses, { replicates: 300 });
    expect(modelConfidenceSet(['a', 'b', 'c', 'd'], losses, { replicates: 300 })).toEqual(a);
    expect(a.blockLength).toBe(4); // ⌈40^(1/3)⌉
  });
  test('block sums by prefix sums: the same set as summing the same samples day by day', () => {
    // 250 days (blocks of 7, the last one cut to 5) and six models, as a report's configuration has.
    const random = mulberry32(11);
    const days = 250;
    const many = Array.from({ length: 6 }, (_, i) => Array.from({ length: days }, () => (random() + 0.02 * i) ** 2));
    const names = many.map((_, i) => `m${i}`);
    const fast = modelConfidenceSet(names, many, { replicates: 400, seed: 5 });
    const draw = mulberry32(5);
    const samples = Array.from({ length: 400 }, () => movingBlockIndices(days, 7, draw));
    const slow = mcsFromSamples(names, many, samples);
    expect(fast.blockLength).toBe(7);
    expect(fast.models.map((m) => [m.pValue, m.included, m.eliminationOrder])).toEqual(
      slow.models.map((m) => [m.pValue, m.included, m.eliminationOrder]),
    );
    fast.models.forEach((m, i) => expect(m.meanLoss).toBeCloseTo(slow.models[i].meanLoss, 14));
    // Not a trivial set: some model is out and some p-value strictly between 0 and 1.
    expect(fast.models.some((m) => !m.included)).toBe(true);
    expect(fast.models.some((m) => m.pValue > 0 && m.pValue < 1)).toBe(true);
  });
});

describe('bootstrap', () => {
  test('moving blocks: consecutive days, every block inside the test period', () => {
    const days = movingBlockIndices(10, 4, mulberry32(3));
    expect(days).toHaveLength(10);
    for (let k = 0; k < 10; k++) {
      expect(days[k]).toBeGreaterThanOrEqual(0);
      expect(days[k]).toBeLessThan(10);
      if (k % 4 !== 0) expect(days[k]).toBe(days[k - 1] + 1);
    }
  });
  test('percentiles interpolate as numpy.percentile: 1..5 gives 1.1 and 4.9', () => {
    expect(percentileInterval([5, 1, 4, 2, 3])).toEqual({ lo: 1.1, hi: 4.9 });
  });
});
