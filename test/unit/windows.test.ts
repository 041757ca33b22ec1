import minmax from '../../src/plugins/window/minmax.ts';
import type { Series, StageContext } from '../../src/index.ts';
import { makeWindows, splitCounts, windowCount } from '../../src/plugin/windows.ts';

const ctx = {} as StageContext;
// 12 prices 10, 11, ..., 21 on made-up dates.
const values = Array.from({ length: 12 }, (_, i) => 10 + i);
const series: Series = { ticker: 'T', dates: values.map((_, i) => `2020-01-${String(i + 1).padStart(2, '0')}`), values, checksum: 'x', source: 'test' };

describe('windows', () => {
  test('makeWindows: inputs are the lookback values ending horizon days before the target', () => {
    const w = makeWindows(values, values, series.dates, 5, 7, 3, 1);
    expect(w.count).toBe(2);
    expect(Array.from(w.x)).toEqual([12, 13, 14, 13, 14, 15]);
    expect(Array.from(w.y)).toEqual([15, 16]);
    expect(w.dates).toEqual(['2020-01-06', '2020-01-07']);
    const h2 = makeWindows(values, values, series.dates, 5, 6, 3, 2);
    expect(Array.from(h2.x)).toEqual([11, 12, 13]);
  });
  test('counts and chronological split', () => {
    expect(windowCount(0, 1250, 14, 1)).toBe(1236);
    expect(splitCounts(1236, 0.2)).toEqual({ train: 988, validation: 248 });
  });
});

describe('minmax window plugin', () => {
  // training segment = indices 0..9 (10 days), test targets = indices 10, 11; lookback 3.
  const request = { series, train: { from: 0, to: 10 }, test: { from: 10, to: 12 }, lookback: 3, horizon: 1, validationSplit: 0.25 };
  test('fitOn: train fits min/max on the training split only', async () => {
    const data = await minmax.run(request, { fitOn: 'train' }, ctx);
    // 7 windows (targets 3..9) → 5 train (targets 3..7), 2 validation (targets 8, 9).
    expect(data.train.count).toBe(5);
    expect(data.validation.count).toBe(2);
    // fitted on prices of indices 0..7 → min 10, max 17
    expect(data.scaler).toMatchObject({ fitOn: 'train', train: { min: 10, max: 17 }, test: { min: 10, max: 17 } });
    expect(Array.from(data.train.x.slice(0, 3))).toEqual([0, 1 / 7, 2 / 7].map(Math.fround));
    expect(data.test.y[1]).toBeCloseTo((21 - 10) / 7, 6);
    expect(Array.from(data.toPrice([1], 'test'))).toEqual([17]);
    expect(Array.from(data.test.targets)).toEqual([20, 21]);
  });
  test('fitOn: per-dataset scales training and test data each by their own range (the paper)', async () => {
    const data = await minmax.run(request, { fitOn: 'per-dataset' }, ctx);
    // training data: indices 0..9 → [10, 19]; test data with its lookback: indices 7..11 → [17, 21]
    expect(data.scaler).toMatchObject({ train: { min: 10, max: 19 }, test: { min: 17, max: 21 } });
    expect(Array.from(data.test.x.slice(0, 3))).toEqual([0, 0.25, 0.5]);
    expect(Array.from(data.toPrice([0.5], 'test'))).toEqual([19]);
  });
});
