// The seeds-and-days verdict test (src/evaluation/seeds-days.ts) against an independent numpy
// implementation of its formulas (test/reference/seeds_days.py), and its properties by hand.
import { andrewsLags, bartlettLongRunVariance, prewhitenedLongRunVariance, seedsAndDaysTest } from '../../src/evaluation/seeds-days.ts';
import { twoSided } from '../../src/evaluation/distributions.ts';

// numpy default_rng(22): 3 seeds of a model and one baseline on 60 days sharing an AR(1) component.
const a = [
  [
    -1.154, -2.381, -2.989, -2.517, -0.812, 0.094, -2.639, 0.524, 1.452, -1.229, -0.311, -0.993, 0.491, 1.722, 2.972, 1.56, 0.476, -0.173,
    -0.599, -0.607, -2.402, 0.836, -1.088, 1.341, 1.078, -1.204, -0.956, 0.996, 1.223, 1.417, -1.0, 0.394, 2.829, -0.003, 1.827, -1.195,
    -0.771, 0.997, 0.256, -1.036, 0.095, 0.173, -1.378, -0.105, -0.403, 0.782, 3.004, 3.202, 1.843, 4.537, 4.219, 2.12, 1.406, 1.465, 0.958,
    -1.776, -0.0, 0.876, -2.402, -2.666,
  ],
  [
    -0.743, -2.094, -2.869, -3.83, -0.488, 0.099, -1.099, 2.407, 0.687, 1.006, -2.088, -0.56, 2.018, 2.22, 0.356, 0.632, 1.226, -1.49,
    -0.93, -1.586, -1.67, -0.555, -0.53, 0.056, -1.219, -0.232, -1.429, 1.034, 1.479, -0.023, 0.137, 0.893, -0.509, 0.678, 2.263, -2.141,
    0.191, -0.882, -1.84, -1.165, 2.874, -0.106, 0.857, -0.267, 0.754, 1.866, 4.867, 1.873, 4.677, 4.041, 1.252, 1.166, 0.946, -0.036,
    2.742, -0.358, -0.093, -1.122, -1.31, -2.855,
  ],
  [
    3.081, -1.375, -1.355, -1.503, -2.177, 0.019, -1.684, 1.336, 0.341, 0.109, -0.059, -0.332, -0.545, 1.021, 1.54, 1.242, 2.045, -0.358,
    -1.773, -3.188, -0.623, -0.926, -2.627, -0.79, 2.922, -1.397, -2.105, 2.764, 1.733, -0.776, 0.668, -0.74, -0.578, -0.995, 3.534, -1.143,
    3.875, 0.686, -0.334, -2.396, -1.487, -0.297, 1.658, -1.733, -2.091, 2.848, 3.654, 0.956, 3.276, 4.615, 3.667, -0.138, 1.475, 0.166,
    2.509, -0.831, -2.35, 0.098, -1.225, -4.31,
  ],
];
const b = [
  1.584, -2.457, -2.367, -1.879, -2.226, -0.288, -1.831, -0.142, 0.826, 0.53, 1.083, 0.565, 2.944, 3.555, 3.135, 3.33, 0.623, 0.008, -1.624,
  -3.229, -0.674, 0.06, -1.204, -0.528, -2.721, 0.781, -1.179, -0.711, 1.552, -1.146, -0.49, 1.147, 1.181, 1.445, 2.309, -1.16, 1.927,
  -1.156, 0.163, -0.362, -0.519, 0.389, 0.175, -0.355, 2.012, 1.359, 3.596, 3.368, 3.745, 5.211, 2.456, 2.838, 4.133, 1.407, 1.413, -0.928,
  -0.203, -0.525, -2.306, -4.227,
];
const bs = [b, b, b];

