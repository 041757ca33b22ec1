import { recurrentKind } from './recurrent.ts';
import { simpleRnnGradient } from './recurrent-gradient.ts';

// The plain recurrent layer: h = activation(x W + h R + b).
export default recurrentKind({
  type: 'simpleRnn',
  className: 'SimpleRNN',
  description: 'plain recurrent layer: h = activation(x·W + h·R + b)',
  gates: 1,
  onnxOp: 'RNN',
  onnxGateOrder: [0],
  gated: false,
  gradient: simpleRnnGradient,
  build: (tf) => (args) => tf.layers.simpleRNN(args as never),
});
