// The sum that ends a residual block (layers/residual.ts): not written in specs, but a layer of
// the built model, so it has a kind like every other.
import { z } from 'zod';
import { defineLayerKind } from '../kind.ts';

export default defineLayerKind({
  type: 'add',
  className: 'Add',
  internal: true,
  description: "the sum of a residual block's input (or its projection) and its layers' output",
  prunable: false,
  options: z.strictObject({}),
  outputShape: (input) => input,
  build: (tf, _o, at) => tf.layers.add({ name: at.name }),
  weights: () => [],
  uses: () => ({}),
  onnx: (layer, graph) => void graph.op('Add', layer.name, [graph.inputs[1]]),
});
