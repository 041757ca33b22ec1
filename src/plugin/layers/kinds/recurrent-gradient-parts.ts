// The parts the recurrent kinds' tape-free gradients share (recurrent-gradient.ts): which layers
// they cover, the fused per-gate weights, and the step helpers built from them.
import { isFastActivation, type FastActivation } from '../activation-gradients.ts';
import { dims, trainableVariables, type Layer, type Variable } from '../kind.ts';
import type { Tensor, Tf } from '../../tf.ts';

export const activationOf = (config: Record<string, unknown>, key: string): string | undefined => {
  const a = config[key];
  return typeof a === 'string' ? a : (a as { className?: string } | undefined)?.className;
};

export interface Covered {
  kernel: Variable;
  recurrent: Variable;
  bias: Variable;
  units: number;
  activation: FastActivation;
  sequences: boolean;
}

/** The layer's variables when this module can differentiate it, else undefined. */
export function covered(layer: Layer, gated: boolean): Covered | undefined {
  const config = layer.getConfig() as Record<string, unknown>;
  const activation = activationOf(config, 'activation');
  const plain = !config.goBackwards && !config.stateful && !config.dropout && !config.recurrentDropout && config.useBias !== false;
  const weights = trainableVariables(layer);
  if (!layer.trainable || !plain || weights.length !== 3) return undefined;
  if (gated ? activation !== 'tanh' || activationOf(config, 'recurrentActivation') !== 'sigmoid' : !isFastActivation(activation))
    return undefined;
  const [kernel, recurrent, bias] = weights;
  return {
    kernel,
    recurrent,
    bias,
    units: dims(recurrent)[0],
    activation: activation as FastActivation,
    sequences: Boolean(config.returnSequences),
  };
}

/**
 * The loop's few remaining element-wise ops as their kernels (the cells' own are recurrent-cells.ts):
 * tf.mul and the like first convert and check their arguments and open a scope, ~5 µs per call,
 * more than the kernel itself on these sizes.
 */
export function kernels(tf: Tf) {
  const engine = tf.engine();
  const run = (name: string, inputs: object, attrs: object = {}) => engine.runKernel(name, inputs as never, attrs as never) as Tensor;
  return {
    mul: (a: Tensor, b: Tensor) => run('Multiply', { a, b }),
    add: (a: Tensor, b: Tensor) => run('Add', { a, b }),
    concat: (tensors: Tensor[], axis: number) => run('Concat', tensors, { axis }),
  };
}

/** Ops the recurrent gradients share, bound to one tf. */
export function helpers(tf: Tf, at: Covered) {
  const { units } = at;
  const product = (a: Tensor, b: Tensor, transposeA = false, transposeB = false) =>
    tf.matMul(a as never, b as never, transposeA, transposeB);
  const $ = {
    product,
    /** The input [n, T, f] as T tensors [1, n, f]: the loop works on [1, n, ·] for the fused kernel. */
    steps: (input: Tensor) => tf.unstack(tf.reshape(tf.transpose(input, [1, 0, 2]), [dims(input)[1], 1, dims(input)[0], dims(input)[2]])),
    /** The initial state [1, n, u]. */
    zeros: (input: Tensor) => tf.zeros([1, dims(input)[0], units]),
    /** Gate g's columns of the [recurrent kernel; kernel] stack, and of the bias, times `scale`. */
    gate(g: number, scale = 1) {
      const columns = (w: Tensor) => tf.slice(w, [0, g * units], [-1, units]);
      const stacked = tf.expandDims(tf.concat([columns(at.recurrent), columns(at.kernel)], 0), 0);
      const bias = tf.slice(at.bias, [g * units], [units]);
      return scale === 1 ? { w: stacked, b: bias } : { w: tf.mul(stacked, scale), b: tf.mul(bias, scale) };
    },
    /** v·w + b, then the activation, in one kernel (tf.fused.matMul's wrapper costs more than the kernel). */
    affine: (v: Tensor, gate: { w: Tensor; b: Tensor }, activation: 'sigmoid' | 'linear') =>
      tf.engine().runKernel('_FusedMatMul', { a: v, b: gate.w, bias: gate.b }, {
        transposeA: false,
        transposeB: false,
        activation,
      } as never) as Tensor,
    /** The layer's output from its states: the last one, or all of them as [n, T, u]. */
    output: (states: Tensor[]) => (at.sequences ? tf.transpose(tf.concat(states, 0), [1, 0, 2]) : tf.squeeze(states.at(-1)!, [0])),
    /** dLoss/dh_t from outside the recurrence, per step (undefined where only the last step is output). */
    outside(dOutput: Tensor, steps: number): (Tensor | undefined)[] {
      if (at.sequences) return tf.unstack(tf.expandDims(tf.transpose(dOutput, [1, 0, 2]), 1));
      return Array.from({ length: steps }, (_, t) => (t === steps - 1 ? tf.expandDims(dOutput, 0) : undefined));
    },
    plus: (a: Tensor | undefined, b: Tensor | undefined): Tensor => (a && b ? tf.add(a, b) : (a ?? b)!),
    /** Σ over rows, as a product with a row of ones (tf.sum over axis 0 is 4× slower on wasm). */
    columnSums: (m: Tensor) => tf.reshape(product(tf.ones([1, dims(m)[0]]), m), [dims(m)[1]]),
    /** dLoss/dInput [n, T, f] from the pre-activations' gradients stacked step-major [T·n, columns]. */
    inputGradient: (dz: Tensor, [n, steps, features]: number[]) =>
      tf.transpose(tf.reshape(product(dz, at.kernel, false, true), [steps, n, features]), [1, 0, 2]),
    /** Per-step [1, n, c] tensors as one step-major [T·n, c] matrix. */
    rows: (list: Tensor[]) => tf.reshape(tf.concat(list, 0), [-1, dims(list[0])[2]]),
    /** A weight's transpose as [1, ·, ·], for products with the loop's [1, n, ·] tensors. */
    transposed: (w: Tensor) => tf.expandDims(tf.transpose(w), 0),
    /** The gradient of a [recurrent kernel; kernel] stack split back into its two parts. */
    unstack: (g: Tensor) => tf.split(g, [units, dims(g)[0] - units], 0),
  };
  return {
    ...$,
    /**
     * The weights' and the input's gradients of a layer whose every step multiplied [h, x_t] (`v`)
     * by one [recurrent kernel; kernel] stack, from each step's pre-activation gradient.
     */
    gradients(v: Tensor[], perStep: Tensor[], input: Tensor, needInput: boolean) {
      const dz = $.rows(perStep);
      const [dRecurrent, dKernel] = $.unstack($.product($.rows(v), dz, true));
      const grads = { [at.kernel.name]: dKernel, [at.recurrent.name]: dRecurrent, [at.bias.name]: $.columnSums(dz) };
      return { grads, dInput: needInput ? $.inputGradient(dz, dims(input)) : undefined };
    },
  };
}
