// Drops a share of its inputs while training (seeded); passes everything through at inference.
import { z } from 'zod';
import { defineLayerKind } from '../kind.ts';
import { passChannels } from '../shrink.ts';

export default defineLayerKind({
  type: 'dropout',
  className: 'Dropout',
  description: 'zeroes a random share `rate` of its inputs in training (seeded); identity at inference',
  prunable: false,
  options: z.strictObject({ rate: z.number().min(0).lt(1) }),
  outputShape: (input) => input,
  build: (tf, o, at) =>
    tf.layers.dropout({ ...(at.inputShape ? { inputShape: at.inputShape } : {}), name: at.name, rate: o.rate, seed: at.seed(0) }),
  weights: () => [],
  shrink: passChannels,
  uses: () => ({}),
  // At inference a dropout is the identity: nothing to write.
  onnx: () => {},
});
