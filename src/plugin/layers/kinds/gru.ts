import { recurrentKind } from './recurrent.ts';
import { gruGradient } from './recurrent-gradient.ts';

// Gated recurrent unit (reset before the recurrent product, as tfjs's GRU does). Both orders are update, reset, candidate.
export default recurrentKind({
  type: 'gru',
  className: 'GRU',
  description: 'gated recurrent unit: units cells with update and reset gates',
  gates: 3,
  onnxOp: 'GRU',
  onnxGateOrder: [0, 1, 2],
  gated: true,
  gradient: gruGradient,
  build: (tf) => (args) => tf.layers.gru(args as never),
});
