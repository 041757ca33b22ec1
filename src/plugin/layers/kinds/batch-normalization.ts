// Normalises each channel by statistics gathered in training (moving mean and variance), then
// scales (gamma) and shifts (beta). At inference that is one multiply and one add per value,
// which is how it is counted and how it is exported.
import { z } from 'zod';
import { defineLayerKind, inputShapeOf, product } from '../kind.ts';

export default defineLayerKind({
  type: 'batchNormalization',
  className: 'BatchNormalization',
  description: 'per-channel normalisation by training statistics, then scale (gamma) and shift (beta)',
  prunable: false,
  options: z.strictObject({
    momentum: z.number().gt(0).lt(1).optional().describe('of the moving statistics (0.99 when left out)'),
    epsilon: z.number().positive().optional().describe('added to the variance (0.001 when left out)'),
  }),
  outputShape: (input) => input,
  build: (tf, o, at) =>
    tf.layers.batchNormalization({
      ...(at.inputShape ? { inputShape: at.inputShape } : {}),
      name: at.name,
      ...(o.momentum ? { momentum: o.momentum } : {}),
      ...(o.epsilon ? { epsilon: o.epsilon } : {}),
    }),
  weights: () => ['gamma', 'beta', 'movingMean', 'movingVariance'].map((name) => ({ name, prunedByDefault: false })),
  // Per channel: the kept channels keep their statistics; a removed channel's constant c leaves
  // as (c − mean) · γ / √(var + ε) + β, which the next dense layer folds.
  shrink(tf, layer, incoming) {
    const epsilon = (layer.getConfig() as { epsilon: number }).epsilon;
    const [gamma, beta, mean, variance] = layer.getWeights().map((w) => w.dataSync() as Float32Array);
    const constants = new Map(
      [...incoming.constants].map(([c, v]) => [c, ((v - mean[c]) * gamma[c]) / Math.sqrt(variance[c] + epsilon) + beta[c]]),
    );
    const kept = incoming.kept;
    const weights = [gamma, beta, mean, variance].map((values) =>
      tf.tensor(kept ? Float32Array.from(kept, (c) => values[c]) : values, [kept?.length ?? values.length]),
    );
    return { weights, out: { kept, constants } };
  },
  uses: (layer) => ({ gamma: product(inputShapeOf(layer).slice(0, -1)) }),
  onnx(layer, graph) {
    const epsilon = (layer.getConfig() as { epsilon: number }).epsilon;
    const [gamma, beta, mean, variance] = layer.getWeights().map((w) => w.dataSync() as Float32Array);
    // y = (x − mean) / √(var + ε) · γ + β = x · scale + shift, broadcast over the last axis.
    const scale = gamma.map((g, c) => g / Math.sqrt(variance[c] + epsilon));
    const shift = beta.map((b, c) => b - mean[c] * scale[c]);
    graph.op('Mul', layer.name, [graph.constant(`${layer.name}/scale`, [scale.length], scale)]);
    graph.op('Add', layer.name, [graph.constant(`${layer.name}/shift`, [shift.length], shift)]);
  },
});
