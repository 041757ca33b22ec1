// Multiply–accumulates per input window: what a model's layers cost to evaluate. A Conv1D
// kernel weight is used once per output step, a Dense weight once. `nonzero` counts only the
// weights that are not zero: the most a sparse kernel could skip; a dense kernel skips nothing.
import type { LayersModel } from './tf.ts';

export interface MacCount {
  macs: number;
  nonzeroMacs: number;
}

export function macsOf(model: LayersModel): MacCount {
  let macs = 0;
  let nonzeroMacs = 0;
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind !== 'Conv1D' && kind !== 'Dense') continue;
    const kernel = layer.getWeights()[0].dataSync() as Float32Array;
    const uses = kind === 'Conv1D' ? ((layer.outputShape as number[])[1] ?? 1) : 1;
    let nonzero = 0;
    for (const w of kernel) if (w !== 0) nonzero++;
    macs += uses * kernel.length;
    nonzeroMacs += uses * nonzero;
  }
  return { macs, nonzeroMacs };
}
