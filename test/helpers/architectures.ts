// The paper's architecture for tests: the one experiments/paper.yaml runs (see bench/).
import type { LayerSpec } from '../../src/plugin/index.ts';

export { paperArchitecture } from '../../bench/paper-architecture.ts';

/**
 * Models that together use every layer option and activation runexp builds: for tests that must
 * hold for any model (ONNX export, tape-free gradients).
 */
export const EVERY_LAYER: Record<string, LayerSpec[]> = {
  paper: [
    { type: 'conv1d', filters: 5, kernelSize: 1, strides: 1, padding: 'valid', activation: 'relu' },
    { type: 'flatten' },
    { type: 'dense', units: 120, activation: 'relu' },
    { type: 'dense', units: 1, activation: 'linear' },
  ],
  'two strided convolutions, same padding, every activation': [
    { type: 'conv1d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu' },
    { type: 'conv1d', filters: 3, kernelSize: 2, strides: 1, padding: 'valid', activation: 'selu' },
    { type: 'flatten' },
    { type: 'dense', units: 7, activation: 'tanh' },
    { type: 'dense', units: 5, activation: 'softplus' },
    { type: 'dense', units: 2, activation: 'sigmoid' },
  ],
  'dense on every step, then flatten': [
    { type: 'dense', units: 6, activation: 'relu' },
    { type: 'flatten' },
    { type: 'dense', units: 1, activation: 'linear' },
  ],
  'convolution, lstm and gru returning sequences, simple rnn with relu': [
    { type: 'conv1d', filters: 3, kernelSize: 2, activation: 'tanh' },
    { type: 'lstm', units: 6, returnSequences: true },
    { type: 'gru', units: 5, returnSequences: true },
    { type: 'simpleRnn', units: 4, activation: 'relu' },
    { type: 'dense', units: 2, activation: 'linear' },
  ],
  'lstm forecaster': [
    { type: 'lstm', units: 8 },
    { type: 'dense', units: 1 },
  ],
  'gru forecaster': [
    { type: 'gru', units: 8 },
    { type: 'dense', units: 1 },
  ],
};

/**
 * Models that together use every layer kind of the registry beyond the paper's three, and every
 * activation: for ONNX export and the layer-kind tests.
 */
export const EVERY_KIND: Record<string, LayerSpec[]> = {
  'dilated convolutions, batch norm, max pooling, dropout, gelu': [
    { type: 'conv1d', filters: 6, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'gelu' },
    { type: 'batchNormalization' },
    { type: 'maxPooling1d', poolSize: 2 },
    { type: 'conv1d', filters: 4, kernelSize: 2, dilationRate: 3, activation: 'swish' },
    { type: 'dropout', rate: 0.3 },
    { type: 'flatten' },
    { type: 'dense', units: 5, activation: 'mish' },
    { type: 'dense', units: 1 },
  ],
  'layer norm, average pooling (same), global max pooling': [
    { type: 'conv1d', filters: 5, kernelSize: 3, activation: 'relu6' },
    { type: 'layerNormalization' },
    { type: 'averagePooling1d', poolSize: 3, strides: 2, padding: 'same' },
    { type: 'globalMaxPooling1d' },
    { type: 'dense', units: 4, activation: 'gelu_new' },
    { type: 'dense', units: 3, activation: 'softsign' },
    { type: 'dense', units: 2, activation: 'hardSigmoid' },
    { type: 'dense', units: 1, activation: 'softmax' },
  ],
  'lstm returning sequences, then gru': [
    { type: 'lstm', units: 6, returnSequences: true },
    { type: 'gru', units: 5 },
    { type: 'dense', units: 1 },
  ],
  'simple rnn with relu, global average pooling': [
    { type: 'simpleRnn', units: 4, returnSequences: true, activation: 'relu' },
    { type: 'globalAveragePooling1d' },
    { type: 'dense', units: 1 },
  ],
  'dilated residual CNN: one block keeps its channels, one is projected': [
    { type: 'conv1d', filters: 4, kernelSize: 1, activation: 'relu' },
    {
      type: 'residual',
      layers: [
        { type: 'conv1d', filters: 4, kernelSize: 3, dilationRate: 1, padding: 'same', activation: 'relu' },
        { type: 'conv1d', filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'relu' },
      ],
    },
    {
      type: 'residual',
      layers: [
        { type: 'conv1d', filters: 6, kernelSize: 3, dilationRate: 4, padding: 'same', activation: 'relu' },
        { type: 'dropout', rate: 0.1 },
      ],
    },
    { type: 'globalAveragePooling1d' },
    { type: 'residual', layers: [{ type: 'dense', units: 3, activation: 'tanh' }] },
    { type: 'dense', units: 1 },
  ],
  'causal convolutions, dilated and strided': [
    { type: 'conv1d', filters: 3, kernelSize: 3, dilationRate: 2, padding: 'causal', activation: 'relu' },
    { type: 'conv1d', filters: 2, kernelSize: 2, strides: 2, padding: 'causal', activation: 'tanh' },
    { type: 'flatten' },
    { type: 'dense', units: 1 },
  ],
  'bidirectional lstm (sequences, concatenated), then bidirectional gru (summed)': [
    { type: 'bidirectional', layer: { type: 'lstm', units: 4, returnSequences: true } },
    { type: 'bidirectional', layer: { type: 'gru', units: 3 }, mergeMode: 'sum' },
    { type: 'dense', units: 1 },
  ],
  'bidirectional simple rnns, averaged and multiplied': [
    { type: 'bidirectional', layer: { type: 'simpleRnn', units: 3, returnSequences: true }, mergeMode: 'ave' },
    { type: 'bidirectional', layer: { type: 'simpleRnn', units: 2 }, mergeMode: 'mul' },
    { type: 'dense', units: 1 },
  ],
  "lstm with tfjs's hard-sigmoid gates": [
    { type: 'lstm', units: 3, recurrentActivation: 'hardSigmoid' },
    { type: 'dense', units: 1 },
  ],
};
