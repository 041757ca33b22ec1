// SNIP's connection sensitivity |∂L/∂w · w| on a linear model small enough to differentiate by hand.
import { buildModel } from '../../src/plugin/architecture.ts';
import type { Architecture, Tf } from '../../src/index.ts';
import { connectionSensitivity } from '../../src/plugins/prune/snip.ts';
import { masksFromScores } from '../../src/plugin/masks.ts';
import { cpuTf } from '../helpers/tf.ts';

const architecture: Architecture = {
  name: 'linear',
  layers: [{ type: 'flatten' }, { type: 'dense', units: 2, activation: 'linear' }, { type: 'dense', units: 1, activation: 'linear' }],
};

let tf: Tf;
beforeAll(async () => {
  tf = await cpuTf();
});

test('scores are |g·w| of the mean squared error on the batch', () => {
  const model = buildModel(tf, architecture, [2, 1], 1);
  // W1 [2 inputs × 2 units] = [[1, 2], [3, 4]], W2 = [1, 1], zero biases.
  model.setWeights([
    tf.tensor2d([
      [1, 2],
      [3, 4],
    ]),
    tf.zeros([2]),
    tf.tensor2d([[1], [1]]),
    tf.zeros([1]),
  ]);
  // Windows [1, 1] and [0, 1], targets 0: predictions 10 and 7, L = (10² + 7²) / 2.
  // ∂L/∂pred = 10 and 7, so ∂L/∂W1 row 0 = 10·1 + 7·0 = 10, row 1 = 10·1 + 7·1 = 17 (both units).
  const scores = connectionSensitivity(tf, model, ['dense'], Float32Array.from([1, 1, 0, 1]), Float32Array.from([0, 0]), [2, 2, 1]);
  expect(Array.from(scores.get('dense')!)).toEqual([10, 20, 51, 68]);
  // Half the connections go: the two least sensitive, weights 1 and 2.
  expect(Array.from(masksFromScores(scores, 0.5, 'layer')[0].keep)).toEqual([0, 0, 1, 1]);
});
