// The paper's method: zero the weights whose |w| is at or below the p-th percentile of |w|
// (keep |w| > P_p(|W|)), per layer or with one global threshold across the target layers.
import { z } from 'zod';
import { definePlugin, percentile, pruneKernels, resolveTargetLayers, targetLayersOption } from '../../plugin/index.ts';

export default definePlugin({
  slot: 'prune',
  name: 'magnitude',
  description: 'Magnitude pruning: keep weights with |w| above the p-th percentile of |w| (ties are pruned).',
  options: z.strictObject({
    percentile: z.number().min(0).lt(100).default(35).describe('share of weights to zero, in percent; a list is a grid axis'),
    layers: targetLayersOption,
    scope: z.enum(['layer', 'global']).default('layer').describe('layer: a threshold per layer; global: one threshold over all target layers'),
  }),
  axes: ['percentile'],
  run: (req, options, ctx) => {
    const targets = resolveTargetLayers(req.model, options.layers);
    const abs = (w: Float32Array) => Float64Array.from(w, Math.abs);
    let globalThreshold: number | undefined;
    if (options.scope === 'global') {
      const all = targets.flatMap((name) => Array.from(abs(req.model.getLayer(name).getWeights()[0].dataSync() as Float32Array)));
      globalThreshold = percentile(all, options.percentile);
    }
    return pruneKernels(ctx.tf, req, targets, (_layer, kernel) => {
      // Percentile 0 means "prune nothing" (not "prune the single smallest weight").
      const threshold = options.percentile === 0 ? -Infinity : globalThreshold ?? percentile(abs(kernel), options.percentile);
      return { criterion: '|w|', threshold, keep: (i) => Math.abs(kernel[i]) > threshold };
    });
  },
});
