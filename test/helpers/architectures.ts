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
};
