// Walk-forward evaluation end to end: folds as runs with their own test periods, a model trained
// once serving every fold, per-fold and pooled results in the report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonl, runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

const walk = (options: string) =>
  tinySpec({
    seeds: '[1, 2]',
    prune: '{plugin: magnitude, percentile: 35}',
    train: '{plugin: tfjs, epochs: 2, earlyStopping: false, redrawDeadInit: 5}',
  }).replace('  days: 20\n', `  days: 20\n  walkForward: ${options}\n`);
const predictionDates = (dir: string, runId: string) =>
  readFileSync(join(dir, 'runs/tiny/runs', runId, 'predictions.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[0]);

test('retrain once: one training per seed serves both folds; each fold is tested on its own later period', () => {
  const dir = tempDir('runexp-walk-');
  writeSpec(dir, walk('{folds: 2, retrain: once}'));
  const run = runCli(['spec.yaml'], dir);
  expect(run.code).toBe(0);
  expect(run.stdout + run.stderr).toMatch(/4 runs \(0 already done\), 2 trainings to do/);
  const records = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
  expect(records).toHaveLength(4);
  for (const seed of [1, 2]) {
    const [first, second] = records.filter((r) => r.params.seed === seed).sort((a, b) => a.params.fold - b.params.fold);
    expect(second.trainKey).toBe(first.trainKey);
    expect(second.training).toEqual(first.training); // the same training, not a second one
    expect(second.data.train).toEqual(first.data.train);
    expect(second.data.test.from).toBe(first.data.test.to);
    // The second fold's predictions are for the 20 days after the first fold's.
    const a = predictionDates(dir, first.runId);
    const b = predictionDates(dir, second.runId);
    expect(a).toHaveLength(20);
    expect(b[0] > a[19]).toBe(true);
    expect(second.original.mse).not.toBe(first.original.mse);
  }
  const html = readFileSync(join(dir, 'reports/tiny/index.html'), 'utf8');
  expect(html).toContain('Walk-forward, pooled over folds');
  expect(html).toMatch(/fold=2/);
  // Traded over both folds: the original (trained once, shared) and the compact, 2 seeds × 2 folds each.
  const traded = html.slice(html.indexOf('<h3>Walk-forward, traded over all folds</h3>'));
  expect(traded.slice(0, traded.indexOf('</table>')).match(/<small>\(2 seeds × 2 folds/g)).toHaveLength(2);
}, 120_000);

test('retrain every fold with an expanding window: a training per fold, each on more days', () => {
  const dir = tempDir('runexp-walk-');
  writeSpec(dir, walk('{folds: 2, step: 10, window: expanding}').replace('seeds: [1, 2]', 'seeds: [1]'));
  const run = runCli(['spec.yaml', '--no-report'], dir);
  expect(run.code).toBe(0);
  const [first, second] = readJsonl(join(dir, 'runs/tiny/results.jsonl')).sort((a, b) => a.params.fold - b.params.fold);
  expect(second.trainKey).not.toBe(first.trainKey);
  expect(second.data.train.from).toBe(first.data.train.from);
  expect([first.data.train.days, second.data.train.days]).toEqual([120, 130]);
  expect(second.data.test.from - first.data.test.from).toBe(10);
  expect([first.params.days, second.params.days]).toEqual([120, 120]);
}, 120_000);
