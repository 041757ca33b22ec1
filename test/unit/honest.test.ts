// Baselines, forecast metrics and tests against hand computations and reference numbers
// (scipy 1.17 / numpy, written into the test).
import { baselineForecasts, chooseRidge, RIDGE_CANDIDATES, solve } from '../../src/evaluation/baselines.ts';
import { naiveScale, scoreForecast, upDayRate } from '../../src/evaluation/forecast-metrics.ts';
import { dieboldMariano, pairedTTest } from '../../src/evaluation/stats.ts';

describe('Diebold–Mariano with the HLN correction', () => {
  test('hand-computed, n = 3 (t with 2 df has a closed form)', () => {
    // squared-error differences d = [-3, 3, 8]: mean 8/3, γ0 = 182/27, DM = 1.027105, × sqrt(2/3)
    const sq = dieboldMariano([1, -2, 3], [2, 1, -1], { loss: 'squared' });
    expect(sq.statistic).toBeCloseTo(0.8386278693775346, 12);
    expect(sq.pValue).toBeCloseTo(0.48993862954932954, 10);
    const abs = dieboldMariano([1, -2, 3], [2, 1, -1], { loss: 'absolute' });
    expect(abs.meanDifference).toBeCloseTo(2 / 3, 12);
    expect(abs.pValue).toBeCloseTo(0.5285954792089682, 10);
  });
  test('matches scipy on n = 12, horizons 1 and 2', () => {
    const e1 = [2.041, -2.556, 0.418, -0.568, -0.453, -0.216, -2.02, -0.232, -0.865, 3.323, 0.226, -0.353];
    const e2 = [-0.366, -0.868, -1.372, -0.508, 0.627, -0.31, 1.245, -0.26, 0.032, 2.01, 0.709, -0.657];
    const h1 = dieboldMariano(e1, e2, { loss: 'squared' });
    expect(h1.statistic).toBeCloseTo(1.8263884761175462, 10);
    expect(h1.pValue).toBeCloseTo(0.09502934156751289, 8);
    const h2 = dieboldMariano(e1, e2, { loss: 'squared', h: 2 });
    expect(h2.statistic).toBeCloseTo(1.8190614097273954, 10);
    expect(h2.pValue).toBeCloseTo(0.09620231964417289, 8);
  });
  test('identical forecasts: no difference, p = 1', () => {
    expect(dieboldMariano([1, 2, 3], [1, 2, 3], { loss: 'squared' }).pValue).toBe(1);
  });
});

test('paired t-test matches scipy.stats.ttest_rel', () => {
  const r = pairedTTest([10.5, 12.1, 9.3, 11.0, 10.2], [9.9, 11.7, 9.6, 10.1, 9.8]);
  expect(r.statistic).toBeCloseTo(2.025478734167335, 10);
  expect(r.pValue).toBeCloseTo(0.11279171397424304, 8);
  expect(r.df).toBe(4);
  // by hand, n = 3 with 2 df: differences 2, 1, 0 → t = 1 / (1 / sqrt 3) = sqrt 3
  const small = pairedTTest([10, 12, 9], [8, 11, 9]);
  expect(small.statistic).toBeCloseTo(Math.sqrt(3), 12);
  expect(small.pValue).toBeCloseTo(0.2254033307585166, 10);
});

