// The paper's compaction: an identical model ("compactModel") that receives the pruned weights.
// Same architecture, same parameter count; the zeros make it sparse, not smaller in shape.
import { z } from 'zod';
import { buildModel } from '../../plugin/kit/model.ts';
import { definePlugin } from '../../plugin/index.ts';

export default definePlugin({
  slot: 'compact',
  name: 'copy',
  description: 'Copies the pruned weights into a freshly built model of the same architecture.',
  options: z.strictObject({}),
  run: (req, _options, ctx) => {
    const input = req.original.inputs[0].shape.slice(1) as [number, number];
    const model = buildModel(ctx.tf, req.architecture, input, 0);
    model.setWeights(req.pruned.model.getWeights());
    return { model, architecture: req.architecture };
  },
});
