// The input of a model built with tfjs's functional API (one with a residual block): the window.
import { z } from 'zod';
import { defineLayerKind } from '../kind.ts';

export default defineLayerKind({
  type: 'input',
  className: 'InputLayer',
  internal: true,
  description: 'the window, [steps, features]',
  prunable: false,
  options: z.strictObject({}),
  outputShape: (input) => input,
  build: () => {
    throw new Error('the input layer is made by the functional API, not built from a spec');
  },
  weights: () => [],
  uses: () => ({}),
  onnx: () => {},
});
