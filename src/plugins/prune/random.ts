// A control for magnitude pruning: zero the same share of weights, chosen at random (seeded).
// If random pruning scores as well as magnitude pruning, magnitude carries no information.
import { z } from 'zod';
import { definePlugin, pruneKernels, resolveTargetLayers, targetLayersOption } from '../../plugin/index.ts';

export default definePlugin({
  slot: 'prune',
  name: 'random',
  description: 'Random pruning control: zero a random p% of each target layer\'s weights (seeded).',
  options: z.strictObject({
    percentile: z.number().min(0).lt(100).default(35).describe('share of weights to zero, in percent'),
    layers: targetLayersOption,
  }),
  axes: ['percentile'],
  run: (req, options, ctx) => {
    const targets = resolveTargetLayers(req.model, options.layers);
    return pruneKernels(ctx.tf, req, targets, (_layer, kernel) => {
      const drop = Math.round((options.percentile / 100) * kernel.length);
      // Rank indices by a seeded random key; the `drop` lowest are pruned.
      const keys = Float64Array.from(kernel, () => ctx.random());
      const order = Array.from(kernel.keys()).sort((a, b) => keys[a] - keys[b]);
      const pruned = new Set(order.slice(0, drop));
      return { criterion: 'random', keep: (i) => !pruned.has(i) };
    });
  },
});
