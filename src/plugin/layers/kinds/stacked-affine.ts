// The stacked pass (StackedGradient) of dense and of a pointwise conv1d (kernelSize 1, stride 1):
// activation(input · kernel + bias) over the last axis, for every seed at once. The products run
// through stackedMatMul, which sums as XNNPACK does, and everything else is element-wise or a sum
// over rows in the order tfjs's wasm kernels sum them alone; so each seed's values are those of
// affine-gradient.ts on that seed alone, to the bit (test/unit/stacked.test.ts).
import { activate, activationGradient, isFastActivation } from '../activation-gradients.ts';
import { layerActivation } from '../activations.ts';
import { dims, type Layer, reshaped, type StackedGradient } from '../kind.ts';
import {
  canStackMatMul,
  stackedBiasedMatMul,
  stackedColumnSums,
  stackedKernelGradientF64,
  stackedMatMul,
  stackedReluGradient,
} from '../stacked-matmul.ts';
import type { Tensor, Tf } from '../../tf.ts';

interface Saved {
  rows: Tensor;
  z: Tensor;
  output: Tensor;
}

/**
 * dLoss/dKernel from [seeds, rows, in] inputs and [seeds, rows, out] dz: for dense, a transposed
 * product; for the pointwise conv1d, the sum in float64 that wasm's Conv2DBackpropFilter computes
 * (src/execute/wasm-conv-grad.ts, whose loop over batch and steps is the loop over rows here).
 */
type KernelGradient = (tf: Tf, rows: Tensor, dz: Tensor, kernelShape: number[]) => Tensor;

const denseKernelGradient: KernelGradient = (tf, rows, dz) => stackedMatMul(tf, rows, dz, true);

const pointwiseConvKernelGradient: KernelGradient = (tf, rows, dz, kernelShape) =>
  reshaped(tf, stackedKernelGradientF64(tf, rows, dz), kernelShape);

function stackedAffine(tf: Tf, layer: Layer, kernelGradient: KernelGradient): StackedGradient<Saved> | undefined {
  const config = layer.getConfig() as Record<string, unknown>;
  const activation = layerActivation(config);
  const useBias = config.useBias !== false;
  if (!layer.trainable || !isFastActivation(activation) || !canStackMatMul(tf)) return undefined;
  if (layer.trainableWeights.length !== (useBias ? 2 : 1)) return undefined;
  return {
    forward(input, [kernel, bias]) {
      // The input may have one seed for all (validation windows); the kernel has every seed.
      const [inputSeeds, ...shape] = dims(input);
      const seeds = dims(kernel)[0];
      const [inputs, outputs] = dims(kernel).slice(-2);
      const rows = reshaped(tf, input, [inputSeeds, -1, inputs]);
      const weights = reshaped(tf, kernel, [seeds, inputs, outputs]);
      const outputShape = [seeds, ...shape.slice(0, -1), outputs];
      if (useBias && (activation === 'relu' || activation === 'linear')) {
        // Product, bias and ReLU in one op (the same values as the three ops below).
        const fused = stackedBiasedMatMul(tf, rows, weights, reshaped(tf, bias, [seeds, outputs]), activation === 'relu');
        const z = reshaped(tf, fused.z, outputShape);
        const output = fused.output === fused.z ? z : reshaped(tf, fused.output, outputShape);
        return { output, saved: { rows, z, output } };
      }
      const product = stackedMatMul(tf, rows, weights);
      const z = reshaped(tf, useBias ? tf.add(product, reshaped(tf, bias, [seeds, 1, outputs])) : product, outputShape);
      const output = activate(tf, z, activation);
      return { output, saved: { rows, z, output } };
    },
    backward(da, { rows, z, output }, [kernel], needInput) {
      const [seeds, , inputs] = dims(rows);
      const outputs = dims(kernel).at(-1)!;
      const dActivation = activation === 'relu' ? stackedReluGradient(tf, da, z) : activationGradient(tf, da, z, output, activation);
      const dz = reshaped(tf, dActivation, [seeds, -1, outputs]);
      const grads = [kernelGradient(tf, rows, dz, dims(kernel))];
      if (useBias) grads.push(stackedColumnSums(tf, dz));
      if (!needInput) return { grads };
      const dRows = stackedMatMul(tf, dz, reshaped(tf, kernel, [seeds, inputs, outputs]), false, true);
      return { grads, dInput: reshaped(tf, dRows, [...dims(z).slice(0, -1), inputs]) };
    },
  };
}

export const stackedDense = (tf: Tf, layer: Layer) => stackedAffine(tf, layer, denseKernelGradient);

/**
 * A conv1d whose kernel spans one step with stride 1 is a dense layer over channels. Only as the
 * model's first layer: its input gradient would come from wasm's Conv2DBackpropInput, whose sums
 * this does not reproduce. Other convolutions have no stacked pass.
 */
export function stackedPointwiseConv(tf: Tf, layer: Layer, first: boolean) {
  const config = layer.getConfig() as { kernelSize: number[]; strides: number[]; dilationRate: number | number[]; padding: string };
  const dilation = Array.isArray(config.dilationRate) ? config.dilationRate[0] : config.dilationRate;
  const pointwise = config.kernelSize[0] === 1 && config.strides[0] === 1 && (dilation ?? 1) === 1 && config.padding !== 'causal';
  return first && pointwise ? stackedAffine(tf, layer, pointwiseConvKernelGradient) : undefined;
}
