// Structured pruning and its compactor on a model small enough to check by hand: the unit with
// the smallest L1 norm goes, the next layer loses its input, and the constant sigmoid(0) = 0.5
// the removed unit still sent is folded into the next bias.
import { buildModel, shrinkableLayers } from '../../src/plugin/architecture.ts';
import { mulberry32 } from '../../src/plugin/random.ts';
import type { Architecture, Tf, WindowedData } from '../../src/index.ts';
import structured from '../../src/plugins/prune/structured.ts';
import shrink from '../../src/plugins/compact/structured.ts';
import { cpuTf, noTraining, stageContext } from '../helpers/tf.ts';

const architecture: Architecture = {
  name: 'tiny',
  layers: [{ type: 'flatten' }, { type: 'dense', units: 3, activation: 'sigmoid' }, { type: 'dense', units: 1, activation: 'linear' }],
};

let tf: Tf;
beforeAll(async () => {
  tf = await cpuTf();
});

test('removes the smallest-L1 unit and builds a smaller model that computes the same', async () => {
  const model = buildModel(tf, architecture, [2, 1], 1);
  // dense kernel [2 inputs × 3 units]: unit L1 norms 5, 7, 9; output kernel [3 × 1].
  model.setWeights([
    tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]),
    tf.tensor1d([0.1, 0.2, 0.3]),
    tf.tensor2d([[1], [10], [100]]),
    tf.tensor1d([0.5]),
  ]);
  const data = { lookback: 2, features: 1 } as WindowedData;
  const req = { model, dense: model, architecture, data, seed: 1, train: noTraining };
  const pruned = await structured.run(req, structured.options.parse({ sparsity: 1 / 3, layers: ['dense'] }), stageContext(tf));
  expect(pruned.data).toEqual({ removed: { dense: [0] }, units: { dense: 3 } });
  expect(pruned.layers[0]).toMatchObject({ layer: 'dense', total: 6, kept: 4 });
  const compact = await shrink.run({ original: model, pruned, architecture }, {}, stageContext(tf));
  expect(compact.architecture.name).toBe('tiny[dense:2]');
  const w = compact.model.getWeights().map((t) => Array.from(t.dataSync()));
  expect(w[0]).toEqual([2, 3, 5, 6]);
  expect(w[1].map((v) => +v.toFixed(6))).toEqual([0.2, 0.3]);
  expect(w[2]).toEqual([10, 100]);
  expect(w[3][0]).toBeCloseTo(0.5 + 0.5 * 1, 6); // bias + sigmoid(0) · the removed unit's weight
  const x = tf.tensor3d([1, 1, -2, 0.5], [2, 2, 1]);
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  const expected = [
    [1, 1],
    [-2, 0.5],
  ].map(([a, b]) => 0.5 * 1 + 10 * sig(2 * a + 5 * b + 0.2) + 100 * sig(3 * a + 6 * b + 0.3) + 0.5);
  const masked = Array.from((pruned.model.predict(x) as InstanceType<Tf['Tensor']>).dataSync());
  const small = Array.from((compact.model.predict(x) as InstanceType<Tf['Tensor']>).dataSync());
  expected.forEach((e, i) => {
    expect(masked[i]).toBeCloseTo(e, 4);
    expect(small[i]).toBeCloseTo(masked[i], 5);
  });
  expect(compact.model.countParams()).toBe(2 * 2 + 2 + 2 + 1);
});

test('quantisation-aware fine-tuning needs a fine-tuning: qat without finetuneEpochs is refused at its path', () => {
  const issues = structured.options.safeParse({ sparsity: 0.5, qat: 'int8' }).error?.issues ?? [];
  expect(issues.map((i) => [i.path.join('.'), i.message])).toEqual([
    ['qat', 'quantisation-aware retraining needs a retraining: set finetuneEpochs above 0, or leave qat out'],
  ]);
  expect(structured.options.safeParse({ sparsity: 0.5, qat: 'int8', finetuneEpochs: 2 }).success).toBe(true);
  // Left out, it is not in the options at all: existing specs keep their run ids.
  expect('qat' in structured.options.parse({ sparsity: 0.5 })).toBe(false);
});

test("the output layer cannot be pruned, and the compactor needs its pruner's data", async () => {
  const model = buildModel(tf, architecture, [2, 1], 1);
  const req = { model, dense: model, architecture, data: { lookback: 2, features: 1 } as WindowedData, seed: 1, train: noTraining };
  await expect(structured.run(req, structured.options.parse({ layers: ['dense_1'] }), stageContext(tf))).rejects.toThrow(
    'it cannot remove units of "dense_1": it is the output layer',
  );
  const pruned = { model, layers: [] };
  expect(() => shrink.run({ original: model, pruned, architecture }, {}, stageContext(tf))).toThrow('needs `data.removed`');
});

