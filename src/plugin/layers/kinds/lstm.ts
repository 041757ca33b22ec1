import { recurrentKind } from './recurrent.ts';
import { lstmGradient } from './recurrent-gradient.ts';

// Long short-term memory. tfjs's gates are input, forget, cell, output; ONNX's input, output, forget, cell.
export default recurrentKind({
  type: 'lstm',
  className: 'LSTM',
  description: 'long short-term memory: units cells with input, forget and output gates',
  gates: 4,
  onnxOp: 'LSTM',
  onnxGateOrder: [0, 3, 1, 2],
  gated: true,
  gradient: lstmGradient,
  build: (tf) => (args) => tf.layers.lstm(args as never),
});
