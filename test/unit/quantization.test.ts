/**
 * @jest-environment ./test/helpers/host-typed-arrays.environment.cjs
 */
// Post-training quantisation (plugin/quantization.ts, plugins/compact/quantize.ts): the arithmetic
// by hand, and the quantised model as ONNX: int8 weights with DequantizeLinear (or float16 with a
// Cast) that ONNX Runtime runs, with the outputs runexp evaluated.
import { loadBackend } from '../../src/execute/backend.ts';
import { buildModel } from '../../src/plugin/kit/model.ts';
import { exportOnnx, onnxSession } from '../../src/plugin/kit/onnx.ts';
import { modelProto } from '../../src/plugin/onnx/schema.ts';
import type { Architecture, LayersModel, Tf, WindowedData } from '../../src/plugin/index.ts';
import {
  dequantizeInt8,
  type ModelQuantization,
  quantizeInt8,
  roundHalfEven,
  roundToFloat16,
  storedWeights,
  toFloat16Bits,
} from '../../src/plugin/quantization.ts';
import quantize, { percentileRange } from '../../src/plugins/compact/quantize.ts';
import { fakeQuantHooks } from '../../src/plugin/qat.ts';
import { mulberry32 } from '../../src/plugin/kit/data.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadBackend('wasm')).tf;
});

test('int8 per tensor: one scale max|w|/127, values rounded to the nearest step, zeros kept', () => {
  const { q, scales } = quantizeInt8(Float32Array.from([0.5, -1.27, 0, 0.254]), 2, 'per-tensor');
  expect(scales).toEqual([Math.fround(1.27 / 127)]);
  // 0.5 / 0.01 = 50; −1.27 is the largest: −127; 0.254 / 0.01 = 25.4 → 25.
  expect(Array.from(q)).toEqual([50, -127, 0, 25]);
  expect(Array.from(dequantizeInt8(q, scales, 2))).toEqual([50, -127, 0, 25].map((v) => Math.fround(v * scales[0])));
});

test('int8 per channel: a scale per output channel (the last axis); ties round to even', () => {
  // [[1, 2], [−0.5, 4]]: channel 0 holds 1 and −0.5, channel 1 holds 2 and 4.
  const { q, scales } = quantizeInt8(Float32Array.from([1, 2, -0.5, 4]), 2, 'per-channel');
  expect(scales).toEqual([Math.fround(1 / 127), Math.fround(4 / 127)]);
  // 2 / (4/127) = 63.5 → 64 and −0.5 / (1/127) = −63.5 → −64 (to even), if the scales' rounding keeps them at .5.
  expect(Array.from(q)).toEqual([127, Math.round(2 / scales[1]), roundHalfEven(-0.5 / scales[0]), 127]);
  expect(Array.from(q).slice(1, 3).map(Math.abs)).toEqual([64, 64]);
  // A channel that is all zeros (pruned away) stays zero.
  expect(Array.from(quantizeInt8(Float32Array.from([0, 1, 0, -1]), 2, 'per-channel').q)).toEqual([0, 127, 0, -127]);
});

test('round half to even', () => {
  expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, -3]);
});

test('float16: nearest half-precision value, ties to even, overflow to infinity, subnormals, −0 and NaN', () => {
  const bits = (values: number[]) => Array.from(toFloat16Bits(Float32Array.from(values)));
  expect(bits([1, -2, 65504, 65520, 2 ** -24, 2 ** -25, 1 + 2 ** -11, 1 + 3 * 2 ** -11, -0, Number.NaN, 0.1])).toEqual([
    0x3c00, 0xc000, 0x7bff, 0x7c00, 0x0001, 0x0000, 0x3c00, 0x3c02, 0x8000, 0x7e00, 0x2e66,
  ]);
  expect(Array.from(roundToFloat16(Float32Array.from([0.1, 65504, 2 ** -24])))).toEqual([0.0999755859375, 65504, 2 ** -24]);
});

