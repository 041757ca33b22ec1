// 1-minute bars from a spec: a window never spans two sessions (the overnight gap), for the models
// and the baselines alike; stamps keep their offsets through to the predictions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { readJsonl, runCli, tempDir, writeSpec } from '../helpers/cli.ts';

const SPEC = `name: intraday
seeds: [1]
data: {ticker: SPY-1m, days: 1950}
test: {days: 780, end: 2026-03-06}
window: {lookback: 30, horizon: [1, 5], scaler: {plugin: returns, log: true}}
architectures:
  paper:
    - {type: conv1d, filters: 5, kernelSize: 1, activation: relu}
    - {type: flatten}
    - {type: dense, units: 12, activation: relu}
    - {type: dense, units: 1}
train: {plugin: tfjs, epochs: 2, earlyStopping: false}
prune: {plugin: magnitude, sparsity: 0.5}
measure: {plugin: standard, warmup: 1, repeats: 2}
strategy: {periodsPerYear: 98280}
`;

test('intraday bars: every window within one session, for the models and the baselines', () => {
  const dir = tempDir('runexp-intraday-');
  writeSpec(dir, SPEC);
  expect(runCli(['spec.yaml', '--no-report'], dir).code).toBe(0);
  const records = readJsonl(join(dir, 'runs/intraday/results.jsonl'));
  expect(records.map((r) => r.params.window.horizon).sort()).toEqual([1, 5]);
  for (const r of records) {
    // The last two sessions (390 bars each) are the test period, test.end picks the session by its date.
    expect(r.data.test).toMatchObject({ start: '2026-03-05T09:30:00-05:00', end: '2026-03-06T15:59:00-05:00', days: 780 });
    const rows = parse(readFileSync(join(dir, 'runs/intraday/runs', r.runId, 'predictions.csv'), 'utf8'), { columns: true }) as {
      date: string;
      persistence: string;
    }[];
    // Per session, the first target whose window (30 bars, the bar before them and h − 1 more) starts at 09:30: 31 + h bars in.
    const h = r.params.window.horizon;
    expect(rows).toHaveLength(2 * (390 - 31 - (h - 1)));
    const first = `10:${String(h).padStart(2, '0')}:00-05:00`;
    expect(rows.filter((row) => row.date.endsWith(first)).map((row) => row.date.slice(0, 10))).toEqual(['2026-03-05', '2026-03-06']);
    expect(rows.some((row) => row.date.slice(11, 16) < `10:0${h}`)).toBe(false);
    expect(Number.isFinite(r.baselines.linear.mse)).toBe(true);
  }
  // Asked to, windows span the overnight gap: every bar of the test period is a target.
  writeSpec(dir, SPEC.replace('name: intraday', 'name: across').replace('horizon: [1, 5]', 'horizon: 1, crossSessions: true'));
  expect(runCli(['spec.yaml', '--no-report'], dir).code).toBe(0);
  const [across] = readJsonl(join(dir, 'runs/across/results.jsonl'));
  expect(
    readFileSync(join(dir, 'runs/across/runs', across.runId, 'predictions.csv'), 'utf8')
      .trim()
      .split('\n'),
  ).toHaveLength(1 + 780);
  expect(across.trainKey).not.toBe(records.find((r) => r.params.window.horizon === 1)!.trainKey);
  // Test periods in whole sessions, folds a session apart: each fold is one session's 390 bars.
  writeSpec(
    dir,
    SPEC.replace('name: intraday', 'name: sessions')
      .replace('horizon: [1, 5]', 'horizon: 1')
      .replace('test: {days: 780, end: 2026-03-06}', 'test: {sessions: 1, end: 2026-03-06, walkForward: {folds: 2}}'),
  );
  expect(runCli(['spec.yaml', '--no-report'], dir).code).toBe(0);
  const folds = readJsonl(join(dir, 'runs/sessions/results.jsonl')).sort((a, b) => a.params.fold - b.params.fold);
  expect(folds.map((r) => [r.data.test.start, r.data.test.end, r.data.test.days])).toEqual([
    ['2026-03-05T09:30:00-05:00', '2026-03-05T15:59:00-05:00', 390],
    ['2026-03-06T09:30:00-05:00', '2026-03-06T15:59:00-05:00', 390],
  ]);
}, 120_000);
