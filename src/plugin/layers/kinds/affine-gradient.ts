// The tape-free gradient of a layer that computes activation(product(input, kernel) + bias): dense
// and conv1d. Each computes its product and the product's two gradients with the kernels tfjs's own
// gradient functions call, in the same order, so that the paper's model gets the tape's gradients
// to the last bit (test/unit/backprop.test.ts).
import { activate, activationGradient, isFastActivation } from '../activation-gradients.ts';
import { layerActivation } from '../activations.ts';
import { dims, trainableVariables, type Layer, type LayerGradient } from '../kind.ts';
import type { Tensor, Tf } from '../../tf.ts';

export interface Product {
  forward(input: Tensor, kernel: Tensor): Tensor;
  /** dLoss/dKernel, and when asked dLoss/dBias (dz summed per output) and dLoss/dInput, from dLoss/dProduct. */
  backward(
    input: Tensor,
    dz: Tensor,
    kernel: Tensor,
    needBias: boolean,
    needInput: boolean,
  ): { dKernel: Tensor; dBias?: Tensor; dInput?: Tensor };
  /** Adds the bias (broadcast over the last axis). */
  addBias(z: Tensor, bias: Tensor): Tensor;
}

interface Saved {
  input: Tensor;
  z: Tensor;
  output: Tensor;
}

export function affineGradient(tf: Tf, layer: Layer, product: Product): LayerGradient<Saved> | undefined {
  const config = layer.getConfig() as Record<string, unknown>;
  const activation = layerActivation(config);
  const [kernel, bias] = trainableVariables(layer);
  if (!layer.trainable || !isFastActivation(activation) || !kernel || layer.trainableWeights.length !== (config.useBias === false ? 1 : 2))
    return undefined;
  return {
    forward(input) {
      const p = product.forward(input, kernel);
      const z = bias ? product.addBias(p, bias) : p;
      const output = activate(tf, z, activation);
      return { output, saved: { input, z, output } };
    },
    backward(da, { input, z, output }, needInput) {
      const dz = activationGradient(tf, da, z, output, activation);
      const { dKernel, dBias, dInput } = product.backward(input, dz, kernel, Boolean(bias), needInput);
      return { dInput, grads: bias ? { [kernel.name]: dKernel, [bias.name]: dBias! } : { [kernel.name]: dKernel } };
    },
  };
}

/** Dense on [batch, ..., features] multiplies the last axis: as one [rows, features] matrix. */
export const denseProduct = (tf: Tf): Product => ({
  forward(input, kernel) {
    const rows = tf.reshape(input, [-1, dims(input).at(-1)!]);
    return tf.reshape(tf.matMul(rows as never, kernel as never), [...dims(input).slice(0, -1), dims(kernel)[1]]);
  },
  backward(input, dz, kernel, needBias, needInput) {
    const rows = tf.reshape(input, [-1, dims(input).at(-1)!]);
    const dzRows = tf.reshape(dz, [-1, dims(kernel)[1]]);
    const dKernel = tf.matMul(rows as never, dzRows as never, true, false);
    const dBias = needBias ? tf.sum(dzRows, 0) : undefined;
    return {
      dKernel,
      dBias,
      dInput: needInput ? tf.reshape(tf.matMul(dzRows as never, kernel as never, false, true), input.shape) : undefined,
    };
  },
  addBias: (z, bias) => tf.add(z, bias),
});

/** A conv1d as tfjs runs it: a conv2d over [batch, 1, steps, channels] with a [1, k, in, out] filter. */
function as2d(tf: Tf, x: Tensor, kernel: Tensor) {
  const [n, steps, channels] = dims(x);
  const [k, inChannels, filters] = dims(kernel);
  return { x4: tf.reshape(x, [n, 1, steps, channels]), filterShape: [1, k, inChannels, filters] as [number, number, number, number] };
}

/** An undilated conv1d's product; dilated ones train on the tape (dilated-gradient.ts). */
export const convProduct = (tf: Tf, stride: number, padding: 'valid' | 'same'): Product => ({
  forward(input, kernel) {
    const { x4, filterShape } = as2d(tf, input, kernel);
    const out = tf.conv2d(x4 as never, tf.reshape(kernel, filterShape) as never, [1, stride], padding);
    const [n, , steps, filters] = dims(out);
    return tf.reshape(out, [n, steps, filters]);
  },
  backward(input, dz, kernel, needBias, needInput) {
    const { x4, filterShape } = as2d(tf, input, kernel);
    const [n, steps, filters] = dims(dz);
    const dz4 = tf.reshape(dz, [n, 1, steps, filters]);
    const attrs = { strides: [1, stride], pad: padding, dataFormat: 'NHWC', dimRoundingMode: undefined };
    const dFilter = tf.engine().runKernel('Conv2DBackpropFilter', { x: x4, dy: dz4 }, { ...attrs, filterShape } as never) as Tensor;
    const dKernel = tf.reshape(dFilter, kernel.shape);
    const dBias = needBias ? tf.sum(dz, [0, 1]) : undefined;
    if (!needInput) return { dKernel, dBias };
    const dInput = tf.engine().runKernel('Conv2DBackpropInput', { dy: dz4, filter: tf.reshape(kernel, filterShape) }, {
      ...attrs,
      inputShape: x4.shape,
    } as never) as Tensor;
    return { dKernel, dBias, dInput: tf.reshape(dInput, input.shape) };
  },
  addBias: (z, bias) => tf.add(z, tf.reshape(bias, [1, 1, -1])),
});
