// SNIP: pruning at initialisation by connection sensitivity (Lee et al. 2019). On one batch of
// training windows, each weight's score is |∂L/∂w · w| at the initial weights; the lowest scores
// are removed before any training, and the model is then trained with the masks held.
import { z } from 'zod';
import type { LayersModel, PruneRequest, Tf } from '../../plugin/index.ts';
import {
  controlOption,
  maskedResult,
  masksFromScores,
  randomMasksLike,
  resolveTargets,
  scopeOption,
  sparsityOption,
  splitTarget,
  targetLayersOption,
  targetWeightsOption,
} from '../../plugin/kit/prune.ts';
import { definePlugin } from '../../plugin/index.ts';
import { weightIndex } from '../../plugin/kit/model.ts';
import { permutation } from '../../plugin/kit/data.ts';

/** |g ⊙ w| per target kernel, with g the gradient of the mean squared error on the given windows. */
export function connectionSensitivity(
  tf: Tf,
  model: LayersModel,
  targets: readonly string[],
  x: Float32Array,
  y: Float32Array,
  shape: [number, number, number],
): Map<string, Float64Array> {
  const xs = tf.tensor3d(x, shape);
  const ys = tf.tensor2d(y, [shape[0], 1]);
  const kernels = targets.map((target) => {
    const { layer, weight } = splitTarget(target);
    const found = model.getLayer(layer);
    return found.weights[weightIndex(found, weight)].read() as InstanceType<Tf['Variable']>;
  });
  const { value, grads } = tf.variableGrads(
    () => tf.losses.meanSquaredError(ys, model.predict(xs) as InstanceType<Tf['Tensor']>).asScalar(),
    kernels,
  );
  try {
    return new Map(
      targets.map((name, i) => {
        const g = grads[kernels[i].name].dataSync() as Float32Array;
        const w = kernels[i].dataSync() as Float32Array;
        return [name, Float64Array.from(g, (gi, k) => Math.abs(gi * w[k]))];
      }),
    );
  } finally {
    tf.dispose([xs, ys, value, ...Object.values(grads)]);
  }
}

/** A seeded batch of training windows. */
function sampleBatch(req: PruneRequest, size: number, random: () => number) {
  const { train, lookback, features } = req.data;
  const n = Math.min(size, train.count);
  const picked = permutation(train.count, random).slice(0, n);
  const width = lookback * features;
  const x = new Float32Array(n * width);
  const y = new Float32Array(n);
  picked.forEach((row, i) => {
    x.set(train.x.subarray(row * width, (row + 1) * width), i * width);
    y[i] = train.y[row];
  });
  return { x, y, shape: [n, lookback, features] as [number, number, number] };
}

export default definePlugin({
  slot: 'prune',
  name: 'snip',
  // It trains after (or while) it prunes: every weight may change.
  retrains: 'all',
  description: 'SNIP: prune at initialisation by connection sensitivity |g·w|, then train with the masks held.',
  options: z.strictObject({
    sparsity: sparsityOption.default(0.5),
    batchSize: z.int().positive().default(128).describe('training windows in the batch that scores the connections'),
    layers: targetLayersOption,
    weights: targetWeightsOption,
    scope: scopeOption,
    control: controlOption,
  }),
  axes: ['sparsity', 'control'],
  declares: (options) => ({ sparsity: options.sparsity, control: options.control }),
  run: async (req, options, ctx) => {
    const { tf } = ctx;
    const targets = resolveTargets(req.model, options.layers, options.weights);
    // The dense model's initialisation: a training of 0 epochs is the trainer's own initial
    // model for this seed (a redrawn one too, when the trainer redraws dead initialisations).
    const init = (await req.train({ epochs: 0 })).model;
    const batch = sampleBatch(req, options.batchSize, ctx.random);
    let masks = masksFromScores(connectionSensitivity(tf, init, targets, batch.x, batch.y, batch.shape), options.sparsity, options.scope);
    if (options.control === 'random') masks = randomMasksLike(masks, ctx.random);
    const trained = await req.train({ from: init, masks });
    return maskedResult(trained.model, req.model, masks, { criterion: options.control ?? '|g·w| at init' });
  },
});
