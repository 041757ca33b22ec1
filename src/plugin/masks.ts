// Masks: which weights of a layer are kept. The machinery shared by every pruning method that
// holds weights at zero — one-shot, gradual, fine-tuned, lottery tickets, SNIP, structured —
// with exact counts: sparsity s of n weights removes round(s·n) of them, ties broken by index,
// so a mask never depends on sort stability or on how many weights share a value.
import type { LayersModel, PrunedLayer, PruneResult, Tf, TrainingHooks } from './api.ts';
import type { WeightMask } from './training-api.ts';
import { weightIndex, weightsOfLayer } from './layers/registry.ts';
import { splitTarget } from './prune-kernels.ts';

export type { WeightMask } from './training-api.ts';

/** How many of `n` values sparsity `s` removes. */
export const prunedCount = (n: number, sparsity: number): number => Math.round(n * sparsity);

/** The `count` lowest scores' indexes; equal scores in index order. -Infinity sorts first. */
export function lowestIndexes(scores: ArrayLike<number>, count: number): Uint32Array {
  const order = Uint32Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[a] - scores[b] || a - b);
  return order.slice(0, count);
}

/** Keeps all but the `count` lowest scores. */
export function keepAllBut(scores: ArrayLike<number>, count: number): Uint8Array {
  const keep = new Uint8Array(scores.length).fill(1);
  for (const i of lowestIndexes(scores, count)) keep[i] = 0;
  return keep;
}

/**
 * Masks from scores (higher = more worth keeping). `layer` scope removes the same share of every
 * layer; `global` scope ranks all layers' scores together and removes that share overall.
 */
export function masksFromScores(scores: Map<string, ArrayLike<number>>, sparsity: number, scope: 'layer' | 'global'): WeightMask[] {
  if (scope === 'layer') {
    return [...scores].map(([target, s]) => ({ ...splitTarget(target), keep: keepAllBut(s, prunedCount(s.length, sparsity)) }));
  }
  const all = Float64Array.from([...scores.values()].flatMap((s) => Array.from(s)));
  const keepAll = keepAllBut(all, prunedCount(all.length, sparsity));
  let offset = 0;
  return [...scores].map(([target, s]) => {
    const keep = keepAll.slice(offset, offset + s.length);
    offset += s.length;
    return { ...splitTarget(target), keep };
  });
}

/** The random control of a set of masks: per variable, as many values pruned, at seeded random places. */
export function randomMasksLike(masks: readonly WeightMask[], random: () => number): WeightMask[] {
  return masks.map(({ layer, weight, keep }) => {
    const pruned = keep.length - keep.reduce((a, b) => a + b, 0);
    return {
      layer,
      weight,
      keep: keepAllBut(
        Float64Array.from(keep, () => random()),
        pruned,
      ),
    };
  });
}

/** A weight variable's values (a copy). */
export function weightValues(model: LayersModel, layer: string, weight = 'kernel'): Float32Array {
  const target = model.getLayer(layer);
  return Float32Array.from(target.getWeights()[weightIndex(target, weight)].dataSync() as Float32Array);
}

/** Zeroes the pruned values of `model` in place. */
export function applyMasks(tf: Tf, model: LayersModel, masks: readonly WeightMask[]): void {
  for (const layer of new Set(masks.map((m) => m.layer))) {
    const target = model.getLayer(layer);
    const weights = target.getWeights();
    const names = weightsOfLayer(target).map((w) => w.name);
    for (const m of masks) if (m.layer === layer) weightIndex(target, m.weight); // a name the layer does not have fails here, naming its weights
    const masked = weights.map((w, i) => {
      const mask = masks.find((m) => m.layer === layer && m.weight === names[i]);
      if (!mask) return w;
      const values = w.dataSync() as Float32Array;
      return tf.tensor(
        values.map((v, k) => (mask.keep[k] ? v : 0)),
        w.shape,
      );
    });
    target.setWeights(masked);
    masked.forEach((t, i) => t !== weights[i] && t.dispose());
  }
}

/**
 * Hooks that hold masks through a training: applied at its start, after every optimizer step
 * and after early stopping restores its best weights, so pruned weights stay zero throughout.
 */
export function maskHooks(tf: Tf, masks: () => readonly WeightMask[]): TrainingHooks {
  const apply = (model: LayersModel) => applyMasks(tf, model, masks());
  return { onTrainBegin: apply, onBatchEnd: apply, onRestoreBest: apply, onTrainEnd: apply };
}

/**
 * A pruner's result from a model whose pruned weights are already zero: what each masked weight
 * held in `before` and holds now (only the masks `reported` keeps: a structured pruner's bias
 * masks follow its kernel masks and are not reported apart). `model` becomes the result's model.
 */
export function maskedResult(
  model: LayersModel,
  before: LayersModel,
  masks: readonly WeightMask[],
  how: { criterion: string; threshold?: number },
  reported: (mask: WeightMask) => boolean = () => true,
): PruneResult {
  const layers: PrunedLayer[] = masks.filter(reported).map(({ layer, weight }) => {
    const after = weightValues(model, layer, weight);
    let kept = 0;
    for (const w of after) if (w !== 0) kept++;
    return {
      layer,
      ...(weight === 'kernel' ? {} : { weight }),
      criterion: how.criterion,
      threshold: how.threshold,
      total: after.length,
      kept,
      before: weightValues(before, layer, weight),
      after,
    };
  });
  return { model, layers };
}
