// Multiply–accumulates per input window: what a model's weights cost to evaluate. Each layer kind
// says how many times each value of each of its weights is multiplied per window (a Conv1D kernel
// once per output step, a Dense kernel once per row, a recurrent kernel once per step); biases
// and pooling add or compare, and are not counted. `nonzero` counts only the weights that are not
// zero: the most a sparse kernel could skip; a dense kernel skips nothing.
import { kindOfLayer } from './layers/registry.ts';
import type { LayersModel } from './tf.ts';

/** Multiply-accumulates of one prediction: all of them, and those with a non-zero weight. */
export interface MacCount {
  macs: number;
  nonzeroMacs: number;
}

/**
 * The multiply-accumulates one prediction of the model costs, from its layer kinds: all, and those whose
 * weight is not zero.
 */
export function macsOf(model: LayersModel): MacCount {
  let macs = 0;
  let nonzeroMacs = 0;
  for (const layer of model.layers) {
    const kind = kindOfLayer(layer);
    const uses = kind.uses(layer);
    const values = layer.getWeights();
    kind.weights(layer).forEach(({ name }, i) => {
      const times = uses[name] ?? 0;
      if (times === 0) return;
      const weight = values[i].dataSync() as Float32Array;
      let nonzero = 0;
      for (const w of weight) if (w !== 0) nonzero++;
      macs += times * weight.length;
      nonzeroMacs += times * nonzero;
    });
  }
  return { macs, nonzeroMacs };
}
