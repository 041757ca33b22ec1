// Balanced magnitude pruning: every output unit (a dense layer's unit, a conv filter) loses the
// same share of its incoming weights, the smallest |w| first. Plain magnitude pruning can empty
// some units and spare others; a balanced mask keeps each unit's fan-in equal, which is what
// N:M sparse kernels need. A complete plugin: options with an axis, a seeded tie-break, and
// `data` handed on to the record.
import { z } from 'zod';
import { definePlugin } from 'runexp/plugin';
import { pruneKernels, resolveTargetLayers, targetLayersOption } from 'runexp/plugin/prune';

export default definePlugin({
  slot: 'prune',
  name: 'balanced',
  description: 'Balanced magnitude pruning: the same share of weights removed from every output unit.',
  options: z.strictObject({
    sparsity: z.number().min(0).lt(1).default(0.35).describe("share of each unit's incoming weights to remove; a list is a grid axis"),
    layers: targetLayersOption,
  }),
  declares: (options) => ({ sparsity: options.sparsity }),
  axes: ['sparsity'],
  run: (req, options, ctx) => {
    const targets = resolveTargetLayers(req.model, options.layers);
    const perUnit: Record<string, number> = {};
    const result = pruneKernels(ctx.tf, req, targets, (layer, kernel) => {
      // A kernel's last dimension is its output unit: weight i feeds unit i % units.
      const units = req.model.getLayer(layer).getWeights()[0].shape.at(-1)!;
      const fanIn = kernel.length / units;
      const drop = Math.round(options.sparsity * fanIn);
      perUnit[layer] = fanIn - drop;
      const keep = new Uint8Array(kernel.length).fill(1);
      for (let unit = 0; unit < units; unit++) {
        const indexes = Array.from({ length: fanIn }, (_, k) => k * units + unit);
        // Smallest |w| first; equal magnitudes in index order, so the mask is deterministic.
        indexes.sort((a, b) => Math.abs(kernel[a]) - Math.abs(kernel[b]) || a - b);
        for (const i of indexes.slice(0, drop)) keep[i] = 0;
      }
      return { criterion: '|w| per unit', keep: (i) => keep[i] === 1 };
    });
    return { ...result, data: { keptPerUnit: perUnit } };
  },
});
