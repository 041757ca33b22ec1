// Gradients without tfjs's gradient tape: each layer's kind gives its own forward and backward pass
// (LayerKind.gradient; dense, conv1d and flatten use the kernels tfjs's own gradient functions
// call, in the same order; lstm, gru and simpleRnn run backpropagation through time in a few
// batched products), and this chains them with the loss. The tape records every op, clones every
// tensor a gradient will need (27 Identity kernels per step on the paper's model) and walks its
// graph; on models this small that bookkeeping costs more than the arithmetic: 1.7 ms against
// 0.8 ms per step on the paper's model, 12 ms against 4 ms on an LSTM(32). The gradients are the
// tape's to the last bit on the paper's model, and within float32 rounding of them for every kind
// and activation (test/unit/backprop.test.ts). A model with a layer whose kind gives no gradient
// (pooling, normalisation, a residual block, a frozen layer), or a backend this was not tested on,
// gets no gradient function and trains on the tape.
import { kindOfLayer, type LayerGradient } from '../../plugin/kit/model.ts';
import type { LayersModel, Tf } from '../../plugin/index.ts';

type Tensor = InstanceType<Tf['Tensor']>;
export type LossName = 'meanSquaredError' | 'meanAbsoluteError';

export type GradientFunction = (x: Tensor, y: Tensor) => { value: Tensor; grads: Record<string, Tensor> };

/** Every layer's gradient, in order, or undefined if one has none. */
function layerGradients(tf: Tf, model: LayersModel): LayerGradient[] | undefined {
  const gradients: LayerGradient[] = [];
  for (const layer of model.layers) {
    const gradient = kindOfLayer(layer).gradient?.(tf, layer);
    if (!gradient) return undefined;
    gradients.push(gradient);
  }
  return gradients;
}

/**
 * The model's output through its kinds' forward passes, the same values `predict` gives (to the
 * bit on dense and conv1d, float32 rounding on recurrent kinds) at a fraction of its overhead: for
 * the validation loss of every epoch. Undefined where gradientFunction would be.
 */
export function forwardFunction(tf: Tf, model: LayersModel): ((x: Tensor) => Tensor) | undefined {
  if (!['wasm', 'cpu'].includes(tf.getBackend())) return undefined;
  const layers = layerGradients(tf, model);
  if (!layers) return undefined;
  return (x) => layers.reduce((a, layer) => layer.forward(a).output, x);
}

/**
 * A function computing the batch's mean loss and every trainable weight's gradient, by name, for
 * `model`; undefined when the model has anything this module does not know.
 */
export function gradientFunction(tf: Tf, model: LayersModel, lossName: LossName): GradientFunction | undefined {
  if (!['wasm', 'cpu'].includes(tf.getBackend())) return undefined;
  const layers = layerGradients(tf, model);
  if (!layers) return undefined;
  return (x, y) => {
    const saved: unknown[] = [];
    let a = x;
    for (const layer of layers) {
      const step = layer.forward(a);
      saved.push(step.saved);
      a = step.output;
    }
    const { perWindow, da: dLoss } = lossAndGradient(tf, a, y, lossName, a.shape[0]);
    const value = tf.mean(perWindow);
    let da = dLoss;

    const grads: Record<string, Tensor> = {};
    for (let i = layers.length - 1; i >= 0; i--) {
      const step = layers[i].backward(da, saved[i], i > 0);
      Object.assign(grads, step.grads);
      if (i > 0) da = step.dInput!;
    }
    return { value, grads };
  };
}

/**
 * The loss per window as tf.metrics computes it (the mean over the last axis), and its gradient as
 * the tape builds it for the mean over `rows` windows: 1/rows, then 1/outputs, times d|e|/de or
 * d(e²)/de. For one seed's batch (rows: the batch) or a stack of seeds (rows: one seed's batch).
 */
export function lossAndGradient(tf: Tf, a: Tensor, y: Tensor, lossName: LossName, rows: number): { perWindow: Tensor; da: Tensor } {
  const difference = tf.sub(a, y);
  const perSample = lossName === 'meanSquaredError' ? tf.square(difference) : tf.abs(difference);
  const outputs = a.shape.at(-1)!;
  const scale = Math.fround(Math.fround(1 / rows) / outputs);
  const local = lossName === 'meanSquaredError' ? tf.mul(difference, 2) : tf.step(difference, -1);
  return { perWindow: tf.mean(perSample, -1), da: tf.mul(tf.fill(a.shape, scale), local) };
}
