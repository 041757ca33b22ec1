// The tape-free gradient pass (src/plugins/train/backprop.ts) against tfjs's own gradients
// (tf.variableGrads over model.apply and the loss tf.metrics computes): the same loss, and every
// weight's gradient within float32 rounding, for every layer, activation and loss runexp trains.
import { loadBackend } from '../../src/execute/backend.ts';
import { EVERY_LAYER } from '../helpers/architectures.ts';
import { buildModel } from '../../src/plugin/kit/model.ts';
import { mulberry32 } from '../../src/plugin/kit/data.ts';
import type { Tf } from '../../src/plugin/index.ts';
import { forwardFunction, gradientFunction, type LossName } from '../../src/plugins/train/backprop.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadBackend('wasm')).tf;
});

const cases = Object.keys(EVERY_LAYER).flatMap((arch) =>
  (['meanSquaredError', 'meanAbsoluteError'] as LossName[]).map((loss) => [arch, loss] as const),
);

test.each(cases)('%s, %s: loss and gradients match the tape', (arch, lossName) => matchesTape(arch, lossName));

// The recurrent cells' kernels are written for both backends runexp trains on.
test.each(['convolution, lstm and gru returning sequences, simple rnn with relu', 'lstm forecaster', 'gru forecaster'])(
  '%s on the cpu backend: gradients match the tape',
  async (arch) => {
    tf = (await loadBackend('cpu')).tf;
    try {
      matchesTape(arch, 'meanSquaredError');
    } finally {
      tf = (await loadBackend('wasm')).tf;
    }
  },
);

function matchesTape(arch: string, lossName: LossName) {
  const model = buildModel(tf, { name: arch, layers: EVERY_LAYER[arch] }, [14, 2], 4);
  const random = mulberry32(21);
  // 27 windows: not a power of two, so 1/n is rounded
  const x = tf.tensor3d(
    Float32Array.from({ length: 27 * 28 }, () => random() * 2 - 1),
    [27, 14, 2],
  );
  const outputs = model.outputs[0].shape.at(-1) as number;
  const y = tf.tensor2d(
    Float32Array.from({ length: 27 * outputs }, () => random()),
    [27, outputs],
  );
  const variables = model.trainableWeights.map((w) => (w as unknown as { read(): InstanceType<Tf['Variable']> }).read());
  const tape = tf.variableGrads(
    () => tf.mean(tf.metrics[lossName](y, model.apply(x, { training: true }) as never)) as never,
    variables as never,
  );
  const gradients = gradientFunction(tf, model, lossName)!;
  expect(gradients).toBeDefined();
  const before = tf.memory().numTensors;
  const manual = tf.tidy(() => gradients(x, y));
  expect(manual.value.dataSync()[0]).toBeCloseTo(tape.value.dataSync()[0], 6);
  expect(Object.keys(manual.grads).sort()).toEqual(variables.map((v) => v.name).sort());
  for (const v of variables) {
    const expected = tape.grads[v.name].dataSync();
    const got = manual.grads[v.name].dataSync();
    expect(manual.grads[v.name].shape).toEqual(v.shape);
    const scale = Math.max(1e-6, ...Array.from(expected, Math.abs));
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]) / scale);
    expect(worst).toBeLessThan(1e-5);
  }
  // only what it returns is left
  expect(tf.memory().numTensors).toBe(before + 1 + variables.length);
  tf.dispose([x, y, tape.value, manual.value, ...Object.values(tape.grads), ...Object.values(manual.grads)]);
  model.dispose();
}

test("on the paper model with 32-window batches the gradients are the tape's to the last bit", () => {
  const model = buildModel(tf, { name: 'paper', layers: EVERY_LAYER.paper }, [14, 1], 2);
  const random = mulberry32(5);
  const x = tf.tensor3d(
    Float32Array.from({ length: 32 * 14 }, () => random()),
    [32, 14, 1],
  );
  const y = tf.tensor2d(
    Float32Array.from({ length: 32 }, () => random()),
    [32, 1],
  );
  const variables = model.trainableWeights.map((w) => (w as unknown as { read(): InstanceType<Tf['Variable']> }).read());
  const tape = tf.variableGrads(
    () => tf.mean(tf.metrics.meanSquaredError(y, model.apply(x, { training: true }) as never)) as never,
    variables as never,
  );
  const manual = tf.tidy(() => gradientFunction(tf, model, 'meanSquaredError')!(x, y));
  expect(manual.value.dataSync()[0]).toBe(tape.value.dataSync()[0]);
  for (const v of variables) expect(Array.from(manual.grads[v.name].dataSync())).toEqual(Array.from(tape.grads[v.name].dataSync()));
  tf.dispose([x, y, tape.value, manual.value, ...Object.values(tape.grads), ...Object.values(manual.grads)]);
  model.dispose();
});

test('a model with a layer whose configuration has no fast gradient (hard-sigmoid gates) trains on the tape instead', () => {
  const model = tf.sequential({ layers: [tf.layers.lstm({ units: 2, inputShape: [14, 1] }), tf.layers.dense({ units: 1 })] });
  expect(gradientFunction(tf, model, 'meanSquaredError')).toBeUndefined();
  model.dispose();
});

// The validation loss of every epoch runs the same forward passes: they must be predict's values.
test.each(Object.keys(EVERY_LAYER))("%s: the forward passes give predict's outputs (to the bit on dense and conv1d)", (arch) => {
  const model = buildModel(tf, { name: arch, layers: EVERY_LAYER[arch] }, [14, 2], 4);
  const random = mulberry32(8);
  const x = tf.tensor3d(
    Float32Array.from({ length: 19 * 28 }, () => random() * 2 - 1),
    [19, 14, 2],
  );
  const forward = forwardFunction(tf, model)!;
  const before = tf.memory().numTensors;
  const fast = tf.tidy(() => forward(x));
  expect(tf.memory().numTensors).toBe(before + 1);
  const expected = (model.predict(x) as InstanceType<Tf['Tensor']>).dataSync();
  const got = fast.dataSync();
  const recurrent = EVERY_LAYER[arch].some((l) => ['lstm', 'gru', 'simpleRnn'].includes(l.type));
  if (recurrent) expected.forEach((e, i) => expect(Math.abs(got[i] - e)).toBeLessThan(1e-6));
  else expect(Array.from(got)).toEqual(Array.from(expected));
  tf.dispose([x, fast]);
  model.dispose();
});