test.each([
  [
    'a GRU returning sequences into an LSTM',
    [
      { type: 'gru', units: 5, returnSequences: true },
      { type: 'lstm', units: 4 },
      { type: 'dense', units: 3, activation: 'sigmoid' },
      { type: 'dense', units: 1 },
    ],
  ],
  [
    'a simple RNN (relu) into a flatten',
    [{ type: 'simpleRnn', units: 4, returnSequences: true, activation: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 1 }],
  ],
  // A bidirectional unit goes from both directions; its merged channels (both halves, concatenated) with it.
  [
    'a bidirectional LSTM (concatenated sequences) into a bidirectional GRU (summed)',
    [
      { type: 'bidirectional', layer: { type: 'lstm', units: 5, returnSequences: true } },
      { type: 'bidirectional', layer: { type: 'gru', units: 4 }, mergeMode: 'sum' },
      { type: 'dense', units: 3, activation: 'tanh' },
      { type: 'dense', units: 1 },
    ],
  ],
  [
    'bidirectional simple RNNs, averaged into multiplied',
    [
      { type: 'bidirectional', layer: { type: 'simpleRnn', units: 4, returnSequences: true }, mergeMode: 'ave' },
      { type: 'bidirectional', layer: { type: 'simpleRnn', units: 5 }, mergeMode: 'mul' },
      { type: 'dense', units: 1 },
    ],
  ],
])('recurrent units (all their gates) go, and the smaller model computes what the masked one does: %s', async (_, layers) => {
  const arch: Architecture = { name: 'rnn', layers: layers as Architecture['layers'] };
  const model = buildModel(tf, arch, [6, 2], 3);
  // Away from initialisation: every weight drawn, so removed gates would show if they leaked.
  const random = mulberry32(4);
  const weights = model.getWeights().map((w) =>
    tf.tensor(
      Float32Array.from({ length: w.size }, () => random() - 0.5),
      w.shape,
    ),
  );
  model.setWeights(weights);
  const data = { lookback: 6, features: 2 } as WindowedData;
  const pruned = await structured.run(
    { model, dense: model, architecture: arch, data, seed: 1, train: noTraining },
    structured.options.parse({ sparsity: 0.4 }),
    stageContext(tf),
  );
  // Every hidden recurrent (and dense) layer loses 40% of its units, rounded.
  const { removed, units } = pruned.data as { removed: Record<string, number[]>; units: Record<string, number> };
  for (const [name, gone] of Object.entries(removed)) expect(gone.length).toBe(Math.round(0.4 * units[name]));
  const compact = await shrink.run({ original: model, pruned, architecture: arch }, {}, stageContext(tf));
  expect(compact.model.countParams()).toBeLessThan(model.countParams());
  const x = tf.tensor3d(
    Float32Array.from({ length: 5 * 12 }, () => random() * 2 - 1),
    [5, 6, 2],
  );
  const masked = (pruned.model.predict(x) as InstanceType<Tf['Tensor']>).dataSync();
  const small = (compact.model.predict(x) as InstanceType<Tf['Tensor']>).dataSync();
  masked.forEach((m, i) => expect(Math.abs(m - small[i])).toBeLessThan(1e-5));
  tf.dispose(weights);
});

test('a simple RNN whose activation is not 0 at 0 cannot lose units', async () => {
  const arch: Architecture = {
    name: 'rnn',
    layers: [
      { type: 'simpleRnn', units: 4, activation: 'sigmoid' },
      { type: 'dense', units: 1 },
    ],
  };
  const model = buildModel(tf, arch, [6, 2], 3);
  const pruned = await structured.run(
    { model, dense: model, architecture: arch, data: { lookback: 6, features: 2 } as WindowedData, seed: 1, train: noTraining },
    structured.options.parse({ sparsity: 0.5 }),
    stageContext(tf),
  );
  expect(() => shrink.run({ original: model, pruned, architecture: arch }, {}, stageContext(tf))).toThrow(
    'cannot remove units of simpleRnn layer "simpleRnn": its activation is not 0 at 0',
  );
});

test('a fine-tuning that fails (a dead model) leaves no tensor of the pruner behind', async () => {
  const model = buildModel(tf, architecture, [2, 1], 1);
  const req = {
    model,
    dense: model,
    architecture,
    data: { lookback: 2, features: 1 } as WindowedData,
    seed: 1,
    train: () => Promise.reject(new Error('the trained model is dead')),
  };
  const before = tf.memory().numTensors;
  await expect(
    structured.run(req, structured.options.parse({ sparsity: 0.5, layers: ['dense'], finetuneEpochs: 2 }), stageContext(tf)),
  ).rejects.toThrow('dead');
  expect(tf.memory().numTensors).toBe(before);
  model.dispose();
});

