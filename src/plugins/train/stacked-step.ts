// One epoch of a stack of seeds (stacked.ts): each step the layers' stacked passes forward, the
// loss and its gradient exactly as backprop.ts computes them for one seed, the passes backward,
// one Adam step per stacked weight, and each seed's masks held.
import type { StackedGradient } from '../../plugin/kit/model.ts';
import type { Tf } from '../../plugin/index.ts';
import type { StackedAdam } from './stacked-adam.ts';
import type { StackedMasks } from './stacked-masks.ts';
import { lossAndGradient } from './backprop.ts';
import type { TrainerOptions } from './options.ts';

type Tensor = InstanceType<Tf['Tensor']>;
type Variable = InstanceType<Tf['Variable']>;

/**
 * One epoch over the stacked batches: each step the layers' stacked passes forward, the loss and
 * its gradient as backprop.ts computes them for one seed, the passes backward, and one Adam step
 * per stacked weight. Returns each seed's epoch loss, as fit reports it.
 */
export function trainEpoch(
  tf: Tf,
  layers: StackedGradient[],
  counts: readonly number[],
  variables: Variable[],
  adam: StackedAdam,
  lossName: TrainerOptions['loss'],
  batches: Array<{ x: Tensor; y: Tensor; size: number }>,
  count: number,
  masks: StackedMasks,
): number[] {
  const seeds = variables[0].shape[0];
  let total: Tensor = tf.zeros([seeds]);
  const owned = byLayer(counts, variables);
  for (const { x, y, size } of batches) {
    const { value, grads } = tf.tidy(() => {
      const saved: unknown[] = [];
      let a = x;
      layers.forEach((layer, l) => {
        const step = layer.forward(a, owned[l]);
        saved.push(step.saved);
        a = step.output;
      });
      const { perWindow, da: dLoss } = lossAndGradient(tf, a, y, lossName, size);
      const value = tf.mean(perWindow, 1);
      let da = dLoss;
      const grads: Tensor[][] = new Array(layers.length);
      for (let l = layers.length - 1; l >= 0; l--) {
        const step = layers[l].backward(da, saved[l], owned[l], l > 0);
        grads[l] = step.grads;
        if (l > 0) da = step.dInput!;
      }
      return { value, grads: grads.flat() };
    });
    adam.apply(variables, grads);
    masks.hold(variables);
    tf.dispose(grads);
    const next = tf.tidy(() => tf.add(total, tf.mul(value, size)));
    tf.dispose([total, value]);
    total = next;
  }
  const losses = tf.tidy(() => Array.from(tf.mul(tf.div(1, count), total).dataSync()));
  total.dispose();
  return losses;
}

/** Each layer's share of the stacked weights, in order: as many as its tfjs layer has trainable weights. */
export function byLayer(counts: readonly number[], variables: readonly Tensor[]): Tensor[][] {
  const starts = counts.map((_, l) => counts.slice(0, l).reduce((a, b) => a + b, 0));
  return counts.map((count, l) => variables.slice(starts[l], starts[l] + count));
}
