// Gradual magnitude pruning during training (Zhu & Gupta 2017), scheduled as tfmot's
// PolynomialDecay: at step t in [begin, end], every `frequency` steps, the sparsity is
//   s_t = s_f + (s_i − s_f)·(1 − (t − begin)/(end − begin))^power
// and the smallest |w| are removed to reach it. Masks are re-applied after every optimizer step,
// so pruned weights stay zero all through training. Unlike tfmot, the final sparsity is also
// applied at `end` itself (tfmot skips it when end − begin is not a multiple of the frequency),
// and if training stops before `end` the final sparsity is applied when it stops (recorded).
import { z } from 'zod';
import type { LayersModel, TrainingHooks } from '../../plugin/index.ts';
import type { WeightMask } from '../../plugin/kit/prune.ts';
import {
  applyMasks,
  controlOption,
  magnitudeScores,
  maskedResult,
  masksFromScores,
  resolveTargets,
  scopeOption,
  sparsityOption,
  targetLayersOption,
  targetWeightsOption,
  weightTarget,
} from '../../plugin/kit/prune.ts';
import { definePlugin } from '../../plugin/index.ts';

export function polynomialSparsity(
  step: number,
  o: { initialSparsity: number; sparsity: number; beginStep: number; endStep: number; power: number },
): number {
  const progress = Math.min(1, Math.max(0, (step - o.beginStep) / (o.endStep - o.beginStep)));
  return o.sparsity + (o.initialSparsity - o.sparsity) * (1 - progress) ** o.power;
}

export default definePlugin({
  slot: 'prune',
  name: 'gradual',
  // It trains after (or while) it prunes: every weight may change.
  retrains: 'all',
  description: 'Gradual magnitude pruning during training with a polynomial schedule (Zhu & Gupta; tfmot PolynomialDecay).',
  options: z
    .strictObject({
      sparsity: sparsityOption.default(0.5).describe('final sparsity; a list is a grid axis'),
      initialSparsity: z.number().min(0).lt(1).default(0),
      beginStep: z.int().min(0).default(0).describe('optimizer step at which pruning starts'),
      endStep: z.int().positive().default(600).describe('optimizer step at which the final sparsity is reached'),
      frequency: z.int().positive().default(100).describe('prune every this many steps'),
      power: z.number().positive().default(3),
      layers: targetLayersOption,
      weights: targetWeightsOption,
      scope: scopeOption,
      control: controlOption,
    })
    .refine((o) => o.endStep > o.beginStep, { message: 'endStep must be after beginStep', path: ['endStep'] }),
  axes: ['sparsity', 'control'],
  declares: (options) => ({ sparsity: options.sparsity, control: options.control }),
  run: async (req, options, ctx) => {
    const { tf } = ctx;
    const targets = resolveTargets(req.model, options.layers, options.weights);
    let masks: WeightMask[] = [];
    let epoch = 0;
    let finalEpoch: number | undefined; // the epoch (0-based) during which the final masks were set
    let finalStep: number | undefined;
    // Scores: |w| (pruned weights are 0 and go first), or random keys for the control; weights
    // pruned earlier stay pruned either way, so the masks only ever grow.
    const prune = (model: LayersModel, sparsity: number) => {
      const scores = magnitudeScores(model, targets);
      if (options.control === 'random') {
        for (const [target, s] of scores) {
          const old = masks.find((m) => weightTarget(m.layer, m.weight) === target)?.keep;
          scores.set(
            target,
            Float64Array.from(s, (_, i) => (old && !old[i] ? -Infinity : ctx.random())),
          );
        }
      }
      masks = masksFromScores(scores, sparsity, options.scope);
    };
    const hooks: TrainingHooks = {
      onBatchEnd(model, step) {
        const due =
          step >= options.beginStep &&
          step <= options.endStep &&
          ((step - options.beginStep) % options.frequency === 0 || step === options.endStep);
        if (due && finalStep === undefined) {
          prune(model, polynomialSparsity(step, options));
          if (step === options.endStep) [finalEpoch, finalStep] = [epoch, step];
        }
        applyMasks(tf, model, masks);
      },
      onEpochEnd(_model, e) {
        epoch = e + 1;
      },
      // The best epoch's weights are only usable if they already carry the final masks.
      allowRestoreBest: (_model, bestEpoch) => finalEpoch !== undefined && bestEpoch - 1 >= finalEpoch,
      onRestoreBest: (model) => applyMasks(tf, model, masks),
      onTrainEnd(model) {
        if (finalStep === undefined) prune(model, options.sparsity);
        applyMasks(tf, model, masks);
      },
    };
    const trained = await req.train({ hooks });
    const result = maskedResult(trained.model, req.dense, masks, { criterion: options.control ?? '|w| (gradual)' });
    return { ...result, data: { scheduleCompleted: finalStep !== undefined, epochs: trained.epochs, bestEpoch: trained.bestEpoch } };
  },
});