const paper: Architecture = {
  name: 'paper',
  layers: [
    { type: 'conv1d', filters: 5, kernelSize: 1, strides: 1, activation: 'relu' },
    { type: 'flatten' },
    { type: 'dense', units: 120, activation: 'relu' },
    { type: 'dense', units: 1, activation: 'linear' },
  ],
};

/** The paper's model with random weights and 35% of the first dense kernel pruned. */
function prunedPaperModel(): LayersModel {
  const model = buildModel(tf, paper, [14, 1], 0);
  const random = mulberry32(3);
  const weights = model.getWeights().map((w) =>
    tf.tensor(
      Float32Array.from({ length: w.size }, () => (random() < 0.35 ? 0 : random() - 0.5)),
      w.shape,
    ),
  );
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

async function quantized(model: LayersModel, bits: 8 | 16, scheme: 'per-channel' | 'per-tensor') {
  const ctx = { tf, seed: 1, random: mulberry32(1), log: () => {} };
  const result = await quantize.run(
    { original: model, pruned: { model, layers: [] }, architecture: paper },
    { bits, scheme, activations: 'none' },
    ctx,
  );
  return result as { model: LayersModel; quantization: ModelQuantization };
}

test('the quantize compactor quantises every dense and conv1d kernel, keeps biases and zeros, and says how', async () => {
  const model = prunedPaperModel();
  const { model: compact, quantization } = await quantized(model, 8, 'per-channel');
  expect(quantization.weights.map((w) => [w.layer, w.weight, w.scales.length])).toEqual([
    ['conv1d', 'kernel', 5],
    ['dense', 'kernel', 120],
    ['dense_1', 'kernel', 1],
  ]);
  const [before, after] = [model, compact].map((m) => m.getWeights().map((w) => Array.from(w.dataSync())));
  const kernel = after[2]; // dense kernel [70, 120]
  // Pruned zeros stay zero (weights smaller than half a step become zero too).
  expect(before[2].every((v, i) => v !== 0 || kernel[i] === 0)).toBe(true);
  expect(kernel.filter((v) => v === 0).length).toBeGreaterThanOrEqual(before[2].filter((v) => v === 0).length);
  expect(after[3]).toEqual(before[3]); // its bias, untouched
  // Every kernel value is a multiple of its channel's scale, within 127 steps.
  const scales = quantization.weights[1].scales;
  for (let i = 0; i < kernel.length; i++) {
    const steps = kernel[i] / scales[i % 120];
    expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-4);
    expect(Math.abs(steps)).toBeLessThanOrEqual(127.0001);
  }
  // Stored: int8 kernels (5 + 8,400 + 120) plus 126 float32 scales, and float32 biases (5 + 120 + 1).
  expect(storedWeights(compact, quantization).length).toBe(8525 + 126 * 4 + 126 * 4);
});

function opsAndTypes(bytes: Uint8Array) {
  const decoded = modelProto().toObject(modelProto().decode(bytes), { longs: Number }) as {
    graph: { node: { opType: string }[]; initializer: { name: string; dataType: number }[] };
  };
  return {
    ops: decoded.graph.node.map((n) => n.opType),
    types: Object.fromEntries(decoded.graph.initializer.map((i) => [i.name, i.dataType])),
  };
}

test.each([
  [8, 'per-channel', 1e-5],
  [8, 'per-tensor', 1e-5],
  [16, 'per-channel', 1e-5],
] as const)(
  '%i-bit %s weights export as stored and run on ONNX Runtime with the evaluated outputs (within %f)',
  async (bits, scheme, tolerance) => {
    const { model, quantization } = await quantized(prunedPaperModel(), bits, scheme);
    const bytes = exportOnnx(model, undefined, quantization);
    const { ops, types } = opsAndTypes(bytes);
    if (bits === 8) {
      expect(ops.filter((o) => o === 'DequantizeLinear')).toHaveLength(3);
      expect(types['dense/kernel_quantized']).toBe(3); // int8
    } else {
      expect(ops.filter((o) => o === 'Cast')).toHaveLength(3);
      expect(types['dense/kernel_float16']).toBe(10); // float16
    }
    expect(types['dense/kernel']).toBeUndefined(); // no float copy left behind
    // Smaller than the float32 file: int8 about a quarter of the weights' bytes, float16 half.
    expect(bytes.length).toBeLessThan(exportOnnx(model).length * (bits === 8 ? 0.35 : 0.55));
    const x = Float32Array.from({ length: 64 * 14 }, (_, i) => Math.sin(i) * 0.5 + 0.5);
    const session = await onnxSession(bytes);
    const onnx = await session.predict(x, 64, 14, 1);
    await session.release();
    const tfjs = tf.tidy(() => (model.predict(tf.tensor3d(x, [64, 14, 1])) as ReturnType<Tf['tensor']>).dataSync());
    let difference = 0;
    for (let i = 0; i < tfjs.length; i++) difference = Math.max(difference, Math.abs(onnx[i] - tfjs[i]));
    expect(difference).toBeLessThan(tolerance);
  },
);

