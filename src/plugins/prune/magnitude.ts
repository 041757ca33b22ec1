// The paper's method: zero the weights whose |w| is at or below the p-th percentile of |w|
// (keep |w| > P_p(|W|)), per layer or with one global threshold across the target layers.
// With `sparsity` instead, exactly round(s·n) weights go, the smallest |w| first (ties by index).
import { z } from 'zod';
import {
  controlOption,
  magnitudeScores,
  masksFromScores,
  percentile,
  percentileOption,
  pruneKernels,
  randomMasksLike,
  resolveTargets,
  scopeOption,
  sparsityFrom,
  sparsityOption,
  sparsityOrPercentile,
  targetLayersOption,
  targetWeightsOption,
  weightTarget,
} from '../../plugin/kit/prune.ts';
import { definePlugin } from '../../plugin/index.ts';

export default definePlugin({
  slot: 'prune',
  name: 'magnitude',
  description: "Magnitude pruning: remove the smallest |w| (by sparsity, exact count; or by the paper's percentile threshold).",
  options: sparsityOrPercentile(
    z.strictObject({
      sparsity: sparsityOption.optional(),
      percentile: percentileOption,
      layers: targetLayersOption,
      weights: targetWeightsOption,
      scope: scopeOption,
      control: controlOption,
    }),
  ),
  axes: ['sparsity', 'percentile', 'control'],
  declares: (options) => ({ sparsity: sparsityFrom(options), control: options.control }),
  run: (req, options, ctx) => {
    const targets = resolveTargets(req.model, options.layers, options.weights);
    if (options.sparsity !== undefined || options.control) {
      const sparsity = options.sparsity ?? options.percentile! / 100;
      let masks = masksFromScores(magnitudeScores(req.model, targets), sparsity, options.scope);
      if (options.control === 'random') masks = randomMasksLike(masks, ctx.random);
      const keep = new Map(masks.map((m) => [weightTarget(m.layer, m.weight), m.keep]));
      return pruneKernels(ctx.tf, req, targets, (layer) => ({
        criterion: options.control ?? '|w|',
        keep: (i) => keep.get(layer)![i] === 1,
      }));
    }
    const abs = (w: Float32Array) => Float64Array.from(w, Math.abs);
    let globalThreshold: number | undefined;
    if (options.scope === 'global') {
      const all = [...magnitudeScores(req.model, targets).values()].flatMap((scores) => Array.from(scores));
      globalThreshold = percentile(all, options.percentile!);
    }
    return pruneKernels(ctx.tf, req, targets, (_layer, kernel) => {
      // Percentile 0 means "prune nothing" (not "prune the single smallest weight").
      const threshold = options.percentile === 0 ? -Infinity : (globalThreshold ?? percentile(abs(kernel), options.percentile!));
      return { criterion: '|w|', threshold, keep: (i) => Math.abs(kernel[i]) > threshold };
    });
  },
});
