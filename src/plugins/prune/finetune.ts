// One-shot magnitude pruning, then retraining with the masks held: the standard "prune, then
// fine-tune" recipe (Han et al. 2015). The retraining uses the spec's trainer from the dense
// model's weights; pruned weights are zeroed again after every optimizer step. With `qat: int8`
// the retraining runs through int8 kernels (plugin/qat.ts): prune, then quantisation-aware
// training, as one grid cell with `compact: {plugin: quantize}`.
import { z } from 'zod';
import {
  controlOption,
  fakeQuantHooks,
  qatOption,
  magnitudeScores,
  maskedResult,
  masksFromScores,
  randomMasksLike,
  resolveTargets,
  scopeOption,
  sparsityOption,
  targetLayersOption,
  targetWeightsOption,
} from '../../plugin/kit/prune.ts';
import { definePlugin } from '../../plugin/index.ts';

export default definePlugin({
  slot: 'prune',
  name: 'finetune',
  // It trains after (or while) it prunes: every weight may change.
  retrains: 'all',
  description: 'Magnitude pruning followed by N epochs of retraining with the masks held.',
  options: z.strictObject({
    sparsity: sparsityOption.default(0.5),
    epochs: z.int().positive().default(10).describe("epochs of retraining after pruning (the trainer's early stopping still applies)"),
    layers: targetLayersOption,
    weights: targetWeightsOption,
    scope: scopeOption,
    control: controlOption,
    qat: qatOption,
  }),
  axes: ['sparsity', 'epochs', 'control', 'qat'],
  declares: (options) => ({ sparsity: options.sparsity, control: options.control }),
  run: async (req, options, ctx) => {
    const targets = resolveTargets(req.model, options.layers, options.weights);
    let masks = masksFromScores(magnitudeScores(req.model, targets), options.sparsity, options.scope);
    if (options.control === 'random') masks = randomMasksLike(masks, ctx.random);
    // Int8 training needs hooks of its own (and so trains alone); masks alone can train stacked.
    const hooks = options.qat === 'int8' ? { hooks: fakeQuantHooks(ctx.tf) } : {};
    const tuned = await req.train({ from: req.model, epochs: options.epochs, masks, ...hooks });
    const result = maskedResult(tuned.model, req.model, masks, { criterion: options.control ?? '|w|' });
    return { ...result, data: { retrainedEpochs: tuned.epochs } };
  },
});
