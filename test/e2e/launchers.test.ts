// The launcher seam and core-owned training, end to end through the CLI: the in-process launcher
// (`--workers 0`) gives the records piscina gives; workers never write the output directory; a
// pruner that trains with hooks is compared against the dense model, with its masks held.
import { readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { compareOutputs } from '../../src/results/compare.ts';
import { FIXTURES, readJsonl, runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

const plugin = (name: string) => join(FIXTURES, 'plugins', name);

test('--workers 0 (in this process) gives the same records as worker threads', () => {
  const spec = tinySpec({ seeds: '[1, 2]', prune: `[{plugin: magnitude, percentile: [35, 50]}, {plugin: random, percentile: 35}]` });
  const dirs = [tempDir(), tempDir()];
  dirs.forEach((d) => writeSpec(d, spec));
  const threads = runCli(['spec.yaml', '--no-report', '--workers', '2'], dirs[0]);
  const inProcess = runCli(['spec.yaml', '--no-report', '--workers', '0'], dirs[1]);
  expect([threads.code, inProcess.code]).toEqual([0, 0]);
  expect(inProcess.stderr).toContain('6 runs (0 already done), 2 trainings to do, up to 2 of them in 1 stack of seeds in this process');
  const out = (d: string) => join(d, 'runs/tiny');
  expect(compareOutputs(out(dirs[0]), out(dirs[1]))).toEqual({ runs: 6, differences: [] });
  // the same ids too, whichever launcher ran them
  expect(
    readJsonl(join(out(dirs[1]), 'results.jsonl'))
      .map((r) => r.runId)
      .sort(),
  ).toEqual(
    readJsonl(join(out(dirs[0]), 'results.jsonl'))
      .map((r) => r.runId)
      .sort(),
  );
  const manifest = JSON.parse(readFileSync(join(out(dirs[1]), 'manifest.json'), 'utf8'));
  expect(manifest).toMatchObject({ schemaVersion: 2, launcher: 'in-process', workers: 0 });
});

describe('a pruner that trains with its own hooks', () => {
  const dir = tempDir();
  const spec = (percentiles: string) =>
    tinySpec({
      prune: `[{plugin: magnitude, percentile: ${percentiles}}, {plugin: ${plugin('masked-training.ts')}, sparsity: [0.3, 0]}]`,
      train: '{plugin: tfjs, epochs: 3, batchSize: 16, earlyStopping: false}',
    });
  writeSpec(dir, spec('35'));
  let run: ReturnType<typeof runCli>;
  beforeAll(() => {
    run = runCli(['spec.yaml', '--no-report', '--workers', '0'], dir);
  });

  test('is compared against the dense model: "original" is the same model for every pruner', () => {
    expect(run.code).toBe(0);
    const [magnitude, masked] = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
    expect(masked.params.pruner).toBe('masked-training');
    expect(masked.original).toEqual({
      ...magnitude.original,
      inference: expect.any(Object),
      memory: expect.any(Object),
      latency: expect.any(Object),
    });
    expect(masked.forecast.original).toEqual(magnitude.forecast.original);
    expect(masked.training.loss).toEqual(magnitude.training.loss);
    // its own training is recorded beside the dense one, and differs from it
    expect(masked.prunerTraining.epochs).toBe(3);
    expect(masked.prunerTraining.loss).not.toEqual(masked.training.loss);
    expect(masked.pruning.data).toEqual({ trainedEpochs: 3, sameAsDense: false });
  });

  test('hooks draw from a generator of their own: a hook that changes nothing changes no loss', () => {
    // sparsity 0 draws a random number per weight but masks none: the shuffle must not notice
    const [, , unmasked] = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
    expect(unmasked.params.prune).toEqual({ sparsity: 0 });
    expect(unmasked.prunerTraining.loss).toEqual(unmasked.training.loss);
  });

  test('gets an event after every optimizer step, and its mask holds through training', () => {
    // 120 days → 105 windows → 84 training windows: 6 batches of 16 per epoch, 3 epochs
    expect(run.stderr.match(/masked-training: 18 optimizer steps/g)).toHaveLength(2);
    const [, masked] = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
    const [layer] = JSON.parse(readFileSync(join(dir, 'runs/tiny/runs', masked.runId, 'pruned-weights.json'), 'utf8'));
    // The trained model already had its masked weights at exactly zero: pruning changed nothing.
    expect(layer.after).toEqual(layer.before);
    expect(layer.total - layer.kept).toBeGreaterThan(0.25 * layer.total);
    expect(layer.total - layer.kept).toBeLessThan(0.35 * layer.total);
  });

  test('both trainings are cached: a new percentile or a damaged run trains nothing again', () => {
    writeSpec(dir, spec('[35, 50]'));
    const again = runCli(['spec.yaml', '--no-report', '--workers', '0'], dir);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('4 runs (3 already done)');
    expect(again.stderr).not.toContain('optimizer steps');
    const rows = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
    expect(rows[3]).toMatchObject({ params: { prune: { percentile: 50 } }, training: { cached: true } });
    // a damaged run of the hooked pruner is redone from its cached training, with no hook running
    truncateSync(join(dir, 'runs/tiny/runs', rows[1].runId, 'predictions.csv'), 5);
    const redo = runCli(['spec.yaml', '--no-report', '--workers', '0'], dir);
    expect(redo.stderr).toContain('4 runs (3 already done)');
    expect(redo.stderr).not.toContain('optimizer steps');
    const redone = readJsonl(join(dir, 'runs/tiny/results.jsonl'))[4];
    expect(redone).toMatchObject({ runId: rows[1].runId, training: { cached: true }, prunerTraining: { cached: true } });
    expect(redone.compact.mse).toBe(rows[1].compact.mse);
  });
});

test('a pruner names its own compactor and passes it data, which the record keeps', () => {
  const dir = tempDir();
  writeSpec(dir, tinySpec({ prune: `[{plugin: magnitude, percentile: 35}, {plugin: ${plugin('with-compactor.ts')}}]` }));
  const { code, stdout } = runCli(['spec.yaml', '--no-report'], dir);
  expect(code).toBe(0);
  const rows = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
  expect(rows.map((r) => [r.params.pruner, r.params.compactor])).toEqual([
    ['magnitude', 'copy'],
    ['with-compactor', 'compact-with-data'],
  ]);
  expect(rows[1].pruning.data).toEqual({ removed: [{ layer: 'dense', count: 2800 }] });
  expect(rows[1].pruning.layers[0]).toMatchObject({ criterion: 'every third', kept: 5600 });
  expect(rows[1].pruning.layers[0].threshold).toBeUndefined();
  // no |w| threshold is claimed for it
  expect(stdout).toContain('pruned dense: 8,400 weights → 5,600 non-zero\n');
});
