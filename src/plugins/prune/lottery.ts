// Lottery tickets: iterative magnitude pruning with rewinding (Frankle & Carbin 2019; Frankle et
// al. 2020 for rewinding to epoch k). Each level removes the same share of the weights still
// left, smallest |w| of the trained model first, rewinds every weight to its value at
// initialisation (or after epoch k) and trains again with the masks held. After `levels` levels
// exactly round(sparsity·n) weights are gone. Controls: `reinit` trains the final mask from a
// fresh random initialisation, `random` trains a random mask of the same per-layer sparsity from
// the rewound weights.
import { z } from 'zod';
import type { LayersModel, PruneRequest, Tf } from '../../plugin/index.ts';
import type { WeightMask } from '../../plugin/kit/prune.ts';
import { cloneModel, disposeModel } from '../../plugin/kit/model.ts';
import {
  controlOf,
  magnitudeScores,
  maskedResult,
  masksFromScores,
  randomMasksLike,
  resolveTargets,
  scopeOption,
  sparsityOption,
  targetLayersOption,
  targetWeightsOption,
  weightTarget,
} from '../../plugin/kit/prune.ts';
import { definePlugin, ErrorCode, RunexpError } from '../../plugin/index.ts';

export default definePlugin({
  slot: 'prune',
  name: 'lottery',
  // It trains after (or while) it prunes: every weight may change.
  retrains: 'all',
  description: 'Iterative magnitude pruning with rewinding (lottery tickets), with reinit and random-mask controls.',
  options: z.strictObject({
    sparsity: sparsityOption.default(0.8).describe('sparsity after the last level; a list is a grid axis'),
    levels: z
      .int()
      .positive()
      .max(20)
      .default(3)
      .describe('pruning rounds; each removes 1 − (1 − sparsity)^(1/levels) of the weights left'),
    rewindEpoch: z.int().min(0).default(0).describe('rewind to the weights after this epoch of training; 0 rewinds to initialisation'),
    layers: targetLayersOption,
    weights: targetWeightsOption,
    scope: scopeOption,
    control: controlOf(['reinit', 'random']),
  }),
  axes: ['sparsity', 'levels', 'rewindEpoch', 'control'],
  declares: (options) => ({ sparsity: options.sparsity, control: options.control }),
  run: async (req, options, ctx) => {
    const { tf } = ctx;
    const input: [number, number] = [req.data.lookback, req.data.features];
    const targets = resolveTargets(req.model, options.layers, options.weights);
    const owned: LayersModel[] = [];
    try {
      const rewind = await rewindPoint(req, options.rewindEpoch, input, owned, tf);
      let masks: WeightMask[] = [];
      let trained = req.model;
      const levelValLoss: number[] = [];
      const skipLevels = options.control === 'random' && options.scope === 'layer'; // its per-layer counts are known
      for (let level = 1; level <= options.levels && !skipLevels; level++) {
        // Weights pruned at earlier levels score -Infinity, so they stay pruned.
        const scores = magnitudeScores(trained, targets);
        for (const m of masks)
          scores.set(
            weightTarget(m.layer, m.weight),
            scores.get(weightTarget(m.layer, m.weight))!.map((s, i) => (m.keep[i] ? s : -Infinity)),
          );
        masks = masksFromScores(scores, 1 - (1 - options.sparsity) ** (level / options.levels), options.scope);
        const result = await req.train({ from: rewind, masks });
        levelValLoss.push(Math.min(...result.valLoss));
        trained = result.model;
      }
      let start = rewind;
      let seed: number | undefined;
      if (options.control === 'random') {
        if (skipLevels) masks = masksFromScores(magnitudeScores(req.model, targets), options.sparsity, 'layer');
        masks = randomMasksLike(masks, ctx.random);
      } else if (options.control === 'reinit') {
        seed = Math.floor(ctx.random() * 2 ** 31);
        start = (await req.train({ epochs: 0, seed })).model; // the trainer's initialisation for another seed
      }
      if (options.control) trained = (await req.train({ from: start, seed, masks })).model;
      const result = maskedResult(trained, req.model, masks, { criterion: options.control ?? '|w| (lottery)' });
      return {
        ...result,
        data: {
          perLevelFraction: 1 - (1 - options.sparsity) ** (1 / options.levels),
          levelValLoss,
          ...(seed === undefined ? {} : { reinitSeed: seed }),
        },
      };
    } finally {
      owned.forEach(disposeModel);
    }
  },
});

/** The weights each level rewinds to: the dense model's initialisation, or its weights after epoch k. */
async function rewindPoint(req: PruneRequest, epoch: number, input: [number, number], owned: LayersModel[], tf: Tf): Promise<LayersModel> {
  // 0 epochs of training: the trainer's own initial model for this seed, as the dense model had.
  if (epoch === 0) return (await req.train({ epochs: 0 })).model;
  let captured: LayersModel | undefined;
  await req.train({
    epochs: epoch,
    hooks: {
      onEpochEnd: (model, e) => {
        if (e === epoch - 1) captured = cloneModel(tf, model, req.architecture, input);
      },
    },
  });
  if (!captured)
    throw new RunexpError(
      ErrorCode.PLUGIN,
      `training stopped before epoch ${epoch}, the rewind point`,
      "lower rewindEpoch, or raise the trainer's early-stopping patience",
    );
  owned.push(captured);
  return captured;
}
