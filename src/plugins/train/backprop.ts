// Gradients for the models runexp builds (Conv1D, Flatten and Dense layers, their activations, MSE
// or MAE), computed layer by layer with the kernels tfjs's own gradient functions call, in the same
// order, but without tfjs's gradient tape. The tape records every op, clones every tensor a
// gradient will need (27 Identity kernels per step on the paper's model) and walks its graph; on a
// model this small that bookkeeping cost more than the arithmetic: 1.7 ms against 0.8 ms per step.
// The gradients are the tape's to the last bit on the paper's model, and within float32 rounding
// of them for every layer and activation (test/unit/backprop.test.ts). A model with anything else
// (another layer type, dilation, a frozen layer), or a backend this was not tested on (tfjs-node,
// which cannot install here), gets no gradient function and trains on the tape.
import { layerActivation } from '../../plugin/index.ts';
import type { LayersModel, Tf } from '../../plugin/index.ts';

/** The activations this module differentiates by hand; a model with any other trains on the tape. */
const FAST_ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'elu', 'selu', 'softplus'] as const;
type Activation = (typeof FAST_ACTIVATIONS)[number];
const isFast = (a: string | undefined): a is Activation => (FAST_ACTIVATIONS as readonly (string | undefined)[]).includes(a);

type Tensor = InstanceType<Tf['Tensor']>;
/** A tensor's shape as a plain list (tfjs types it by rank). */
const dims = (t: Tensor): number[] => t.shape as number[];
type Variable = InstanceType<Tf['Variable']>;
export type LossName = 'meanSquaredError' | 'meanAbsoluteError';

/** tfjs's selu constants (tfjs-core ops/selu_util). */
const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_SCALE_ALPHA = 1.7580993408473768599402175208123;

type Step =
  | { kind: 'flatten' }
  | { kind: 'dense'; kernel: Variable; bias?: Variable; activation: Activation }
  | { kind: 'conv1d'; kernel: Variable; bias?: Variable; activation: Activation; stride: number; padding: 'valid' | 'same' };

/** What a forward pass keeps for the backward one. */
interface Saved {
  input: Tensor;
  z?: Tensor;
  output: Tensor;
}

export type GradientFunction = (x: Tensor, y: Tensor) => { value: Tensor; grads: Record<string, Tensor> };

/** The model as steps this module can differentiate, or undefined. */
function stepsOf(model: LayersModel): Step[] | undefined {
  const steps: Step[] = [];
  for (const layer of model.layers) {
    const config = layer.getConfig() as Record<string, unknown>;
    const kind = layer.getClassName();
    if (kind === 'Flatten') {
      steps.push({ kind: 'flatten' });
      continue;
    }
    if ((kind !== 'Dense' && kind !== 'Conv1D') || !layer.trainable) return undefined;
    const activation = layerActivation(config);
    const [kernel, bias] = layer.trainableWeights.map((w) => (w as unknown as { read(): Variable }).read());
    if (!isFast(activation) || !kernel || layer.trainableWeights.length !== (config.useBias === false ? 1 : 2)) return undefined;
    if (kind === 'Dense') {
      steps.push({ kind: 'dense', kernel, bias, activation });
      continue;
    }
    const dilation = config.dilationRate;
    if ((Array.isArray(dilation) ? dilation[0] : (dilation ?? 1)) !== 1) return undefined;
    steps.push({ kind: 'conv1d', kernel, bias, activation, stride: (config.strides as number[])[0], padding: config.padding as 'valid' | 'same' });
  }
  return steps;
}

function activate(tf: Tf, z: Tensor, activation: Activation): Tensor {
  // tfjs-layers applies each of these through the tfjs op of the same name.
  return activation === 'linear' ? z : tf[activation](z);
}

/** dLoss/dz from dLoss/da, as each activation's registered gradient computes it. */
function activationGradient(tf: Tf, da: Tensor, z: Tensor, a: Tensor, activation: Activation): Tensor {
  switch (activation) {
    case 'linear':
      return da;
    case 'relu':
      return tf.mul(da, tf.step(z));
    case 'tanh':
      return tf.mul(tf.sub(tf.scalar(1), tf.square(a)), da);
    case 'sigmoid':
      return tf.mul(da, tf.mul(a, tf.sub(tf.scalar(1), a)));
    case 'elu':
      return tf.engine().runKernel('EluGrad', { dy: da, y: a }) as Tensor;
    case 'selu':
      return tf.where(tf.greater(z, 0), tf.mul(da, SELU_SCALE), tf.mul(tf.mul(da, SELU_SCALE_ALPHA), tf.exp(z)));
    case 'softplus':
      return tf.mul(da, tf.sigmoid(z));
  }
}