test('removed filters cannot pass a layer whose kind has no shrink (layer normalisation mixes the channels): refused, naming it', async () => {
  const arch: Architecture = {
    name: 'normed',
    layers: [
      { type: 'conv1d', filters: 4, kernelSize: 2, activation: 'relu' },
      { type: 'layerNormalization' },
      { type: 'flatten' },
      { type: 'dense', units: 1 },
    ],
  };
  const model = buildModel(tf, arch, [6, 1], 3);
  // The pruner knows before it prunes: nothing here can shrink.
  const req = { model, dense: model, architecture: arch, data: { lookback: 6, features: 1 } as WindowedData, seed: 1, train: noTraining };
  await expect(structured.run(req, structured.options.parse({ layers: ['conv1d'] }), stageContext(tf))).rejects.toThrow(
    'it cannot remove units of "conv1d": its removed units would reach "layerNormalization" (layerNormalization), which structured compaction cannot pass them through',
  );
  // The compactor, handed such units by another pruner, says the same naming the kind.
  const pruned = { model, layers: [], data: { removed: { conv1d: [0, 1] } } };
  expect(() => shrink.run({ original: model, pruned, architecture: arch }, {}, stageContext(tf))).toThrow(
    'structured compaction cannot pass removed units through layer "layerNormalization" (layerNormalization): its kind has no shrink',
  );
  model.dispose();
});

test("through residual blocks: a block's inner layers shrink, what meets the skip does not, and the small model computes what the masked one does", async () => {
  const arch: Architecture = {
    name: 'tcn',
    layers: [
      { type: 'conv1d', filters: 4, kernelSize: 1, activation: 'relu' },
      {
        type: 'residual',
        layers: [
          { type: 'conv1d', filters: 6, kernelSize: 3, padding: 'causal', activation: 'relu' },
          { type: 'dropout', rate: 0.1 },
          { type: 'conv1d', filters: 4, kernelSize: 3, dilationRate: 2, padding: 'causal', activation: 'relu' },
        ],
      },
      { type: 'residual', layers: [{ type: 'conv1d', filters: 5, kernelSize: 3, padding: 'same', activation: 'relu' }] },
      { type: 'flatten' },
      { type: 'dense', units: 8, activation: 'relu' },
      { type: 'dense', units: 1 },
    ],
  };
  expect(shrinkableLayers(arch.layers)).toEqual([
    { name: 'conv1d', ok: false, why: 'it feeds the residual block "residual", whose skip needs its channels too' },
    { name: 'conv1d_1', ok: true },
    { name: 'conv1d_2', ok: false, why: "it is its residual block's last layer with units: its channels meet the skip in the sum" },
    { name: 'conv1d_3', ok: false, why: "it is its residual block's last layer with units: its channels meet the skip in the sum" },
    { name: 'dense', ok: true },
    { name: 'dense_1', ok: false, why: 'it is the output layer' },
  ]);
  const model = buildModel(tf, arch, [8, 1], 3);
  const random = mulberry32(9);
  model.setWeights(
    model.getWeights().map((w, i) =>
      i >= 0
        ? tf.tensor(
            Float32Array.from({ length: w.size }, () => random() - 0.3),
            w.shape,
          )
        : w,
    ),
  );
  const data = { lookback: 8, features: 1 } as WindowedData;
  const pruned = await structured.run(
    { model, dense: model, architecture: arch, data, seed: 1, train: noTraining },
    structured.options.parse({ sparsity: 0.5 }),
    stageContext(tf),
  );
  expect(Object.keys((pruned.data as { removed: object }).removed).sort()).toEqual(['conv1d_1', 'dense']);
  const compact = await shrink.run({ original: model, pruned, architecture: arch }, {}, stageContext(tf));
  expect(compact.architecture.name).toBe('tcn[conv1d_1:3,dense:4]');
  expect(compact.model.countParams()).toBeLessThan(model.countParams());
  const x = tf.tensor3d(
    Float32Array.from({ length: 5 * 8 }, () => random() * 2 - 1),
    [5, 8, 1],
  );
  const masked = (pruned.model.predict(x) as InstanceType<Tf['Tensor']>).dataSync();
  const small = (compact.model.predict(x) as InstanceType<Tf['Tensor']>).dataSync();
  masked.forEach((m, i) => expect(Math.abs(m - small[i])).toBeLessThan(1e-5));
  [model, pruned.model, compact.model].forEach((m) => m.dispose());
});
