// Same spec and seed → identical weights and losses on the same backend.
import tfjs from '../../src/plugins/train/tfjs.ts';
import minmax from '../../src/plugins/window/minmax.ts';
import { readSnapshot } from '../../src/plugins/fetch/snapshot.ts';
import type { Architecture, Tf } from '../../src/index.ts';
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

async function trainOnce(seed: number) {
  const series = readSnapshot('SPY', 'Adj Close');
  const n = series.values.length;
  const data = await minmax.run({ series, train: { from: n - 220, to: n - 20 }, test: { from: n - 20, to: n }, lookback: 14, horizon: 1, validationSplit: 0.2 }, { fitOn: 'train' }, stageContext(tf, seed));
  const options = { epochs: 3, batchSize: 16, optimizer: 'adam' as const, learningRate: 0.01, loss: 'meanSquaredError' as const, earlyStopping: false as const };
  const result = await tfjs.run({ data, architecture: arch, seed, hooks: [] }, options, stageContext(tf, seed));
  const weights = result.model.getWeights().map((w) => Array.from(w.dataSync()));
  result.model.dispose();
  return { weights, loss: result.loss };
}

test('two trainings with one seed are identical; another seed differs', async () => {
  const a = await trainOnce(7);
  const b = await trainOnce(7);
  const c = await trainOnce(9);
  expect(b.weights).toEqual(a.weights);
  expect(b.loss).toEqual(a.loss);
  expect(c.weights).not.toEqual(a.weights);
});

test('a dead model (constant output) fails with E_DEAD_MODEL instead of being scored', async () => {
  // With this seed every unit of the 8-wide ReLU layer is dead from the start.
  await expect(trainOnce(8)).rejects.toMatchObject({ code: 'E_DEAD_MODEL' });
});
