import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configKey, labeller } from '../../src/plan/labels.ts';
import { prepare } from '../../src/plan/prepare.ts';
import { sha256 } from '../../src/plugin/hash.ts';
import { FIXTURES, tempDir, tinySpec } from '../helpers/cli.ts';

async function gridOf(text: string) {
  const dir = tempDir();
  const file = join(dir, 'spec.yaml');
  writeFileSync(file, text);
  return (await prepare(file)).grid;
}

describe('grid expansion', () => {
  test('axes multiply; trainings are shared across pruning settings', async () => {
    const spec = tinySpec({
      seeds: '[1, 2]',
      prune: '[{plugin: magnitude, percentile: [20, 35, 50]}, {plugin: random, percentile: 35}]',
    }).replace('days: 120', 'days: [120, 150]');
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

  test('horizons are an axis: each its own training and runs; one horizon, written as a list or not, keeps the ids', async () => {
    const one = await gridOf(tinySpec());
    const listed = await gridOf(tinySpec().replace('test:\n  days: 20\n', 'test:\n  days: 20\nwindow: {horizon: [1]}\n'));
    expect(listed.runs.map((r) => r.runId)).toEqual(one.runs.map((r) => r.runId));
    expect(one.runs[0].params.window).toEqual({});
    const three = await gridOf(tinySpec().replace('test:\n  days: 20\n', 'test:\n  days: 20\nwindow: {horizon: [1, 3, 5]}\n'));
    // 3 horizons × 2 percentiles, 3 trainings; horizon 1's runs are the one-horizon grid's runs.
    expect(three.runs).toHaveLength(6);
    expect(three.groups.map((g) => g.window.horizon)).toEqual([1, 3, 5]);
    expect(three.runs.map((r) => r.params.window)).toEqual([1, 1, 3, 3, 5, 5].map((horizon) => ({ horizon })));
    expect(three.runs.slice(0, 2).map((r) => r.runId)).toEqual(one.runs.map((r) => r.runId));
  });

  test('run ids are stable: the same configuration written differently gets the same ids', async () => {
    const a = await gridOf(tinySpec());
    const reordered = tinySpec()
      .replace(
        'train: {plugin: tfjs, epochs: 2, earlyStopping: false}',
        'train: {earlyStopping: false, epochs: 2, plugin: tfjs, batchSize: 32}',
      )
      .replace('prune: {plugin: magnitude, percentile: [35, 50]}', 'prune: {percentile: [35, 50], plugin: magnitude, layers: first-dense}');
    const b = await gridOf(reordered);
    expect(b.runs.map((r) => r.runId)).toEqual(a.runs.map((r) => r.runId));
    // ... and a real change changes them
    const c = await gridOf(tinySpec().replace('epochs: 2', 'epochs: 3'));
    expect(c.runs.map((r) => r.runId)).not.toContain(a.runs[0].runId);
  });
});

describe('a general grid', () => {
  const plugin = (name: string) => join(FIXTURES, 'plugins', name);

  test('axis options of every slot, compact and measure included, are in params, labels and ids', async () => {
    const grid = await gridOf(
      tinySpec({ measure: `{plugin: ${plugin('measure-batches.ts')}, batchSize: [32, 1024], warmup: 1, repeats: 2}` }),
    );
    expect(grid.runs).toHaveLength(4);
    expect(new Set(grid.runs.map((r) => r.runId)).size).toBe(4);
    expect(grid.runs.map((r) => r.params.measure)).toEqual([
      { batchSize: 32 },
      { batchSize: 1024 },
      { batchSize: 32 },
      { batchSize: 1024 },
    ]);
    const labels = labeller(grid.runs.map((r) => r.params));
    expect(labels.run(grid.runs[1].params)).toBe('SPY 120d paper magnitude percentile=35 measure.batchSize=1024 seed=1');
    expect(new Set(grid.runs.map((r) => configKey(r.params))).size).toBe(4);
  });

  test('two entries of one pruner that differ in a plain option are never merged', async () => {
    const grid = await gridOf(
      tinySpec({ prune: '[{plugin: magnitude, percentile: 35, scope: layer}, {plugin: magnitude, percentile: 35, scope: global}]' }),
    );
    expect(grid.runs.map((r) => r.params.prune)).toEqual([
      { percentile: 35, scope: 'layer' },
      { percentile: 35, scope: 'global' },
    ]);
    expect(configKey(grid.runs[0].params)).not.toBe(configKey(grid.runs[1].params));
  });

  test("a pruner that names its compactor gets it; the others get the spec's", async () => {
    const grid = await gridOf(tinySpec({ prune: `[{plugin: magnitude, percentile: 35}, {plugin: ${plugin('with-compactor.ts')}}]` }));
    expect(grid.runs.map((r) => [r.params.pruner, r.params.compactor])).toEqual([
      ['magnitude', 'copy'],
      ['with-compactor', 'compact-with-data'],
    ]);
    expect(grid.runs[1].compact.source).toMatchObject({
      kind: 'file',
      path: expect.stringMatching(/test\/fixtures\/plugins\/compact-with-data\.ts$/),
    });
    // The compactor follows from the pruner: labels leave it out (it still tells runs apart in params and ids).
    const labels = labeller(grid.runs.map((r) => r.params));
    expect(grid.runs.map((r) => labels.config(r.params))).toEqual([
      'SPY 120d paper magnitude percentile=35',
      'SPY 120d paper with-compactor',
    ]);
  });

  test("a pruner's own compactor runs alone and followed by each spec compactor that can follow another", async () => {
    const prune = '[{plugin: magnitude, percentile: 35}, {plugin: structured, sparsity: 0.5}]';
    const grid = await gridOf(tinySpec({ prune, compact: '[{plugin: copy}, {plugin: quantize, bits: [8, 16]}]' }));
    expect(grid.runs.map((r) => [r.params.pruner, r.params.compactor, r.params.compact.bits, r.compactThen?.name])).toEqual([
      ['magnitude', 'copy', undefined, undefined],
      ['magnitude', 'quantize', 8, undefined],
      ['magnitude', 'quantize', 16, undefined],
      ['structured', 'structured', undefined, undefined],
      ['structured', 'structured+quantize', 8, 'quantize'],
      ['structured', 'structured+quantize', 16, 'quantize'],
    ]);
    expect(new Set(grid.runs.map((r) => r.runId)).size).toBe(6);
    // Copy cannot follow: a spec without quantize keeps the structured run alone, with the same id.
    const alone = await gridOf(tinySpec({ prune }));
    expect(alone.runs.map((r) => r.params.compactor)).toEqual(['copy', 'structured']);
    expect(alone.runs[1].runId).toBe(grid.runs[3].runId);
  });

  test('labels show an option only where it varies beside what they already show', () => {
    const base = {
      ticker: 'SPY',
      days: 100,
      testEnd: 'e',
      architecture: 'paper',
      seed: 1,
      pruner: 'magnitude',
      prune: { percentile: 35 },
      train: {},
      window: {},
    };
    // Two datasets with their own CSV columns: the columns follow from the ticker.
    const fetched = [
      { ...base, fetch: { column: 'price' } },
      { ...base, ticker: 'QQQ', fetch: { column: 'close' } },
    ];
    expect(fetched.map((p) => labeller(fetched).config(p))).toEqual([
      'SPY 100d paper magnitude percentile=35',
      'QQQ 100d paper magnitude percentile=35',
    ]);
    // Two epochs settings for the same everything else: shown.
    const trained = [
      { ...base, train: { epochs: 10 } },
      { ...base, train: { epochs: 20 } },
    ];
    expect(labeller(trained).config(trained[1])).toBe('SPY 100d paper magnitude percentile=35 train.epochs=20');
  });

  test('a pruner with training hooks shares the dense training and gets one of its own', async () => {
    const grid = await gridOf(
      tinySpec({ prune: `[{plugin: magnitude, percentile: 35}, {plugin: ${plugin('masked-training.ts')}, sparsity: [0.3, 0.5]}]` }),
    );
    expect(grid.groups).toHaveLength(1);
    const [dense, ...hooked] = grid.runs;
    expect(dense.prunerTrainKey).toBeUndefined();
    expect(hooked.map((r) => r.trainKey)).toEqual([dense.trainKey, dense.trainKey]);
    expect(new Set(hooked.map((r) => r.prunerTrainKey)).size).toBe(2);
  });

  test('tasks are portable: no absolute path or file URL, and the same ids from any folder', async () => {
    const spec = tinySpec({ prune: '{plugin: ./my-pruner.ts}' });
    const pruner = readFileSync(plugin('kit-only.ts'), 'utf8');
    const ids = [];
    // Inside the checkout, so that the plugin's `runexp/plugin` import resolves (plugins outside
    // it are issue 9's).
    const root = mkdtempSync(resolve('.test-tmp-'));
    for (const dir of [join(root, 'a'), join(root, 'b', 'deeper')]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'my-pruner.ts'), pruner);
      const file = join(dir, 'spec.yaml');
      writeFileSync(file, spec);
      const { grid } = await prepare(file);
      expect(JSON.stringify(grid)).not.toContain('file:');
      expect(JSON.stringify(grid)).not.toContain(root);
      expect(grid.runs[0].prune.source).toEqual({ kind: 'file', path: 'my-pruner.ts', sha256: sha256(pruner) });
      ids.push(grid.runs.map((r) => r.runId));
    }
    rmSync(root, { recursive: true });
    expect(ids[1]).toEqual(ids[0]);
  });
});

