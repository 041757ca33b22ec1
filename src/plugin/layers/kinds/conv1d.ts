// A 1-D convolution over the window's steps: the paper's first layer. `dilationRate` spaces the
// kernel's taps and `padding: causal` keeps each output from seeing later steps (TCN-style
// stacks, causal-conv1d.ts); ONNX convolves [batch, channels, steps], so its export wraps the Conv
// in two Transposes.
import { z } from 'zod';
import { activationSchema } from '../activations.ts';
import { defineLayerKind, inputShapeOf, kernelAndBias, outputShapeOf } from '../kind.ts';
import { ints, samePads } from '../../onnx/graph.ts';
import { ensureDilatedGradient } from './dilated-gradient.ts';
import { affineGradient, convProduct } from './affine-gradient.ts';
import { stackedPointwiseConv } from './stacked-affine.ts';
import { CAUSAL_CLASS_NAME, causalConv1dClass } from './causal-conv1d.ts';
import { unitShrink } from '../shrink.ts';

/** tfjs stores a Conv1D kernel as [kernel, in, out]; ONNX wants [out, in, kernel]. */
function kernelToOnnx(values: Float32Array, [k, cin, f]: number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let t = 0; t < k; t++)
    for (let c = 0; c < cin; c++) for (let o = 0; o < f; o++) out[(o * cin + c) * k + t] = values[(t * cin + c) * f + o];
  return out;
}

const dilationOf = (config: Record<string, unknown>): number => {
  const d = config.dilationRate;
  return (Array.isArray(d) ? d[0] : d) ?? 1;
};

export default defineLayerKind({
  type: 'conv1d',
  className: 'Conv1D',
  aliases: [CAUSAL_CLASS_NAME],
  register: (tf) => void causalConv1dClass(tf),
  description: '1-D convolution: filters kernels of kernelSize steps slide over the window',
  prunable: true,
  options: z.strictObject({
    filters: z.int().positive(),
    kernelSize: z.int().positive(),
    strides: z.int().positive().default(1),
    padding: z
      .enum(['valid', 'same', 'causal'])
      .default('valid')
      .describe('valid: no padding; same: as many steps out as in; causal: as many, each from its own and earlier steps only'),
    dilationRate: z.int().positive().optional().describe("spacing of the kernel's taps (1 when left out); needs strides 1"),
    activation: activationSchema.default('linear'),
  }),
  outputShape(input, o) {
    if (input.length !== 2) return `conv1d needs [steps, channels] input (after a flatten or a global pooling?)`;
    const dilation = o.dilationRate ?? 1;
    if (dilation > 1 && o.strides > 1) return 'conv1d cannot combine dilationRate > 1 with strides > 1 (tfjs does not support it)';
    const span = (o.kernelSize - 1) * dilation + 1;
    const steps = o.padding !== 'valid' ? Math.ceil(input[0] / o.strides) : Math.floor((input[0] - span) / o.strides) + 1;
    if (steps < 1) return `conv1d's kernel spans ${span} steps but its input has only ${input[0]}`;
    return [steps, o.filters];
  },
  build: (tf, o, at) => {
    if ((o.dilationRate ?? 1) > 1) ensureDilatedGradient(tf);
    const args = {
      ...(at.inputShape ? { inputShape: at.inputShape } : {}),
      name: at.name,
      filters: o.filters,
      kernelSize: o.kernelSize,
      strides: o.strides,
      padding: o.padding,
      ...(o.dilationRate ? { dilationRate: o.dilationRate } : {}),
      activation: o.activation,
      kernelInitializer: tf.initializers.glorotUniform({ seed: at.seed(0) }),
    };
    return o.padding === 'causal'
      ? new (causalConv1dClass(tf))(args)
      : tf.layers.conv1d(args as typeof args & { padding: 'valid' | 'same' });
  },
  weights: kernelAndBias,
  uses: (layer) => ({ kernel: outputShapeOf(layer)[0] }),
  onnx(layer, graph) {
    const config = layer.getConfig() as Record<string, unknown>;
    const [kernel, bias] = layer.getWeights();
    const [k, cin, f] = kernel.shape;
    const stride = (config.strides as number[])[0];
    const dilation = dilationOf(config);
    const span = (k - 1) * dilation + 1;
    const pads = config.padding === 'causal' ? [span - 1, 0] : samePads(config.padding, inputShapeOf(layer)[0], span, stride);
    const inputs = [graph.constant(`${layer.name}/kernel`, [f, cin, k], kernelToOnnx(kernel.dataSync() as Float32Array, kernel.shape))];
    if (bias) inputs.push(graph.constant(`${layer.name}/bias`, bias.shape, bias.dataSync() as Float32Array));
    graph.op('Transpose', `${layer.name}/in`, [], [ints('perm', [0, 2, 1])]);
    graph.op('Conv', layer.name, inputs, [
      ints('kernel_shape', [k]),
      ints('strides', [stride]),
      ints('pads', pads),
      ints('dilations', [dilation]),
    ]);
    graph.op('Transpose', `${layer.name}/out`, [], [ints('perm', [0, 2, 1])]);
  },
  gradient(tf, layer) {
    const config = layer.getConfig() as Record<string, unknown>;
    if (dilationOf(config) !== 1 || config.padding === 'causal') return undefined;
    return affineGradient(tf, layer, convProduct(tf, (config.strides as number[])[0], config.padding as 'valid' | 'same'));
  },
  stacked: (tf, layer, first) => stackedPointwiseConv(tf, layer, first),
  // ONNX's Conv kernel is [filters, in, k].
  quantized: { weights: ['kernel'], int8Activations: true, onnx: (layer) => ({ initializer: `${layer.name}/kernel`, axis: 0 }) },
  shrink: unitShrink({ convolution: true, unitsOf: (layer) => (layer.getConfig() as { filters: number }).filters }),
  units: (o) => o.filters,
  withUnits: (o, filters) => ({ ...o, filters }),
});
