// A control for every method: zero the same share of weights, chosen at random (seeded), exactly
// round(s·n) per layer. If random pruning scores as well as a method, the method's criterion
// carries no information.
import { z } from 'zod';
import { definePlugin } from '../../plugin/index.ts';
import {
  percentileOption,
  pruneKernels,
  resolveTargets,
  sparsityFrom,
  sparsityOption,
  sparsityOrPercentile,
  targetLayersOption,
  targetWeightsOption,
} from '../../plugin/kit/prune.ts';

export default definePlugin({
  slot: 'prune',
  name: 'random',
  description: "Random pruning control: zero a random share of each target layer's weights (exact count, seeded).",
  options: sparsityOrPercentile(
    z.strictObject({
      sparsity: sparsityOption.optional(),
      percentile: percentileOption,
      layers: targetLayersOption,
      weights: targetWeightsOption,
    }),
  ),
  axes: ['sparsity', 'percentile'],
  declares: (options) => ({ sparsity: sparsityFrom(options) }),
  run: (req, options, ctx) => {
    const targets = resolveTargets(req.model, options.layers, options.weights);
    const share = options.sparsity ?? options.percentile! / 100;
    return pruneKernels(ctx.tf, req, targets, (_layer, kernel) => {
      const drop = Math.round(share * kernel.length);
      // Rank indices by a seeded random key; the `drop` lowest are pruned.
      const keys = Float64Array.from(kernel, () => ctx.random());
      const order = Array.from(kernel.keys()).sort((a, b) => keys[a] - keys[b]);
      const pruned = new Set(order.slice(0, drop));
      return { criterion: 'random', keep: (i) => !pruned.has(i) };
    });
  },
});
