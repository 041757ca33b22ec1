/**
 * @jest-environment ./test/helpers/host-typed-arrays.environment.cjs
 */
// The layer registry (src/plugin/layers/): each kind's declared shapes and weights match what tfjs
// builds, seeds fix every initialiser, MACs are exact (hand-computed), masks address weights by
// name and the kind-neutral selectors span architectures. ONNX export of every kind is in
// onnx-export.test.ts.
import { loadBackend } from '../../src/execute/backend.ts';
import { loadModel, modelFiles } from '../../src/execute/model-files.ts';
import { applyMasks, resolveTargetLayers, resolveTargets, weightValues } from '../../src/plugin/kit/prune.ts';
import { buildModel, kindOfLayer, layerKind, macsOf } from '../../src/plugin/kit/model.ts';
import { mulberry32 } from '../../src/plugin/kit/data.ts';
import type { LayerSpec, Tf } from '../../src/plugin/index.ts';
import { EVERY_KIND, EVERY_LAYER } from '../helpers/architectures.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadBackend('wasm')).tf;
});

const build = (layers: LayerSpec[], input: [number, number] = [14, 2], seed = 3) => buildModel(tf, { name: 'm', layers }, input, seed);

const SEQUENTIAL = Object.entries({ ...EVERY_LAYER, ...EVERY_KIND }).filter(([, layers]) => !layers.some((l) => l.type === 'residual'));

test.each(SEQUENTIAL)('%s: the kinds declare the shapes and weights tfjs builds', (_, layers) => {
  const model = build(layers);
  let shape = [14, 2];
  model.layers.forEach((layer, i) => {
    const kind = kindOfLayer(layer);
    expect(kind).toBe(layerKind(layers[i].type));
    shape = kind.outputShape(
      shape,
      kind.options.parse(Object.fromEntries(Object.entries(layers[i]).filter(([k]) => k !== 'type'))),
    ) as number[];
    expect(shape).toEqual((layer.outputShape as number[]).slice(1));
    expect(kind.weights(layer)).toHaveLength(layer.getWeights().length);
  });
  model.dispose();
});

test('the same seed gives the same initial weights, recurrent kernels included; another seed others', () => {
  const layers = EVERY_KIND['lstm returning sequences, then gru'];
  const [a, b, c] = [build(layers, [14, 2], 5), build(layers, [14, 2], 5), build(layers, [14, 2], 6)];
  const values = (m: typeof a) => m.getWeights().map((w) => Array.from(w.dataSync() as Float32Array));
  expect(values(a)).toEqual(values(b));
  // Kernel and recurrent kernel of the LSTM and the GRU: every one differs with the seed.
  for (const i of [0, 1, 3, 4]) expect(values(a)[i]).not.toEqual(values(c)[i]);
  [a, b, c].forEach((m) => m.dispose());
});

test('MACs per window are exact for recurrent, bidirectional, dilated and normalised layers', () => {
  // LSTM(8) on 14 steps × 1 feature: kernel 1×32 and recurrent kernel 8×32, each used every step:
  // 14 · (32 + 256) = 4,032; then Dense(1) on 8 inputs: 8. Total 4,040.
  const lstm = build(
    [
      { type: 'lstm', units: 8 },
      { type: 'dense', units: 1 },
    ],
    [14, 1],
  );
  expect(macsOf(lstm)).toEqual({ macs: 4040, nonzeroMacs: 4040 });
  // GRU(4) on 14 × 2: 14 · (2·12 + 4·12) = 1,008; Dense(1): 4. Total 1,012.
  const gru = build(
    [
      { type: 'gru', units: 4 },
      { type: 'dense', units: 1 },
    ],
    [14, 2],
  );
  expect(macsOf(gru).macs).toBe(1012);
  // Conv1D(3 filters, kernel 3, dilation 2) spans 5 steps of 14: 10 outputs × 9 kernel weights = 90;
  // batch norm scales 10 × 3 values (one multiply each) = 30; Dense(1) on 30 inputs: 30. Total 150.
  const conv = build(
    [
      { type: 'conv1d', filters: 3, kernelSize: 3, dilationRate: 2 },
      { type: 'batchNormalization' },
      { type: 'flatten' },
      { type: 'dense', units: 1 },
    ],
    [14, 1],
  );
  expect(macsOf(conv).macs).toBe(150);
  // Bidirectional LSTM(4) on 6 × 2, each direction 6 · (2·16 + 4·16) = 576: 1,152; Dense(1) on the
  // 8 concatenated outputs: 8. Total 1,160.
  const both = build(
    [
      { type: 'bidirectional', layer: { type: 'lstm', units: 4 } },
      { type: 'dense', units: 1 },
    ],
    [6, 2],
  );
  expect(macsOf(both).macs).toBe(1160);
  [lstm, gru, conv, both].forEach((m) => m.dispose());
});