describe('walk-forward', () => {
  const walk = (options: string) =>
    tinySpec({ prune: '{plugin: magnitude, percentile: 35}' }).replace('  days: 20\n', `  days: 20\n  walkForward: ${options}\n`);

  test('sliding, retrained every fold: consecutive test periods ending at test.end, each with its own training right before it', async () => {
    const grid = await gridOf(walk('{folds: 3}'));
    expect(grid.groups).toHaveLength(3);
    // SPY has 8,372 days: test periods [8332, 8352), [8352, 8372) ... the last ends at the data's end.
    expect(grid.groups.map((g) => [g.ranges.train.from, g.ranges.train.to, g.ranges.test.from, g.ranges.test.to])).toEqual([
      [8192, 8312, 8312, 8332],
      [8212, 8332, 8332, 8352],
      [8232, 8352, 8352, 8372],
    ]);
    expect(grid.runs.map((r) => r.params.fold)).toEqual([1, 2, 3]);
    expect(grid.runs.map((r) => r.params.days)).toEqual([120, 120, 120]);
    expect(labeller(grid.runs.map((r) => r.params)).run(grid.runs[1].params)).toContain('fold=2');
  });

  test("expanding: every fold trains from the first fold's start; step sets how far apart the folds are", async () => {
    const grid = await gridOf(walk('{folds: 3, step: 10, window: expanding}'));
    expect(grid.groups.map((g) => [g.ranges.train.from, g.ranges.train.to, g.ranges.test.from, g.ranges.test.to])).toEqual([
      [8212, 8332, 8332, 8352],
      [8212, 8342, 8342, 8362],
      [8212, 8352, 8352, 8372],
    ]);
    // The data-size axis keeps the spec's value; the record's data.train.days says what each fold used.
    expect(grid.runs.map((r) => r.params.days)).toEqual([120, 120, 120]);
    expect(grid.groups.map((g) => g.ranges.train.days)).toEqual([120, 130, 140]);
  });

  test('retrained once: one training per seed, each fold a run with its own test period and id', async () => {
    const grid = await gridOf(walk('{folds: 3, retrain: once}'));
    expect(grid.groups).toHaveLength(1);
    const [group] = grid.groups;
    expect([group.ranges.train.from, group.ranges.train.to]).toEqual([8192, 8312]);
    expect(group.runs.map((r) => (r.test ?? group.ranges.test).from)).toEqual([8312, 8332, 8352]);
    expect(new Set(group.runs.map((r) => r.runId)).size).toBe(3);
    // Without walk-forward the ids are what they always were.
    const plain = await gridOf(tinySpec({ prune: '{plugin: magnitude, percentile: 35}' }));
    expect(plain.runs[0].runId).not.toBe(group.runs[2].runId);
    expect(plain.groups[0].ranges).toEqual((await gridOf(walk('{folds: 3}'))).groups[2].ranges);
  });
});
