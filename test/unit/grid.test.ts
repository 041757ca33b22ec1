import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepare } from '../../src/core/prepare.ts';
import { tempDir, tinySpec } from '../helpers/cli.ts';

async function gridOf(text: string) {
  const dir = tempDir();
  const file = join(dir, 'spec.yaml');
  writeFileSync(file, text);
  return (await prepare(file)).grid;
}

describe('grid expansion', () => {
  test('axes multiply; trainings are shared across pruning settings', async () => {
    const spec = tinySpec({ seeds: '[1, 2]', prune: '[{plugin: magnitude, percentile: [20, 35, 50]}, {plugin: random, percentile: 35}]' }).replace('days: 120', 'days: [120, 150]');
    const grid = await gridOf(spec);
    // 2 sizes × 2 seeds × (3 magnitude + 1 random) = 16 runs, from 2 × 2 = 4 trainings
    expect(grid.runs).toHaveLength(16);
    expect(grid.groups).toHaveLength(4);
    for (const g of grid.groups) expect(g.runs).toHaveLength(4);
    expect(new Set(grid.runs.map((r) => r.runId)).size).toBe(16);
  });

  test('training windows end right before the test period', async () => {
    const grid = await gridOf(tinySpec());
    const { ranges } = grid.groups[0];
    expect(ranges.test).toMatchObject({ end: '2026-05-04', days: 20, to: 8372, from: 8352 });
    expect(ranges.train).toMatchObject({ to: 8352, from: 8232, days: 120 });
  });

  test('run ids are stable: the same configuration written differently gets the same ids', async () => {
    const a = await gridOf(tinySpec());
    const reordered = tinySpec()
      .replace('train: {plugin: tfjs, epochs: 2, earlyStopping: false}', 'train: {earlyStopping: false, epochs: 2, plugin: tfjs, batchSize: 32}')
      .replace('prune: {plugin: magnitude, percentile: [35, 50]}', 'prune: {percentile: [35, 50], plugin: magnitude, layers: first-dense}');
    const b = await gridOf(reordered);
    expect(b.runs.map((r) => r.runId)).toEqual(a.runs.map((r) => r.runId));
    // ... and a real change changes them
    const c = await gridOf(tinySpec().replace('epochs: 2', 'epochs: 3'));
    expect(c.runs.map((r) => r.runId)).not.toContain(a.runs[0].runId);
  });
});
