// The paper's architecture for tests and benchmarks: Conv1D(5, k=1, relu) → Flatten →
// Dense(120, relu) → Dense(1, output). The paper's output is ReLU; a linear output never dies.
import type { Architecture } from '../../src/index.ts';

export function paperArchitecture(output: 'relu' | 'linear' = 'relu'): Architecture {
  return {
    name: 'paper',
    layers: [
      { type: 'conv1d', filters: 5, kernelSize: 1, strides: 1, padding: 'valid', activation: 'relu' },
      { type: 'flatten' },
      { type: 'dense', units: 120, activation: 'relu' },
      { type: 'dense', units: 1, activation: output },
    ],
  };
}
