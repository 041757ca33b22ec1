// Same spec and seed → identical weights and losses on the same backend.
import tfjs from '../../src/plugins/train/tfjs.ts';
import minmax from '../../src/plugins/window/minmax.ts';
import { readSnapshot } from '../../src/plugins/fetch/snapshot.ts';
import { trainingEvents } from '../../src/plugin/training-events.ts';
import type { Architecture, Tf } from '../../src/plugin/index.ts';
import { paperArchitecture } from '../helpers/architectures.ts';
import { cpuTf, stageContext } from '../helpers/tf.ts';

const arch: Architecture = {
  name: 'small',
  layers: [
    { type: 'conv1d', filters: 3, kernelSize: 2, strides: 1, padding: 'valid', activation: 'relu' },
    { type: 'flatten' },
    { type: 'dense', units: 8, activation: 'relu' },
    { type: 'dense', units: 1, activation: 'linear' },
  ],
};

let tf: Tf;
beforeAll(async () => {
  tf = await cpuTf();
});

async function trainOnce(seed: number, redrawDeadInit = 0, architecture: Architecture = arch, keepDead?: boolean) {
  const series = readSnapshot('SPY', 'Adj Close');
  const n = series.values.length;
  const data = await minmax.run(
    { series, train: { from: n - 220, to: n - 20 }, test: { from: n - 20, to: n }, lookback: 14, horizon: 1, validationSplit: 0.2 },
    { fitOn: 'train' },
    stageContext(tf, seed),
  );
  const options = {
    epochs: 3,
    batchSize: 16,
    optimizer: 'adam' as const,
    learningRate: 0.01,
    loss: 'meanSquaredError' as const,
    earlyStopping: false as const,
    redrawDeadInit,
  };
  const result = await tfjs.run({ data, architecture, seed, events: trainingEvents([]), keepDead }, options, stageContext(tf, seed));
  const weights = result.model.getWeights().map((w) => Array.from(w.dataSync()));
  const outputs = tf.tidy(() =>
    Array.from(
      (
        result.model.predict(tf.tensor3d(data.test.x, [data.test.count, data.lookback, data.features])) as ReturnType<Tf['tensor']>
      ).dataSync(),
    ),
  );
  result.model.dispose();
  return { weights, loss: result.loss, redraws: result.redraws, dead: result.dead, outputs };
}

test('two trainings with one seed are identical; another seed differs', async () => {
  const a = await trainOnce(7);
  const b = await trainOnce(7);
  const c = await trainOnce(9);
  expect(b.weights).toEqual(a.weights);
  expect(b.loss).toEqual(a.loss);
  expect(c.weights).not.toEqual(a.weights);
});

test('a dead model (constant output) fails with E_DEAD_MODEL instead of being scored, and leaves no tensor behind', async () => {
  // With this seed (learning rate 0.01) the model's output is constant after training.
  const before = tf.memory().numTensors;
  // Its last layer is linear: the hint is about the hidden ReLU layer, not "use linear".
  await expect(trainOnce(8)).rejects.toMatchObject({
    code: 'E_DEAD_MODEL',
    message: expect.stringMatching(/constant on all \d+ validation windows, after training$/),
    hint: 'the last layer is linear, so a hidden ReLU layer stopped responding to every window during training: lower train.learningRate, try another seed',
  });
  // The model and its optimizer's own variables are freed: a leak here turned pruners' dead
  // trainings into E_LEAK failures that also replaced their worker.
  expect(tf.memory().numTensors).toBe(before);
});

test('a training a pruner caused (keepDead) returns its dead model, marked dead, to be scored', async () => {
  const kept = await trainOnce(8, 0, arch, true);
  expect(kept.dead).toBe(true);
  expect(new Set(kept.outputs).size).toBe(1);
  expect((await trainOnce(7, 0, arch, true)).dead).toBeUndefined();
});

test('redrawDeadInit draws new seeded initial weights for a model dead at the start', async () => {
  // The paper's ReLU output: with seed 0 it outputs 0 for every input before any training.
  const paper = paperArchitecture('relu');
  await expect(trainOnce(0, 0, paper)).rejects.toMatchObject({
    code: 'E_DEAD_MODEL',
    hint: 'the ReLU output layer (activation: relu on the last layer) outputs 0 for every window: raise train.redrawDeadInit (now 0), try another seed, or use activation: linear on the last layer',
  });
  // The default draws again up to 10 times: a grid does not lose a third of its seeds to it.
  expect(tfjs.options.parse({}).redrawDeadInit).toBe(10);
  const a = await trainOnce(0, 5, paper);
  expect(a.redraws).toBeGreaterThan(0);
  expect((await trainOnce(0, 5, paper)).weights).toEqual(a.weights);
});
