// `runexp check-plugin`: every built-in pruner (and its controls) passes every property on
// small, really trained models; a deliberately broken plugin fails the properties it breaks.
import { checkPrunePlugin } from '../../src/execute/conformance.ts';
import type { Tf } from '../../src/index.ts';
import { BIN, FIXTURES, runCli } from '../helpers/cli.ts';
import { loadBackend } from '../../src/execute/backend.ts';

// wasm, as the CLI uses: the cpu backend trains these models several times slower.
let tf: Tf;
beforeAll(async () => {
  tf = (await loadBackend('wasm')).tf;
});

const BUILT_INS: [string, Record<string, unknown>][] = [
  ['magnitude', { sparsity: 0.5 }],
  ['magnitude', { percentile: 35, scope: 'global', layers: 'hidden-dense' }],
  // Every layer with a kernel, the LSTM's recurrent kernel included, on every lab architecture.
  ['magnitude', { sparsity: 0.5, layers: 'hidden' }],
  ['random', { sparsity: 0.5 }],
  ['gradual', { sparsity: 0.7, endStep: 20, frequency: 5, control: 'random' }],
  ['finetune', { sparsity: 0.5, epochs: 2 }],
  // Quantisation-aware: the kernels move on the int8 grid, and the masks still hold.
  ['finetune', { sparsity: 0.5, epochs: 2, qat: 'int8' }],
  ['lottery', { sparsity: 0.7, levels: 2, rewindEpoch: 1, control: 'reinit' }],
  ['snip', { sparsity: 0.6, layers: 'hidden' }],
  ['structured', { sparsity: 0.5, scope: 'global', norm: 'l2', finetuneEpochs: 1 }],
  // Quantisation-aware fine-tuning of the kept units: the removed ones stay at zero through it.
  ['structured', { sparsity: 0.5, finetuneEpochs: 1, qat: 'int8' }],
];

// One seed each here (every property, determinism included, is checked within a seed); the
// command itself checks three.
test.each(BUILT_INS)(
  '%s %j passes every property',
  async (name, options) => {
    const results = await checkPrunePlugin(tf, name, options, { seeds: [1] });
    expect(results.map((r) => r.architecture)).toEqual(['small-cnn', 'two-hidden', 'normalised-cnn', 'small-lstm']);
    for (const r of results) {
      const failed = r.properties.filter((p) => p.status === 'fail');
      expect(failed).toEqual([]);
      expect(r.properties.find((p) => p.property.startsWith('achieved sparsity'))!.status).toBe('pass');
      expect(r.properties.filter((p) => p.status === 'pass').length).toBeGreaterThanOrEqual(6);
    }
  },
  60_000,
);

test('lottery tickets end at exactly round(s·n) pruned weights; structured compaction really shrinks the model', async () => {
  const [lottery] = await checkPrunePlugin(tf, 'lottery', { sparsity: 0.7, levels: 2 });
  // small-cnn's first dense layer: 12 steps × 4 filters × 16 units = 768 weights, 538 pruned.
  expect(lottery.properties.find((p) => p.property.startsWith('achieved sparsity'))!.detail).toContain('dense 230/768 kept');
  const [structured] = await checkPrunePlugin(tf, 'structured', { sparsity: 0.5 });
  const architecture = structured.properties.find((p) => p.property === 'the compact architecture is valid')!;
  // 4 → 2 filters and 16 → 8 units: conv 3×1×2, flatten 12×2 = 24 inputs to dense 24×8, output 8×1.
  expect(architecture.detail).toBe('small-cnn[conv1d:2,dense:8]: 3×1×2, 2, 24×8, 8, 8×1, 1 (seeds 1, 2, 3)');
}, 60_000);