test.each(['lstm', 'gru'])(
  'a %s layer: its input and recurrent kernels are stored int8 per channel, as W and R with the gates reordered, and ORT agrees',
  async (type) => {
    const architecture: Architecture = {
      name: type,
      layers: [
        { type, units: 6 },
        { type: 'dense', units: 1 },
      ],
    };
    const model = buildModel(tf, architecture, [14, 1], 0);
    const ctx = { tf, seed: 1, random: mulberry32(1), log: () => {} };
    const { model: compact, quantization } = (await quantize.run(
      { original: model, pruned: { model, layers: [] }, architecture },
      { bits: 8, scheme: 'per-channel', activations: 'none' },
      ctx,
    )) as { model: LayersModel; quantization: ModelQuantization };
    const gates = type === 'lstm' ? 4 : 3;
    expect(quantization.weights.map((w) => [w.layer, w.weight, w.scales.length])).toEqual([
      [type, 'kernel', gates * 6],
      [type, 'recurrentKernel', gates * 6],
      ['dense', 'kernel', 1],
    ]);
    const bytes = exportOnnx(compact, undefined, quantization);
    const { types } = opsAndTypes(bytes);
    expect([types[`${type}/W_quantized`], types[`${type}/R_quantized`], types[`${type}/W`]]).toEqual([3, 3, undefined]);
    // Had a scale landed on the wrong gate's rows, the int8 values written would not be q and ORT would differ.
    const x = Float32Array.from({ length: 32 * 14 }, (_, i) => Math.sin(i));
    const session = await onnxSession(bytes);
    const onnx = await session.predict(x, 32, 14, 1);
    await session.release();
    const tfjs = tf.tidy(() => (compact.predict(tf.tensor3d(x, [32, 14, 1])) as ReturnType<Tf['tensor']>).dataSync());
    for (let i = 0; i < tfjs.length; i++) expect(Math.abs(onnx[i] - tfjs[i])).toBeLessThan(1e-5);
    // QAT trains through the same weights: the recurrent kernel lands on its int8 grid.
    fakeQuantHooks(tf).onTrainBegin!(model);
    const recurrent = model.getLayer(type).getWeights()[1].dataSync();
    const { scales } = quantizeInt8(Float32Array.from(recurrent), gates * 6, 'per-channel');
    for (let i = 0; i < recurrent.length; i++) {
      const steps = recurrent[i] / scales[i % (gates * 6)];
      expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-4);
    }
  },
);

test('int8 activations are refused for recurrent layers (ORT has no int8 kernel for them) and residual blocks', () => {
  const o = quantize.options.parse({ activations: 'int8' });
  const lstm = {
    name: 'lstm',
    layers: [
      { type: 'lstm', units: 8 },
      { type: 'dense', units: 1 },
    ],
  };
  expect(quantize.refuses!(lstm, o)?.problem).toBe(
    'its lstm layer has no int8 kernel on ONNX Runtime for int8 activations (its weights can be int8)',
  );
  expect(quantize.refuses!(lstm, quantize.options.parse({}))).toBeUndefined();
  expect(quantize.refuses!(paper, o)).toBeUndefined();
});

