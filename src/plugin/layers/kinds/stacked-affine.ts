// The stacked pass (StackedGradient) of dense and of a pointwise conv1d (kernelSize 1, stride 1):
// activation(input · kernel + bias) over the last axis, for every seed at once. The products run
// through stackedMatMul, which sums as XNNPACK does, and everything else is element-wise or a sum
// over rows in the order tfjs's wasm kernels sum them alone; so each seed's values are those of
// affine-gradient.ts on that seed alone, to the bit (test/unit/stacked.test.ts).
import { activate, activationGradient, isFastActivation } from '../activation-gradients.ts';
import { layerActivation } from '../activations.ts';
import { dims, type Layer, type StackedGradient } from '../kind.ts';
import { canStackMatMul, stackedMatMul } from '../stacked-matmul.ts';
import type { Tensor, Tf } from '../../tf.ts';

interface Saved {
  rows: Tensor;
  z: Tensor;
  output: Tensor;
}

/**
 * dLoss/dKernel from [seeds, rows, in] inputs and [seeds, rows, out] dz: for dense, a transposed
 * product; for the pointwise conv1d, the sum in float64 that wasm's Conv2DBackpropFilter computes
 * (src/execute/wasm-conv-grad.ts, whose loop over batch and steps is this loop over rows).
 */
type KernelGradient = (tf: Tf, rows: Tensor, dz: Tensor, kernelShape: number[]) => Tensor;

const denseKernelGradient: KernelGradient = (tf, rows, dz) => stackedMatMul(tf, rows, dz, true);

const pointwiseConvKernelGradient: KernelGradient = (tf, rows, dz, kernelShape) => {
  const [seeds, count, inputs] = dims(rows);
  const outputs = dims(dz)[2];
  const x = rows.dataSync() as Float32Array;
  const dy = dz.dataSync() as Float32Array;
  const dw = new Float32Array(seeds * inputs * outputs);
  const sums = new Float64Array(inputs * outputs);
  for (let s = 0; s < seeds; s++) {
    // Row by row into every (input, output) sum at once: each sum still adds its rows in order.
    sums.fill(0);
    for (let r = 0; r < count; r++) {
      const xr = (s * count + r) * inputs;
      const dyr = (s * count + r) * outputs;
      for (let i = 0; i < inputs; i++) {
        const xi = x[xr + i];
        for (let o = 0; o < outputs; o++) sums[i * outputs + o] += xi * dy[dyr + o];
      }
    }
    dw.set(sums, s * inputs * outputs);
  }
  return tf.tensor(dw, kernelShape);
};

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
      const rows = tf.reshape(input, [inputSeeds, -1, inputs]);
      const product = stackedMatMul(tf, rows, tf.reshape(kernel, [seeds, inputs, outputs]));
      const z = tf.reshape(useBias ? tf.add(product, tf.reshape(bias, [seeds, 1, outputs])) : product, [
        seeds,
        ...shape.slice(0, -1),
        outputs,
      ]);
      const output = activate(tf, z, activation);
      return { output, saved: { rows, z, output } };
    },
    backward(da, { rows, z, output }, [kernel], needInput) {
      const [seeds, , inputs] = dims(rows);
      const outputs = dims(kernel).at(-1)!;
      const dz = tf.reshape(activationGradient(tf, da, z, output, activation), [seeds, -1, outputs]);
      const grads = [kernelGradient(tf, rows, dz, dims(kernel))];
      if (useBias) grads.push(tf.sum(dz, 1));
      if (!needInput) return { grads };
      const dRows = stackedMatMul(tf, dz, tf.reshape(kernel, [seeds, inputs, outputs]), false, true);
      return { grads, dInput: tf.reshape(dRows, [...dims(z).slice(0, -1), inputs]) };
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