describe('forecast scores', () => {
  const actual = [101, 103, 102, 104];
  const previous = [100, 101, 103, 102];
  test('skill, MASE, returns and direction by hand', () => {
    const predicted = [102, 102, 104, 103];
    const s = scoreForecast(predicted, { actual, previous, naiveScale: 2 });
    // errors -1, 1, -2, 1 → MSE 7/4, MAE 5/4; persistence errors 1, 2, -1, 2 → MSE 10/4
    expect(s.mse).toBeCloseTo(1.75, 12);
    expect(s.skill).toBeCloseTo(1 - 1.75 / 2.5, 12);
    expect(s.mase).toBeCloseTo(1.25 / 2, 12);
    // predicted moves +2, +1, +1, +1; actual +1, +2, -1, +2 → 3 of 4 right
    expect(s.directionalAccuracy).toBe(0.75);
    expect(s.returnMae).toBeCloseTo((1 / 100 + 1 / 101 + 2 / 103 + 1 / 102) / 4, 12);
    expect(upDayRate(actual, previous)).toBe(0.75);
  });
  test('a forecast that never moves has no direction (n/a), and a day without a predicted move is left out', () => {
    expect(scoreForecast(previous, { actual, previous, naiveScale: 2 }).directionalAccuracy).toBeNull();
    // moves +2, 0, +1, +1 against +1, +2, −1, +2: 2 of the 3 days with a move are right
    expect(scoreForecast([102, 101, 104, 103], { actual, previous, naiveScale: 2 }).directionalAccuracy).toBeCloseTo(2 / 3, 12);
  });
  test('persistence has skill 0 by definition', () => {
    expect(scoreForecast(previous, { actual, previous, naiveScale: 1 }).skill).toBe(0);
  });
  test('naive scale is the mean absolute one-step change', () => {
    expect(naiveScale([1, 3, 2, 6], 0, 4)).toBeCloseTo((2 + 1 + 4) / 3, 12);
  });
});

describe('baselines', () => {
  test('solve: a 3×3 system', () => {
    const x = solve(
      [
        [2, 1, -1],
        [-3, -1, 2],
        [-2, 1, 2],
      ],
      [8, -11, -3],
    );
    [2, 3, -1].forEach((v, i) => expect(x[i]).toBeCloseTo(v, 12));
  });
  test('persistence, drift and linear against a numpy reference', () => {
    // The linear baseline: ridge (λ = 1e-4·n, intercept unpenalised) on the window divided by
    // its last price, fitted on the training split's targets. Reference: numpy.linalg.solve.
    const values = Array.from({ length: 60 }, (_, t) => 100 + 5 * Math.sin(0.7 * t) + 0.3 * t + 2 * Math.cos(1.9 * t));
    const f = baselineForecasts({
      values,
      train: { from: 0, to: 50, firstValidationTarget: 40 },
      test: { from: 50, to: 53 },
      lookback: 3,
      horizon: 1,
      ridge: 1e-4,
    });
    expect(f.persistence).toEqual([values[49], values[50], values[51]]);
    expect(f.drift[0]).toBeCloseTo(values[49] + (values[49] - values[0]) / 49, 12);
    [118.13752900364935, 114.01850279567567, 108.69409860759365].forEach((y, i) => expect(f.linear[i]).toBeCloseTo(y, 8));
  });
  test('the ridge penalty is the candidate with the smallest validation MSE, and never looks at the test period', () => {
    const values = Array.from(
      { length: 80 },
      (_, t) => 100 + 5 * Math.sin(0.7 * t) + 0.3 * t + 2 * Math.cos(1.9 * t) + 3 * Math.sin(0.13 * t * t),
    );
    const fitOn = { values, train: { from: 0, to: 60, firstValidationTarget: 48 }, lookback: 3, horizon: 1 };
    const chosen = chooseRidge(fitOn);
    // Each candidate's validation MSE, from the forecasts baselineForecasts makes for the validation targets.
    const validationMse = (ridge: number) => {
      const f = baselineForecasts({ ...fitOn, test: { from: 48, to: 60 }, ridge });
      return f.linear.reduce((s, y, i) => s + (values[48 + i] - y) ** 2, 0) / 12;
    };
    for (const ridge of RIDGE_CANDIDATES) expect(chosen.validationMse).toBeLessThanOrEqual(validationMse(ridge) + 1e-9);
    expect(chosen.validationMse).toBeCloseTo(validationMse(chosen.ridge), 9);
    // Prices after the training segment change nothing.
    expect(chooseRidge({ ...fitOn, values: [...values.slice(0, 60), ...values.slice(60).map((v) => v * 3)] })).toEqual(chosen);
  });
});