test('a fakeQuantize layer rounds to its uint8 grid and back, as QuantizeLinear → DequantizeLinear on ONNX Runtime', async () => {
  const model = buildModel(tf, { name: 'fq', layers: [{ type: 'fakeQuantize', scale: 0.25, zeroPoint: 3 }] }, [5, 1], 0);
  const x = Float32Array.from([-1, 0.125, 0.375, 0.6, 100]);
  // x / 0.25 = −4, 0.5, 1.5, 2.4, 400 → to even: −4, 0, 2, 2, 400 → + 3, clamped to [0, 255]: 0, 3, 5, 5, 255 → (q − 3)·0.25.
  const expected = [-0.75, 0, 0.5, 0.5, 63];
  const tfjs = tf.tidy(() => Array.from((model.predict(tf.tensor3d(x, [1, 5, 1])) as ReturnType<Tf['tensor']>).dataSync()));
  expect(tfjs).toEqual(expected);
  const session = await onnxSession(exportOnnx(model));
  expect(Array.from(await session.predict(x, 1, 5, 1))).toEqual(expected);
  await session.release();
});

test('int8 activations: a calibrated fakeQuantize before each quantised layer, 7-bit weights, and ORT computes the model runexp evaluates', async () => {
  const model = prunedPaperModel();
  const random = mulberry32(4);
  const count = 200;
  const train = Float32Array.from({ length: count * 14 }, () => random());
  const data = { train: { x: train, count }, lookback: 14, features: 1 } as unknown as WindowedData;
  const ctx = { tf, seed: 1, random: mulberry32(1), log: () => {} };
  const {
    model: compact,
    architecture,
    quantization,
  } = (await quantize.run(
    { original: model, pruned: { model, layers: [] }, architecture: paper, data },
    { bits: 8, scheme: 'per-channel', activations: 'int8' },
    ctx,
  )) as { model: LayersModel; architecture: Architecture; quantization: ModelQuantization };
  expect(architecture.name).toBe('paper+a8');
  expect(architecture.layers.map((l) => l.type)).toEqual([
    'fakeQuantize',
    'conv1d',
    'flatten',
    'fakeQuantize',
    'dense',
    'fakeQuantize',
    'dense',
  ]);
  // The windows' range [min, max] widened to hold 0: scale max/255, zero point 0 for non-negative inputs.
  const max = train.reduce((m, v) => Math.max(m, v), 0);
  expect(architecture.layers[0]).toEqual({ type: 'fakeQuantize', scale: Math.fround(max / 255), zeroPoint: 0 });
  expect(quantization.weightLimit).toBe(63);
  const kernel = compact.getLayer('dense').getWeights()[0].dataSync();
  const scales = quantization.weights[1].scales;
  expect(Math.max(...Array.from(kernel, (v, i) => Math.abs(Math.round(v / scales[i % 120]))))).toBe(63);
  const x = Float32Array.from({ length: 64 * 14 }, () => random());
  const tfjs = tf.tidy(() => (compact.predict(tf.tensor3d(x, [64, 14, 1])) as ReturnType<Tf['tensor']>).dataSync());
  const session = await onnxSession(exportOnnx(compact, undefined, quantization));
  const onnx = await session.predict(x, 64, 14, 1);
  await session.release();
  let difference = 0;
  for (let i = 0; i < tfjs.length; i++) difference = Math.max(difference, Math.abs(onnx[i] - tfjs[i]));
  expect(difference).toBeLessThan(1e-2);
});

test('percentile calibration: the (100 − p)th and pth percentiles at their nearest ranks outward; 100 is min and max', () => {
  const values = Float32Array.from({ length: 101 }, (_, i) => 100 - i);
  expect(percentileRange(values, 99)).toEqual([1, 99]);
  expect(percentileRange(values, 90)).toEqual([10, 90]);
  expect(percentileRange(values)).toEqual([0, 100]);
  // 1,000 values: 99.99% reaches past the last rank on both sides, so nothing is clipped.
  expect(
    percentileRange(
      Float32Array.from({ length: 1000 }, (_, i) => i),
      99.99,
    ),
  ).toEqual([0, 999]);
  // One outlier among 1,000: 99.8% leaves it out.
  const spiky = Float32Array.from({ length: 1000 }, (_, i) => (i === 500 ? 1e6 : i % 10));
  expect(percentileRange(spiky, 99.8)).toEqual([0, 9]);
});

