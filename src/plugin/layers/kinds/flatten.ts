// Flattens [steps, channels] into one vector per window, as the paper's model does before its dense layers.
import { z } from 'zod';
import { defineLayerKind, dims, product } from '../kind.ts';
import { int } from '../../onnx/graph.ts';
import { flattenChannels } from '../shrink.ts';

export default defineLayerKind({
  type: 'flatten',
  className: 'Flatten',
  description: 'one vector per window from [steps, channels]',
  prunable: false,
  options: z.strictObject({}),
  outputShape: (input) => [product(input)],
  build: (tf, _o, at) => tf.layers.flatten({ ...(at.inputShape ? { inputShape: at.inputShape } : {}), name: at.name }),
  weights: () => [],
  uses: () => ({}),
  gradient: (tf) => ({
    forward: (input) => ({ output: tf.reshape(input, [input.shape[0], -1]), saved: input.shape }),
    backward: (dOutput, shape) => ({ dInput: tf.reshape(dOutput, shape as number[]), grads: {} }),
  }),
  stacked: (tf) => ({
    forward: (input) => ({ output: tf.reshape(input, [...dims(input).slice(0, 2), -1]), saved: input.shape }),
    backward: (dOutput, shape) => ({ dInput: tf.reshape(dOutput, shape as number[]), grads: [] }),
  }),
  shrink: flattenChannels,
  onnx: (layer, graph) => void graph.op('Flatten', layer.name, [], [int('axis', 1)]),
});
