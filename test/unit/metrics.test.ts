import { mae, mse, r2, rmse } from '../../src/plugin/metrics.ts';
import { percentile } from '../../src/plugin/percentile.ts';

describe('metrics against hand-computed values', () => {
  const actual = [1, 2, 3, 4];
  const predicted = [1.5, 2, 2, 5];
  // errors: -0.5, 0, 1, -1 → squared 0.25, 0, 1, 1 → MSE 2.25/4; abs 0.5+0+1+1 → MAE 2.5/4
  test('mse, rmse, mae', () => {
    expect(mse(actual, predicted)).toBeCloseTo(0.5625, 12);
    expect(rmse(actual, predicted)).toBeCloseTo(0.75, 12);
    expect(mae(actual, predicted)).toBeCloseTo(0.625, 12);
  });
  test('r2 = 1 - SS_res/SS_tot', () => {
    // mean 2.5, SS_tot = 2.25+0.25+0.25+2.25 = 5; SS_res = 2.25 → 1 - 0.45
    expect(r2(actual, predicted)).toBeCloseTo(0.55, 12);
    expect(r2(actual, actual)).toBe(1);
    // predicting the mean scores 0
    expect(r2(actual, [2.5, 2.5, 2.5, 2.5])).toBeCloseTo(0, 12);
  });
  test('length mismatch is an error', () => {
    expect(() => mse([1], [1, 2])).toThrow(/differ in length/);
  });
});

describe('percentile (numpy linear interpolation)', () => {
  test('matches numpy.percentile on small cases', () => {
    // numpy.percentile([1,2,3,4], 35) = 1 + 0.35*3 = 2.05
    expect(percentile([4, 1, 3, 2], 35)).toBeCloseTo(2.05, 12);
    expect(percentile([10, 20, 30], 50)).toBe(20);
    expect(percentile([10, 20, 30], 0)).toBe(10);
    expect(percentile([10, 20, 30], 100)).toBe(30);
  });
});