test("masks address weights by name: a recurrent kernel is pruned, the kernel beside it is not; an unknown name lists the layer's weights", () => {
  const model = build(
    [
      { type: 'lstm', units: 2 },
      { type: 'dense', units: 1 },
    ],
    [14, 1],
  );
  const kernel = weightValues(model, 'lstm', 'kernel');
  const keep = Uint8Array.from({ length: 2 * 8 }, (_, i) => i % 2);
  applyMasks(tf, model, [{ layer: 'lstm', weight: 'recurrentKernel', keep }]);
  const recurrent = weightValues(model, 'lstm', 'recurrentKernel');
  expect(recurrent.filter((w, i) => i % 2 === 0 && w !== 0)).toHaveLength(0);
  expect(recurrent.filter((w, i) => i % 2 === 1 && w !== 0)).toHaveLength(8);
  expect(weightValues(model, 'lstm', 'kernel')).toEqual(kernel);
  expect(() => applyMasks(tf, model, [{ layer: 'lstm', weight: 'gamma', keep }])).toThrow(
    expect.objectContaining({
      message: 'layer "lstm" (lstm) has no weight named "gamma"',
      hint: 'its weights: kernel, recurrentKernel, bias',
    }),
  );
  model.dispose();
});

test("first and hidden pick layers with kernels of any kind; the -dense selectors keep the paper's meaning", () => {
  const model = build(
    [
      { type: 'lstm', units: 4, returnSequences: true },
      { type: 'dropout', rate: 0.1 },
      { type: 'gru', units: 3 },
      { type: 'dense', units: 2 },
      { type: 'dense', units: 1 },
    ],
    [14, 1],
  );
  expect(resolveTargetLayers(model, 'first')).toEqual(['lstm']);
  expect(resolveTargetLayers(model, 'hidden')).toEqual(['lstm', 'gru', 'dense']);
  expect(resolveTargetLayers(model, 'first-dense')).toEqual(['dense']);
  expect(resolveTargetLayers(model, 'hidden-dense')).toEqual(['dense']);
  expect(() => resolveTargetLayers(model, ['dropout'])).toThrow('layer "dropout" has no weights to prune');
  model.dispose();
});

test('a dilated conv1d trains: its gradients equal those of the plain convolution with zeros between the taps', () => {
  const model = build(
    [{ type: 'conv1d', filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same' }, { type: 'flatten' }, { type: 'dense', units: 1 }],
    [14, 2],
  ); // registers the gradient
  model.dispose();
  const random = mulberry32(7);
  const values = (n: number) => Float32Array.from({ length: n }, () => random() - 0.5);
  const x = tf.tensor3d(values(2 * 14 * 2), [2, 14, 2]);
  const kernel = tf.tensor3d(values(3 * 2 * 4), [3, 2, 4]);
  const weight = tf.tensor3d(values(2 * 14 * 4), [2, 14, 4]);
  // The same kernel written out over 5 steps: taps at 0, 2 and 4.
  const taps = kernel.arraySync() as number[][][];
  const zeros = taps[0].map((row) => row.map(() => 0));
  const spread = tf.tensor3d([taps[0], zeros, taps[1], zeros, taps[2]]);
  const loss = (dilation: number) => (xs: InstanceType<Tf['Tensor']>, k: InstanceType<Tf['Tensor']>) =>
    tf.sum(tf.mul(tf.conv1d(xs as never, k as never, 1, 'same', 'NWC', dilation), weight));
  const [dx, dk] = tf.grads(loss(2))([x, kernel]);
  const [dxPlain, dkPlain] = tf.grads(loss(1))([x, spread]);
  const close = (a: InstanceType<Tf['Tensor']>, b: InstanceType<Tf['Tensor']>) =>
    Math.max(...(tf.abs(tf.sub(a, b)).dataSync() as Float32Array));
  expect(close(dx, dxPlain)).toBeLessThan(1e-6);
  expect(close(dk, tf.gather(dkPlain, [0, 2, 4]))).toBeLessThan(1e-6);
  expect(Math.max(...(tf.abs(dk).dataSync() as Float32Array))).toBeGreaterThan(0.01);
});

test('a causal conv1d sees only the current and earlier steps (hand-computed), and its saved model loads again', async () => {
  const model = build([{ type: 'conv1d', filters: 1, kernelSize: 3, dilationRate: 2, padding: 'causal', activation: 'linear' }], [6, 1]);
  model.layers[0].setWeights([tf.tensor3d([[[1]], [[10]], [[100]]]), tf.tensor1d([0.5])]);
  const x = tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 6, 1]);
  // y_t = 1·x_{t-4} + 10·x_{t-2} + 100·x_t + 0.5, zeros before the window
  const expected = [100.5, 200.5, 310.5, 420.5, 531.5, 642.5];
  expect(Array.from((model.predict(x) as InstanceType<Tf['Tensor']>).dataSync())).toEqual(expected);
  const later = tf.tensor3d([1, 2, 3, 4, 5, 60], [1, 6, 1]);
  expect(Array.from((model.predict(later) as InstanceType<Tf['Tensor']>).dataSync()).slice(0, 5)).toEqual(expected.slice(0, 5));
  expect(kindOfLayer(model.layers[0]).type).toBe('conv1d');
  const { files } = await modelFiles(tf, model);
  const loaded = await loadModel(tf, files);
  expect(loaded.layers[0].getConfig()).toMatchObject({ padding: 'causal' });
  expect(Array.from((loaded.predict(x) as InstanceType<Tf['Tensor']>).dataSync())).toEqual(expected);
  tf.dispose([x, later]);
  model.dispose();
  loaded.dispose();
});

