// runexp's training loop against model.fit: the same seed, order and optimizer give bit-identical
// weights, training losses and validation losses (so early stopping picks the same epochs).
import { paperArchitecture } from '../../bench/paper-architecture.ts';
import { loadBackend } from '../../src/execute/backend.ts';
import { buildModel, mulberry32, type Tf } from '../../src/plugin/index.ts';
import { trainEpoch, validationLoss } from '../../src/plugins/train/loop.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadBackend('wasm')).tf;
});

const architecture = paperArchitecture('linear');

test.each(['meanSquaredError', 'meanAbsoluteError'] as const)('%s: the loop reproduces model.fit exactly', async (loss) => {
  const random = mulberry32(7);
  // 203 windows: the last batch of 32 is partial (11), as it usually is.
  const x = tf.tensor3d(Float32Array.from({ length: 203 * 14 }, () => random()), [203, 14, 1]);
  const y = tf.tensor2d(Float32Array.from({ length: 203 }, () => random()), [203, 1]);
  const xVal = tf.tensor3d(Float32Array.from({ length: 45 * 14 }, () => random()), [45, 14, 1]);
  const yVal = tf.tensor2d(Float32Array.from({ length: 45 }, () => random()), [45, 1]);
  const viaFit = buildModel(tf, architecture, [14, 1], 5);
  const viaLoop = buildModel(tf, architecture, [14, 1], 5);
  for (const model of [viaFit, viaLoop]) model.compile({ optimizer: tf.train.adam(0.01), loss });
  for (let epoch = 0; epoch < 3; epoch++) {
    const history = await viaFit.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, validationData: [xVal, yVal], verbose: 0 });
    const trainLoss = await trainEpoch(tf, viaLoop, loss, x, y, 32);
    expect(trainLoss).toBe(history.history.loss[0]);
    expect(validationLoss(tf, viaLoop, loss, xVal, yVal, 32)).toBe(history.history.val_loss[0]);
  }
  const weights = (m: typeof viaFit) => m.getWeights().map((w) => Array.from(w.dataSync()));
  expect(weights(viaLoop)).toEqual(weights(viaFit));
  tf.dispose([x, y, xVal, yVal]);
  for (const model of [viaFit, viaLoop]) {
    model.optimizer.dispose();
    model.dispose();
  }
});