test.each([
  [
    'throws-after-copy',
    {},
    ['the pruner runs without throwing'],
    /^seed 1: plugin "throws-after-copy" at \S*test\/fixtures\/plugins\/throws-after-copy\.ts:15:\d+: Cannot read properties of undefined \(reading 'length'\)$/,
  ],
  [
    'zeroes-biases',
    {},
    ['layers and biases it does not target are unchanged'],
    /value\(s\) of dense\/bias\S* changed: a targeted layer's bias is not pruned$/,
  ],
  ['in-place', {}, ['req.model is left as it was'], /^seed 1: the pruner returned req\.model itself: prune a copy/],
  [
    'in-place',
    { copy: true },
    ['req.model is left as it was'],
    /^seed 1: the pruner modified req\.model in place \(768 value\(s\) changed\)/,
  ],
  [
    'liar',
    { lie: 'double-total' },
    ["reported weights are the model's weights"],
    /^seed 1: expected `total` to count the kernel's weights; layer dense reports 1536, its kernel has 768$/,
  ],
  [
    'liar',
    { lie: 'other-layer' },
    ["reported weights are the model's weights", 'it reports every layer it pruned', 'layers and biases it does not target are unchanged'],
    /^seed 1: expected `after` to hold the model's weights/,
  ],
  // It called req.train once (as if it retrained) but declares nothing: the checks still apply.
  [
    'liar',
    { lie: 'fake-retrain' },
    ['it reports every layer it pruned', 'layers and biases it does not target are unchanged'],
    /^seed 1: expected pruned weights only in the reported layers \(dense\); layer conv1d has 12 more zeros than before$/,
  ],
  [
    'liar',
    { lie: 'seed-2' },
    ["reported weights are the model's weights"],
    /^seed 2: expected `kept` to count the model's non-zero weights; layer dense reports 384, the model has 768$/,
  ],
  [
    'liar',
    { lie: 'nan-weight' },
    ["reported weights are the model's weights", 'layers and biases it does not target are unchanged'],
    /^seed 1: expected finite weights; layer dense of the pruned model holds NaN at weight 0$/,
  ],
  [
    'late-masks',
    {},
    ['masks hold through training steps'],
    /^seed \d: expected pruned weights to stay zero after every optimizer step; \d+ pruned weight\(s\) of dense came back/,
  ],
  [
    'prune-with-throws-compactor',
    {},
    ['the compactor runs without throwing'],
    /^seed 1: plugin "odd-compactor" at \S*odd-compactor\.ts:\d+:\d+: Cannot read properties of undefined \(reading 'go'\)$/,
  ],
  // A compactor that hands back the pruned model: freed once, and every check runs.
  ['prune-with-shared-compactor', {}, [], /./],
] as const)(
  '%s %j fails %j, saying why in words',
  async (fixture, options, properties, detail) => {
    const [first] = await checkPrunePlugin(tf, `${FIXTURES}/plugins/${fixture}.ts`, options, { seeds: [1, 2] }); // the liar lies from seed 2
    const failed = first.properties.filter((p) => p.status === 'fail');
    expect(failed.map((p) => p.property)).toEqual(properties);
    if (failed.length) expect(failed[0].detail).toMatch(detail);
  },
  60_000,
);

test('a broken plugin fails what it breaks, each failure saying what was expected and seen (exit 1)', () => {
  const { code, stdout } = runCli(
    ['check-plugin', `${FIXTURES}/plugins/broken-pruner.ts`, '--options', '{"sparsity": 0.5}'],
    process.cwd(),
  );
  expect(code).toBe(1);
  // Each failure names the first seed it failed for; a pruner that retrains without declaring
  // `retrains` fails the untouched-weights check too.
  for (const property of [
    'achieved sparsity matches the request',
    "reported weights are the model's weights",
    'masks hold through training steps',
    'layers and biases it does not target are unchanged',
    'the same seed gives the same result',
    'no tensors leak',
  ]) {
    expect(stdout).toMatch(new RegExp(`FAIL  ${property}: seed 1: expected`));
  }
  expect(stdout).toContain('PASS  the compact model reproduces the pruned model');
  expect(stdout).toContain('PASS  req.model is left as it was');
  expect(stdout).toMatch(/FAILED: 16 of 40 checks passed, 24 failed/);
  expect(BIN).toMatch(/runexp\.js$/);
}, 120_000);

test('bad options are refused like a spec entry would be (exit 2)', () => {
  const { code, stderr } = runCli(['check-plugin', 'magnitude', '--options', '{"sparsty": 0.5}'], process.cwd());
  expect(code).toBe(2);
  expect(stderr).toContain('sparsty');
  expect(stderr).toContain('did you mean "sparsity"?');
});

test('a compactor is checked after a 50% magnitude pruner: its declared tolerance, stored size and ONNX Runtime (exit 0)', () => {
  const { code, stdout } = runCli(['check-plugin', 'quantize', '--options', '{"activations": "int8"}'], process.cwd());
  expect(code).toBe(0);
  expect(stdout).toContain('quantize {"bits":8,"scheme":"per-channel","activations":"int8"} on small-cnn');
  expect(stdout).toMatch(/PASS {2}the compact model reproduces the pruned model: max \|difference\| \S+ on 40 windows \(tolerance 0\.25\)/);
  expect(stdout).toMatch(/PASS {2}a quantised model is stored smaller: \d+ bytes stored against \d+ as float32/);
  expect(stdout).toMatch(/PASS {2}it exports to ONNX and ONNX Runtime reproduces it: .*\(tolerance 0\.01\)/);
  // What a spec would refuse at validate time is shown as such, not run.
  expect(stdout).toContain(
    '   n/a  it runs on this architecture: the quantize compactor refuses it: its lstm layer has no int8 kernel on ONNX Runtime for int8 activations',
  );
  expect(stdout).toMatch(/ok: \d+ of \d+ checks passed/);
}, 120_000);

test('a compactor that throws fails its check, naming itself (exit 1)', () => {
  const { code, stdout } = runCli(
    ['check-plugin', `${FIXTURES}/plugins/odd-compactor.ts`, '--options', '{"mode": "throws"}'],
    process.cwd(),
  );
  expect(code).toBe(1);
  expect(stdout).toMatch(/FAIL {2}the compactor runs without throwing: seed 1: plugin "odd-compactor" at \S*odd-compactor\.ts:\d+:\d+/);
}, 120_000);