test("a pruner's targets: kernels and recurrent kernels by default, or the weights its `weights` option names", () => {
  const model = build(
    [
      { type: 'lstm', units: 4, returnSequences: true },
      { type: 'gru', units: 3 },
      { type: 'dense', units: 2 },
      { type: 'dense', units: 1 },
    ],
    [14, 1],
  );
  expect(resolveTargets(model, 'hidden')).toEqual(['lstm', 'lstm:recurrentKernel', 'gru', 'gru:recurrentKernel', 'dense']);
  expect(resolveTargets(model, 'first', ['recurrentKernel', 'bias'])).toEqual(['lstm:recurrentKernel', 'lstm:bias']);
  expect(() => resolveTargets(model, 'hidden', ['recurrentKernel'])).toThrow('layer "dense" (dense) has no weight named "recurrentKernel"');
  model.dispose();
});

test("a residual block adds its input to its layers' output (hand-computed), projecting it when the channels change", () => {
  // conv1d(1 filter, kernel 1, linear) with w = 2, b = 0.5 inside the block: each step x becomes
  // x + (2x + 0.5) = 3x + 0.5; then flatten and a dense summing the 3 steps.
  const model = build(
    [{ type: 'residual', layers: [{ type: 'conv1d', filters: 1, kernelSize: 1 }] }, { type: 'flatten' }, { type: 'dense', units: 1 }],
    [3, 1],
  );
  expect(model.layers.map((l) => `${l.name}:${kindOfLayer(l).type}`)).toEqual([
    'window:input',
    'conv1d:conv1d',
    'residual:add',
    'flatten:flatten',
    'dense:dense',
  ]);
  const weights = [tf.tensor3d([2], [1, 1, 1]), tf.tensor1d([0.5]), tf.tensor2d([1, 1, 1], [3, 1]), tf.tensor1d([0])];
  model.setWeights(weights);
  const out = model.predict(tf.tensor3d([1, 2, 3], [1, 3, 1])) as InstanceType<Tf['Tensor']>;
  expect(out.dataSync()[0]).toBeCloseTo(3 * (1 + 2 + 3) + 1.5, 5);
  model.dispose();
  // Channels 4 → 6 inside the second block: a linear 1×1 conv1d projects its input, and is a layer with a kernel like any other.
  const tcn = build(EVERY_KIND['dilated residual CNN: one block keeps its channels, one is projected'], [14, 1]);
  expect(tcn.layers.map((l) => l.name)).toEqual([
    'window',
    'conv1d',
    'conv1d_1',
    'conv1d_2',
    'residual',
    'conv1d_3',
    'dropout',
    'residual_1_projection',
    'residual_1',
    'globalAveragePooling1d',
    'dense',
    'residual_2_projection',
    'residual_2',
    'dense_1',
  ]);
  expect(resolveTargetLayers(tcn, 'hidden')).toEqual([
    'conv1d',
    'conv1d_1',
    'conv1d_2',
    'conv1d_3',
    'residual_1_projection',
    'dense',
    'residual_2_projection',
  ]);
  // MACs: 14·4 + 2·(14·48) + 14·72 + 14·24 (projection 4→6) + 18 + 18 (dense 6→3, projection 6→3) + 3.
  expect(macsOf(tcn).macs).toBe(14 * 4 + 2 * 14 * 48 + 14 * 72 + 14 * 24 + 18 + 18 + 3);
  tf.dispose(weights);
  tcn.dispose();
});