test.each([
  [
    1,
    {
      logRatio: -0.23179922325687022,
      seedVariance: 0.008276622192409567,
      dayVariance: 0.01512234060700484,
      lags: 0,
      df: 4.682902167504578,
      statistic: -1.515352510668255,
    },
  ],
  [
    3,
    {
      logRatio: -0.23179922325687022,
      seedVariance: 0.008276622192409567,
      dayVariance: 0.013942382899881825,
      lags: 2,
      df: 4.3886457139855315,
      statistic: -1.555069029406517,
    },
  ],
] as const)('horizon %i: every part as numpy computes it', (horizon, ref) => {
  const t = seedsAndDaysTest(a, bs, { horizon });
  expect(t.logRatio).toBeCloseTo(ref.logRatio, 12);
  expect(t.seedVariance).toBeCloseTo(ref.seedVariance, 12);
  expect(t.dayVariance).toBeCloseTo(ref.dayVariance, 12);
  expect(t.lags).toBe(ref.lags);
  expect(t.df).toBeCloseTo(ref.df, 9);
  expect(t.statistic).toBeCloseTo(ref.statistic, 10);
  expect(t.pValue).toBeCloseTo(twoSided(ref.statistic, ref.df), 10);
  expect(t.ratio).toBeCloseTo(Math.exp(ref.logRatio), 12);
  // The interval inverts the same test: p < 0.05 exactly when it excludes 1.
  expect(t.lo < 1 && t.hi > 1).toBe(t.pValue >= 0.05);
});

test('swapping the forecasters negates the statistic and keeps p; scaling every error changes nothing', () => {
  const t = seedsAndDaysTest(a, bs);
  const swapped = seedsAndDaysTest(bs, a);
  expect(swapped.statistic).toBeCloseTo(-t.statistic, 12);
  expect(swapped.pValue).toBeCloseTo(t.pValue, 12);
  const scaled = seedsAndDaysTest(
    a.map((e) => e.map((x) => 3 * x)),
    bs.map((e) => e.map((x) => 3 * x)),
  );
  expect(scaled.statistic).toBeCloseTo(t.statistic, 10);
});

test('identical forecasts: ratio 1, p = 1; a model twice as far off on every day: ratio 4 with no uncertainty', () => {
  const same = seedsAndDaysTest(a, a);
  expect([same.ratio, same.pValue]).toEqual([1, 1]);
  const doubled = seedsAndDaysTest(
    a.map((e) => e.map((x) => 2 * x)),
    a,
  );
  expect(doubled.ratio).toBeCloseTo(4, 12);
  expect(doubled.pValue).toBe(0);
});

test('one seed: no seed term, the day term alone, said to be conditional on that model', () => {
  const t = seedsAndDaysTest([a[0]], [b]);
  expect(t.seedVariance).toBe(0);
  expect(t.conditionalOnSeed).toBe(true);
  expect(t.df).toBeCloseTo((1.5 * 60) / (t.lags + 1), 12);
  expect(Number.isFinite(t.lo)).toBe(true);
});

test('long-run variances by hand', () => {
  // x = 1, −1, 1, −1: mean 0, γ0 = 1, γ1 = −3/4; one Bartlett lag weighs γ1 by 1/2: 1 − 3/4 = 0.25
  expect(bartlettLongRunVariance([1, -1, 1, -1], 1)).toBeCloseTo(0.25, 12);
  expect(bartlettLongRunVariance([1, -1, 1, -1], 0)).toBeCloseTo(1, 12);
  // Andrews' AR(1) plug-in on 1..8: ρ = 26.25 / 42 = 0.625, α = 4ρ² / ((1 − ρ)²(1 + ρ)²) = 4.208,
  // ⌊1.1447 (8α)^(1/3)⌋ = 3, capped at n / 4 = 2; a constant has none, but never fewer than asked.
  expect(andrewsLags([1, 2, 3, 4, 5, 6, 7, 8])).toBe(2);
  expect(andrewsLags([0, 0, 0, 0], 2)).toBe(2);
  // Prewhitening 1, −1, …: φ = −5/5 capped at −0.97; residuals ∓0.03 (mean −0.006), one lag (cap
  // 5/4): γ0 = 8.64e-4, γ1 = −6.912e-4, so 1.728e-4, recoloured by 1/(1 + 0.97)².
  const white = prewhitenedLongRunVariance([1, -1, 1, -1, 1, -1]);
  expect(white.phi).toBe(-0.97);
  expect(white.lags).toBe(1);
  expect(white.longRunVariance).toBeCloseTo(1.728e-4 / 1.97 ** 2, 12);
});
