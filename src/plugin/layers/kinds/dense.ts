// A fully connected layer: the paper's hidden and output layers. On a [steps, features] input it
// applies to every step (as Keras does), which is why its MACs count the rows it multiplies.
import { z } from 'zod';
import { activationSchema } from '../activations.ts';
import { defineLayerKind, inputShapeOf, kernelAndBias, product } from '../kind.ts';
import { affineGradient, denseProduct } from './affine-gradient.ts';
import { stackedDense } from './stacked-affine.ts';
import { unitShrink } from '../shrink.ts';

export default defineLayerKind({
  type: 'dense',
  className: 'Dense',
  description: 'fully connected: units outputs, each a weighted sum of all inputs',
  prunable: true,
  options: z.strictObject({
    units: z.int().positive(),
    activation: activationSchema.default('linear'),
  }),
  outputShape: (input, o) => [...input.slice(0, -1), o.units],
  build: (tf, o, at) =>
    tf.layers.dense({
      ...(at.inputShape ? { inputShape: at.inputShape } : {}),
      name: at.name,
      units: o.units,
      activation: o.activation,
      kernelInitializer: tf.initializers.glorotUniform({ seed: at.seed(0) }),
    }),
  weights: kernelAndBias,
  uses: (layer) => ({ kernel: product(inputShapeOf(layer).slice(0, -1)) }),
  onnx(layer, graph) {
    const [kernel, bias] = layer.getWeights();
    graph.op('MatMul', layer.name, [graph.constant(`${layer.name}/kernel`, kernel.shape, kernel.dataSync() as Float32Array)]);
    if (bias) graph.op('Add', layer.name, [graph.constant(`${layer.name}/bias`, bias.shape, bias.dataSync() as Float32Array)]);
  },
  gradient: (tf, layer) => affineGradient(tf, layer, denseProduct(tf)),
  stacked: (tf, layer) => stackedDense(tf, layer),
  // ONNX keeps tfjs's [in, out] kernel: MatMul.
  quantized: { weights: ['kernel'], int8Activations: true, onnx: (layer) => ({ initializer: `${layer.name}/kernel`, axis: 1 }) },
  shrink: unitShrink({ unitsOf: (layer) => (layer.getConfig() as { units: number }).units }),
  units: (o) => o.units,
  withUnits: (o, units) => ({ ...o, units }),
});
