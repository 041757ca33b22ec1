import minmax from '../../src/plugins/window/minmax.ts';
import returns from '../../src/plugins/window/returns.ts';
import normalised from '../../src/plugins/window/normalised.ts';
import type { Series, StageContext } from '../../src/index.ts';
import { makeWindows, splitCounts, windowCount } from '../../src/plugin/windows.ts';

const ctx = {} as StageContext;
// 12 prices 10, 11, ..., 21 on made-up dates.
const values = Array.from({ length: 12 }, (_, i) => 10 + i);
const series: Series = {
  ticker: 'T',
  dates: values.map((_, i) => `2020-01-${String(i + 1).padStart(2, '0')}`),
  values,
  checksum: 'x',
  source: 'test',
};

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

describe('representations: returns, log-returns, per-window normalised', () => {
  // Prices doubling then halving: 100, 200, 100, 200, ... make every return +1 or −0.5.
  const zigzag = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 100 : 200));
  const zz: Series = { ...series, values: zigzag };
  // training segment 1..9, test targets 10, 11; lookback 2; 7 windows → 5 train, 2 validation.
  const request = { series: zz, train: { from: 1, to: 10 }, test: { from: 10, to: 12 }, lookback: 2, horizon: 1, validationSplit: 0.25 };

  test('returns: inputs are daily returns, the target the next one; scaled by the training windows only; mapped back to prices exactly', async () => {
    const data = await returns.run(request, { log: false }, ctx);
    // first train target is index 3 (200): inputs are the returns into indices 1 and 2: +1, −0.5; target +1.
    // Min −0.5 and max 1 over the training windows: −0.5 → 0, 1 → 1.
    expect(data.scaler).toMatchObject({ kind: 'returns', fitOn: 'train', min: -0.5, max: 1 });
    expect(Array.from(data.train.x.slice(0, 2))).toEqual([1, 0]);
    expect(data.train.y[0]).toBe(1);
    // The test targets: index 10 (100, a −50% day), index 11 (200): the outputs that mean those returns map back to them.
    expect(Array.from(data.toPrice([0, 1], 'test'))).toEqual([100, 200]);
    expect(Array.from(data.test.targets)).toEqual([100, 200]);
  });
  test('log-returns map back through exp', async () => {
    const data = await returns.run(request, { log: true }, ctx);
    expect(data.scaler).toMatchObject({ kind: 'log-returns', min: -Math.LN2, max: Math.LN2 });
    const back = data.toPrice([0, 1], 'test');
    expect(back[0]).toBeCloseTo(100, 10); // from 200, e^{−ln 2}
    expect(back[1]).toBeCloseTo(200, 10); // from 100, e^{ln 2}
    expect(Array.from(data.toPrice([0.5, 0.5], 'test'))).toEqual([200, 100]); // e^0: "no change"
  });
  test('normalised: each window over its last price; the last input is always 1', async () => {
    const data = await normalised.run(request, {}, ctx);
    // target index 3: window indices 1, 2 (200, 100) over 100 → 2, 1; target 200/100 = 2; train values are 0.5, 1, 2
    expect(data.scaler).toMatchObject({ kind: 'normalised', min: 0.5, max: 2 });
    expect(Array.from(data.train.x.slice(0, 2))).toEqual([1, 1 / 3].map(Math.fround));
    expect(Array.from(data.toPrice([1, 0], 'test'))).toEqual([400, 50]);
  });
  test('test prices never reach the scaler, and the extrapolation of test inputs is recorded', async () => {
    const moved: Series = { ...zz, values: [...zigzag.slice(0, 10), 1000, 5000] };
    const a = await returns.run(request, { log: false }, ctx);
    const b = await returns.run({ ...request, series: moved }, { log: false }, ctx);
    expect(b.scaler.min).toBe(a.scaler.min);
    expect(b.scaler.max).toBe(a.scaler.max);
    // Of the 4 test inputs, one is the return into index 10 (1000/200 − 1 = 4): far outside [0, 1] once scaled.
    expect((b.scaler.testInputs as { outsideShare: number }).outsideShare).toBe(0.25);
    expect((a.scaler.testInputs as { outsideShare: number }).outsideShare).toBe(0);
  });
  test('returns need a price before the first window: a clear error instead of reading before the series', () => {
    expect(() => returns.run({ ...request, train: { from: 0, to: 10 } }, { log: false }, ctx)).toThrow(
      /needs 1 price\(s\) before each window.*use fewer training days/,
    );
  });
});
