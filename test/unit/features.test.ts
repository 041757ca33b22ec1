// Input features: joined onto the target's calendar by an explicit policy (plan/join-features.ts),
// then added as input channels scaled on the training windows (execute/feature-channels.ts).
import type { Series, WindowedData, WindowSet } from '../../src/plugin/index.ts';
import { joinFeatures, type AlignPolicy } from '../../src/plan/join-features.ts';
import { withFeatureChannels } from '../../src/execute/feature-channels.ts';

const series = (ticker: string, rows: [string, number][]): Series => ({
  ticker,
  dates: rows.map((r) => r[0]),
  values: rows.map((r) => r[1]),
  checksum: ticker,
  source: ticker,
});
const target = series('SPY', [
  ['2024-01-02', 10],
  ['2024-01-03', 11],
  ['2024-01-04', 12],
  ['2024-01-05', 13],
  ['2024-01-08', 14],
]);
// Starts a day late, lacks 01-05, ends a day early.
const vix = series('^VIX', [
  ['2024-01-03', 20],
  ['2024-01-04', 21],
  ['2024-01-05', 22],
]);
const gappy = series('TLT', [
  ['2024-01-02', 5],
  ['2024-01-03', 6],
  ['2024-01-08', 8],
]);
const join = (policy: Partial<AlignPolicy>, ...inputs: Series[]) =>
  joinFeatures(
    target,
    inputs.map((s) => ({ name: s.ticker, transform: 'level' as const, series: s })),
    { missing: 'error', limit: 5, ...policy },
  );

test("days outside a feature's dates are dropped under every policy", () => {
  const joined = join({}, vix);
  if ('problem' in joined) throw new Error(joined.problem);
  expect(joined.series.dates).toEqual(['2024-01-03', '2024-01-04', '2024-01-05']);
  expect(joined.series.values).toEqual([11, 12, 13]);
  expect(joined.series.features).toEqual([{ name: '^VIX', transform: 'level', values: [20, 21, 22] }]);
  expect(joined.dropped).toBe(2);
  // What was joined is in the checksum: a run on it never shares an id with the target alone.
  expect(joined.series.checksum).not.toBe(target.checksum);
});

test("a day the target has inside a feature's dates: an error naming it, carried forward within the limit, or dropped", () => {
  expect(join({}, gappy)).toEqual({
    problem: 'TLT has no value on 2024-01-04, a day SPY has',
    hint: 'set data.align.missing to ffill (carry its last value) or drop (drop such days)',
  });
  const carried = join({ missing: 'ffill', limit: 2 }, gappy);
  if ('problem' in carried) throw new Error(carried.problem);
  expect(carried.series.features![0].values).toEqual([5, 6, 6, 6, 8]);
  expect(join({ missing: 'ffill', limit: 1 }, gappy)).toMatchObject({
    problem: 'TLT has no value for more than 1 days in a row up to 2024-01-05',
  });
  const dropped = join({ missing: 'drop' }, gappy, vix);
  if ('problem' in dropped) throw new Error(dropped.problem);
  // TLT lacks 01-04 and 01-05; ^VIX lacks 01-02 and 01-08: only 01-03 is in all three.
  expect(dropped.series.dates).toEqual(['2024-01-03']);
  expect(dropped.series.features!.map((f) => f.values)).toEqual([[6], [20]]);
});

test('each feature is one more channel at the same steps, transformed and min-max scaled on the training windows', () => {
  // Six days; windows of 2 steps, horizon 1: targets at 3 (train), 4 (validation), 5 (test).
  const s: Series = {
    ...series(
      'SPY',
      [1, 2, 3, 4, 5, 6].map((d) => [`2024-01-0${d}`, 100 + d]),
    ),
    features: [
      { name: 'V', transform: 'log-return', values: [1, 2, 4, 8, 32, 64] },
      { name: 'L', transform: 'level', values: [10, 20, 30, 40, 50, 60] },
    ],
  };
  const set = (t: number, x: number[]): WindowSet => ({
    x: Float32Array.from(x),
    y: Float32Array.from([0]),
    count: 1,
    targets: Float64Array.from([100 + t + 1]),
    dates: [s.dates[t]],
  });
  const data = {
    lookback: 2,
    features: 1,
    train: set(3, [0.1, 0.2]),
    validation: set(4, [0.3, 0.4]),
    test: set(5, [0.5, 0.6]),
    toPrice: () => new Float64Array(),
    scaler: { kind: 'x' },
  } as WindowedData;
  const wide = withFeatureChannels(data, s, 1);
  expect(wide.features).toBe(3);
  // The training window (steps 1, 2): log-returns ln 2, ln 2 (range 0: scaled by 1), levels 20, 30.
  expect(Array.from(wide.train.x)).toEqual(Array.from(Float32Array.from([0.1, 0, 0, 0.2, 0, 1])));
  // Test window (steps 3, 4): ln 2 → 0 and ln 4 → (ln 4 − ln 2) / 1 (range 0 scales by 1); levels 40 → 2, 50 → 3 (outside the training range).
  expect(Array.from(wide.test.x)).toEqual(Array.from(Float32Array.from([0.5, 0, 2, 0.6, Math.log(2), 3])));
  expect(wide.scaler.features).toEqual([
    { name: 'V', transform: 'log-return', fitOn: 'train', min: Math.log(2), max: Math.log(2) },
    { name: 'L', transform: 'level', fitOn: 'train', min: 20, max: 30 },
  ]);
  expect(withFeatureChannels(data, { ...s, features: undefined }, 1)).toBe(data);
});

test("the ridge baseline sees the features too: one that carries the next day's return makes it nearly exact", async () => {
  const { readSnapshot } = await import('../../src/plugins/fetch/snapshot.ts');
  const { baselineForecasts } = await import('../../src/evaluation/baselines.ts');
  const spy = readSnapshot('SPY', 'Adj Close');
  const values = spy.values.slice(-701, -1);
  // A feature whose value on day i is the price of day i + 1: its log-return at the window's last step is the target's.
  const future = { name: 'future', transform: 'log-return' as const, values: spy.values.slice(-700) };
  const req = {
    values,
    train: { from: 1, to: 600, firstValidationTarget: 500 },
    test: { from: 600, to: 700 },
    lookback: 14,
    horizon: 1,
    ridge: 1e-6,
  };
  const mse = (forecast: number[]) => forecast.reduce((a, f, i) => a + (values[600 + i] - f) ** 2, 0) / forecast.length;
  const alone = mse(baselineForecasts(req).linear);
  const informed = mse(baselineForecasts({ ...req, features: [future] }).linear);
  expect(informed).toBeLessThan(alone / 100);
});