test('percentile calibration is recorded; percentile without it, or outside (50, 100), is refused', async () => {
  const model = prunedPaperModel();
  const random = mulberry32(5);
  const train = Float32Array.from({ length: 100 * 14 }, () => random());
  const data = { train: { x: train, count: 100 }, lookback: 14, features: 1 } as unknown as WindowedData;
  const ctx = { tf, seed: 1, random: mulberry32(1), log: () => {} };
  const options = quantize.options.parse({ activations: 'int8', calibration: 'percentile', percentile: 99 });
  const { quantization, architecture } = (await quantize.run(
    { original: model, pruned: { model, layers: [] }, architecture: paper, data },
    options,
    ctx,
  )) as { architecture: Architecture; quantization: ModelQuantization };
  expect(quantization.calibration).toBe('percentile 99');
  // The first input's range is the windows' 99th percentile (uniform on [0, 1): near 0.99), not their max.
  const [, hi] = percentileRange(train, 99);
  expect(architecture.layers[0]).toEqual({ type: 'fakeQuantize', scale: Math.fround(hi / 255), zeroPoint: 0 });
  expect(hi).toBeLessThan(Math.max(...train));
  const message = (o: object) => quantize.options.safeParse(o).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  expect(message({ activations: 'int8', percentile: 99 })).toEqual([
    'percentile: percentile sets the percentile calibration: add calibration: percentile, or leave percentile out',
  ]);
  expect(message({ activations: 'int8', calibration: 'percentile', percentile: 100 })?.[0]).toMatch(/^percentile: .*100/);
});

test('QAT hooks: kernels stay on the int8 grid, and steps smaller than a grid step add up in the float shadow (straight-through)', async () => {
  const model = buildModel(tf, { name: 'one', layers: [{ type: 'dense', units: 2, activation: 'linear' }] }, [1, 2], 0);
  // Kernel [[1, 0.5], [0.25, −1]] (2 inputs × 2 units): each unit's largest |w| is 1, so its scale is 1/127.
  model.setWeights([tf.tensor([1, 0.5, 0.25, -1], [2, 2]), tf.zeros([2])]);
  const hooks = fakeQuantHooks(tf);
  await hooks.onTrainBegin!(model);
  const kernel = () => Array.from(model.getWeights()[0].dataSync());
  const step = Math.fround(1 / 127);
  const onGrid = (v: number) => Math.abs(v / step - Math.round(v / step)) < 1e-3;
  expect(kernel().every(onGrid)).toBe(true);
  expect(kernel()[1]).toBe(Math.fround(64 * step)); // 0.5 is just over 63.5 steps (the scale is rounded down): 64
  // Two "optimizer steps" of 0.3 grid steps each on weight 2 (0.25 = 31.75 steps, shown as 32).
  for (let i = 0; i < 2; i++) {
    const now = kernel();
    now[2] += 0.3 * step;
    model.setWeights([tf.tensor(now, [2, 2]), tf.zeros([2])]);
    await hooks.onBatchEnd!(model, i);
  }
  // F = 31.75 + 0.6 = 32.35 steps → 32; a third step crosses 32.5: the rounded model alone never would.
  expect(Math.round(kernel()[2] / step)).toBe(32);
  const now = kernel();
  now[2] += 0.3 * step;
  model.setWeights([tf.tensor(now, [2, 2]), tf.zeros([2])]);
  await hooks.onBatchEnd!(model, 2);
  expect(Math.round(kernel()[2] / step)).toBe(33);
  expect(kernel().every(onGrid)).toBe(true);
  // A weight that is not zero never rounds to zero (zero is the pruned weights'): 0.1 step shows as 1.
  model.setWeights([tf.tensor([1, 0.1 * step, 0, -1], [2, 2]), tf.zeros([2])]);
  await hooks.onTrainBegin!(model);
  expect(kernel().map((v) => Math.round(v / step))).toEqual([127, 1, 0, -127]);
});
