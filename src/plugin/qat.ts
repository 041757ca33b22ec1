// Quantisation-aware training: hooks that let a pruner's own training see the model as the
// quantize compactor will store it (int8 per output channel, plugins/compact/quantize.ts), with the
// straight-through estimator. The model's kernels always hold Q(F), the quantised values of float
// shadow weights F; each optimizer step computes its gradient at Q(F) and moves the variable by Δ,
// which the next hook adds to F (F ← F + Δ, the variable ← Q(F)). So small updates accumulate in F
// instead of being rounded away, and the loss early stopping watches is the quantised model's.
import { z } from 'zod';
import { dequantizeInt8, quantizedWeightsOf, quantizeInt8 } from './quantization.ts';
import { weightIndex } from './layers/registry.ts';
import type { LayersModel, Tf } from './tf.ts';
import type { TrainingHooks } from './training-api.ts';

/**
 * A retraining pruner's `qat` option: `int8` retrains through the int8 per-channel weights the
 * quantize compactor stores (fakeQuantHooks); `none`, the default, in float32. Optional without a
 * default, so that adding it to a pruner keeps the run ids of its existing specs.
 */
export const qatOption = z
  .enum(['none', 'int8'])
  .optional()
  .describe(
    'int8: quantisation-aware retraining, through the int8 per-channel weights the quantize compactor stores (straight-through estimator); none (the default) trains in float32',
  );

interface Shadow {
  layer: string;
  index: number;
  shape: number[];
  float: Float32Array;
  quantized: Float32Array;
}

/**
 * int8 per output channel (the last axis), dequantised: what the compactor will store, except that
 * a weight that is not zero never rounds to zero (it takes the smallest step of its sign). Zero is
 * left to the pruned weights, which the mask hooks keep at exactly 0 in F too: otherwise a small
 * weight would flicker in and out of zero between steps, and the pruner's count of what it pruned
 * would include weights it did not prune.
 */
function fakeQuantized(values: Float32Array, channels: number): Float32Array {
  const { q, scales } = quantizeInt8(values, channels, 'per-channel');
  for (let i = 0; i < q.length; i++) if (q[i] === 0 && values[i] !== 0) q[i] = values[i] > 0 ? 1 : -1;
  return dequantizeInt8(q, scales, channels);
}

/** Hooks that train through int8 per-channel weights (those the quantize compactor stores) with float shadow weights. */
export function fakeQuantHooks(tf: Tf): TrainingHooks {
  let shadows: Shadow[] = [];
  const write = (model: LayersModel) => {
    for (const s of shadows) {
      const layer = model.getLayer(s.layer);
      const weights = layer.getWeights();
      const kernel = tf.tensor(s.quantized, s.shape);
      layer.setWeights(weights.map((w, i) => (i === s.index ? kernel : w)));
      kernel.dispose();
    }
  };
  /** Shadow weights from the model's kernels as they are now. */
  const start = (model: LayersModel) => {
    shadows = model.layers.flatMap((layer) =>
      (quantizedWeightsOf(layer)?.weights ?? []).map((name) => {
        const index = weightIndex(layer, name);
        const kernel = layer.getWeights()[index];
        const float = Float32Array.from(kernel.dataSync());
        return { layer: layer.name, index, shape: kernel.shape, float, quantized: fakeQuantized(float, kernel.shape.at(-1)!) };
      }),
    );
    write(model);
  };
  return {
    onTrainBegin: start,
    onBatchEnd(model) {
      for (const s of shadows) {
        const now = model.getLayer(s.layer).getWeights()[s.index].dataSync();
        // The step moved the variable from Q(F) to Q(F) + Δ: F takes the whole Δ.
        for (let i = 0; i < s.float.length; i++) s.float[i] += now[i] - s.quantized[i];
        s.quantized = fakeQuantized(s.float, s.shape.at(-1)!);
      }
      write(model);
    },
    // Early stopping restored the weights of its best epoch (quantised then): train on from them.
    onRestoreBest: start,
  };
}
