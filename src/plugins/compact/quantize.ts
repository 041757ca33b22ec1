// Post-training quantisation as a compactor: the pruned weights go into a model of the same
// architecture with every dense and conv1d kernel quantised (int8 per output channel or per
// tensor, or float16); biases, normalisation and recurrent weights stay float32 (the record lists
// what was quantised). The model holds the dequantised values, so every measurement of it is the
// quantised model's (plugin/quantization.ts); the measure stage stores and exports it as int8 or
// float16 from `quantization`. Pruned zeros stay zero: int8 is symmetric, and float16 keeps 0.
import { z } from 'zod';
import { buildModel, kindOfLayer, weightIndex } from '../../plugin/kit/model.ts';
import { definePlugin } from '../../plugin/index.ts';
import {
  dequantizeInt8,
  type ModelQuantization,
  QUANTIZATION_BITS,
  QUANTIZATION_SCHEMES,
  quantizeInt8,
  roundToFloat16,
} from '../../plugin/quantization.ts';

/** The layer kinds whose kernels are quantised (and exported as int8 or float16). */
export const QUANTIZED_KINDS = ['dense', 'conv1d'];

export default definePlugin({
  slot: 'compact',
  name: 'quantize',
  description:
    'Copies the pruned weights into a model of the same architecture with its dense and conv1d kernels quantised to int8 (per channel or per tensor) or float16.',
  options: z.strictObject({
    bits: z.literal(QUANTIZATION_BITS).default(8).describe('8: int8 weights with float32 scales; 16: float16 weights'),
    scheme: z.enum(QUANTIZATION_SCHEMES).default('per-channel').describe('int8 only: one scale per output channel, or one per tensor'),
    activations: z
      .literal('none')
      .default('none')
      .describe('activations stay float32 (weight-only quantisation); int8 activations are not supported yet'),
  }),
  axes: ['bits', 'scheme'],
  run: (req, options, ctx) => {
    const { tf } = ctx;
    const input = req.original.inputs[0].shape.slice(1) as [number, number];
    const model = buildModel(tf, req.architecture, input, 0);
    model.setWeights(req.pruned.model.getWeights());
    const quantization: ModelQuantization = { bits: options.bits, scheme: options.scheme, activations: 'none', weights: [] };
    for (const layer of model.layers) {
      if (!QUANTIZED_KINDS.includes(kindOfLayer(layer).type)) continue;
      const index = weightIndex(layer, 'kernel');
      const weights = layer.getWeights();
      const kernel = weights[index];
      const values = kernel.dataSync() as Float32Array;
      const channels = kernel.shape.at(-1)!;
      let stored: Float32Array;
      let scales: number[] = [];
      if (options.bits === 8) {
        const int8 = quantizeInt8(values, channels, options.scheme);
        scales = int8.scales;
        stored = dequantizeInt8(int8.q, scales, channels);
      } else {
        stored = roundToFloat16(values);
      }
      // getWeights hands out the layer's own variables: only the new kernel is ours to free.
      const quantized = tf.tensor(stored, kernel.shape);
      layer.setWeights(weights.map((w, i) => (i === index ? quantized : w)));
      quantized.dispose();
      quantization.weights.push({ layer: layer.name, weight: 'kernel', scales });
    }
    return { model, architecture: req.architecture, quantization };
  },
});