/** A conv1d as tfjs runs it: a conv2d over [batch, 1, steps, channels] with a [1, k, in, out] filter. */
function conv1dAs2d(tf: Tf, x: Tensor, kernel: Tensor) {
  const [n, steps, channels] = dims(x);
  const [k, inChannels, filters] = dims(kernel);
  return { x4: tf.reshape(x, [n, 1, steps, channels]), filterShape: [1, k, inChannels, filters] as [number, number, number, number] };
}

/**
 * A function computing the batch's mean loss and every trainable weight's gradient, by name, for
 * `model`; undefined when the model has anything this module does not know.
 */
export function gradientFunction(tf: Tf, model: LayersModel, lossName: LossName): GradientFunction | undefined {
  if (!['wasm', 'cpu'].includes(tf.getBackend())) return undefined;
  const steps = stepsOf(model);
  if (!steps) return undefined;
  return (x, y) => {
    const saved: Saved[] = [];
    let a = x;
    for (const step of steps) {
      const input = a;
      if (step.kind === 'flatten') {
        a = tf.reshape(input, [dims(input)[0], -1]);
        saved.push({ input, output: a });
        continue;
      }
      let z: Tensor;
      if (step.kind === 'dense') {
        // Dense on [batch, ..., features] multiplies the last axis: as one [rows, features] matrix.
        const rows = tf.reshape(input, [-1, dims(input).at(-1)!]);
        const product = tf.reshape(tf.matMul(rows as never, step.kernel as never), [...dims(input).slice(0, -1), dims(step.kernel)[1]]);
        z = step.bias ? tf.add(product, step.bias) : product;
      } else {
        const { x4, filterShape } = conv1dAs2d(tf, input, step.kernel);
        const out = tf.conv2d(x4 as never, tf.reshape(step.kernel, filterShape) as never, [1, step.stride], step.padding);
        const [n, , steps, filters] = dims(out);
        const conv = tf.reshape(out, [n, steps, filters]);
        z = step.bias ? tf.add(conv, tf.reshape(step.bias, [1, 1, -1])) : conv;
      }
      a = activate(tf, z, step.activation);
      saved.push({ input, z, output: a });
    }
    // The loss as tf.metrics computes it (mean over the last axis), then the mean over the batch.
    const difference = tf.sub(a, y);
    const perSample = lossName === 'meanSquaredError' ? tf.square(difference) : tf.abs(difference);
    const value = tf.mean(tf.mean(perSample, -1));
    // Its gradient as the tape builds it: 1/n, then 1/d, times d|e|/de or d(e²)/de.
    const [n, d] = [dims(a)[0], a.size / dims(a)[0]];
    const scale = Math.fround(Math.fround(1 / n) / d);
    const local = lossName === 'meanSquaredError' ? tf.mul(difference, 2) : tf.step(difference, -1);
    let da = tf.mul(tf.fill(a.shape, scale), local);

    const grads: Record<string, Tensor> = {};
    for (let i = steps.length - 1; i >= 0; i--) {
      const step = steps[i];
      const { input, z, output } = saved[i];
      if (step.kind === 'flatten') {
        da = tf.reshape(da, input.shape);
        continue;
      }
      const dz = activationGradient(tf, da, z!, output, step.activation);
      if (step.kind === 'dense') {
        const rows = tf.reshape(input, [-1, dims(input).at(-1)!]);
        const dzRows = tf.reshape(dz, [-1, dims(step.kernel)[1]]);
        grads[step.kernel.name] = tf.matMul(rows as never, dzRows as never, true, false);
        if (step.bias) grads[step.bias.name] = tf.sum(dzRows, 0);
        if (i > 0) da = tf.reshape(tf.matMul(dzRows as never, step.kernel as never, false, true), input.shape);
      } else {
        const { x4, filterShape } = conv1dAs2d(tf, input, step.kernel);
        const [n, steps, filters] = dims(dz);
        const dz4 = tf.reshape(dz, [n, 1, steps, filters]);
        const attrs = { strides: [1, step.stride], pad: step.padding, dataFormat: 'NHWC', dimRoundingMode: undefined };
        const dFilter = tf.engine().runKernel('Conv2DBackpropFilter', { x: x4, dy: dz4 }, { ...attrs, filterShape } as never) as Tensor;
        grads[step.kernel.name] = tf.reshape(dFilter, step.kernel.shape);
        if (step.bias) grads[step.bias.name] = tf.sum(dz, [0, 1]);
        if (i > 0) {
          const dInput = tf.engine().runKernel('Conv2DBackpropInput', { dy: dz4, filter: tf.reshape(step.kernel, filterShape) }, { ...attrs, inputShape: x4.shape } as never) as Tensor;
          da = tf.reshape(dInput, input.shape);
        }
      }
    }
    return { value, grads };
  };
}
