// Structured compaction layer by layer (LayerKind.shrink): what each kind does when units of a
// layer before it were removed, and when its own units are. A layer hands the next its channels
// (the last axis of its output): which it kept (null: all) and the constant each removed one still
// carries (a removed unit outputs activation(0)). The structured compactor
// (src/plugins/compact/structured.ts) chains the kinds' shrinks; a kind without one cannot pass
// removed units on, and says so with its name.
import { ErrorCode, RunexpError } from '../errors.ts';
import type { Tensor, Tf } from '../tf.ts';
import { ACTIVATION_TABLE, layerActivation, type Activation } from './activations.ts';
import { inputShapeOf, type Layer, type Shrink } from './kind.ts';
export type { Channels, Shrink, ShrinkResult } from './kind.ts';

/** Row-major values of a weight, picked along each dimension by the given indexes (all when null). */
export function pick(values: Float32Array, shape: number[], keepAlong: (readonly number[] | null)[]): Float32Array {
  const along = shape.map((n, d) => keepAlong[d] ?? Array.from({ length: n }, (_, i) => i));
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(along.reduce((a, l) => a * l.length, 1));
  let o = 0;
  const walk = (d: number, offset: number) => {
    if (d === shape.length) {
      out[o++] = values[offset];
      return;
    }
    for (const i of along[d]) walk(d + 1, offset + i * strides[d]);
  };
  walk(0, 0);
  return out;
}

const picked = (tf: Tf, t: Tensor, keepAlong: (readonly number[] | null)[]) =>
  tf.tensor(
    pick(t.dataSync() as Float32Array, t.shape, keepAlong),
    keepAlong.map((k, d) => k?.length ?? t.shape[d]),
  );

/** Weightless layers that keep the channel axis (dropout, pooling): kept channels and constants pass as they are. */
export const passChannels: Shrink = (_tf, _layer, incoming) => ({ weights: [], out: incoming });

/**
 * A layer with a kernel whose last axis is its units, gate by gate ([in, gates · units]), a bias
 * of the same width and, for recurrent layers, a recurrent kernel [units, gates · units]: dense,
 * conv1d (`convolution`: its kernel is [kernelSize, in, out]), lstm, gru, simpleRnn. Its removed
 * inputs' rows go; their constants fold into the bias (exact where every position sees the same
 * constant: dense and recurrent layers; refused for a convolution, whose padding would not).
 */
export function unitShrink(options: {
  convolution?: boolean;
  /** Its weights are kernel, recurrent kernel and bias (else kernel and, unless useBias is false, bias). */
  recurrent?: boolean;
  unitsOf: (layer: Layer) => number;
  /** What a removed unit outputs (activation(0) by default); it may refuse, naming why. */
  removedOutput?: (layer: Layer) => number;
}): Shrink {
  return (tf, layer, incoming, removed) => {
    const [kernelT, ...rest] = layer.getWeights();
    const [recurrentT, biasT] = options.recurrent ? rest : [undefined, rest[0]];
    const kernel = kernelT.dataSync() as Float32Array;
    const width = kernelT.shape.at(-1)!;
    const bias = biasT ? Float32Array.from(biasT.dataSync() as Float32Array) : new Float32Array(width);
    const n = options.unitsOf(layer);
    const gone = new Set(removed);
    const own = gone.size ? Array.from({ length: n }, (_, u) => u).filter((u) => !gone.has(u)) : null;
    const columns = own && Array.from({ length: width / n }, (_, g) => own.map((u) => g * n + u)).flat();
    const nonZero = [...incoming.constants].filter(([, v]) => v !== 0);
    if (nonZero.length && options.convolution)
      throw new RunexpError(
        ErrorCode.PLUGIN,
        `cannot fold the constant output of removed filters into conv1d layer "${layer.name}"`,
        'use an activation with f(0) = 0 (relu, linear, tanh) on the pruned conv1d layer',
      );
    for (const [row, value] of nonZero) for (let c = 0; c < width; c++) bias[c] += value * kernel[row * width + c];
    const keepAlong = options.convolution ? [null, incoming.kept, columns] : [incoming.kept, columns];
    // In the layer's own weight order: kernel, recurrent kernel, bias.
    const weights = [picked(tf, kernelT, keepAlong)];
    // Only the kept units feed the recurrence; a removed unit's row carried its output.
    if (recurrentT) weights.push(picked(tf, recurrentT, [own, columns]));
    if (biasT) weights.push(tf.tensor(columns ? Float32Array.from(columns, (c) => bias[c]) : bias, [columns?.length ?? width]));
    const constant = gone.size ? (options.removedOutput ?? activationAtZero)(layer) : 0;
    return { weights, out: { kept: own, constants: new Map([...gone].map((u) => [u, constant])) } };
  };
}

/** What a removed unit of a layer with an activation outputs: activation(0). */
export const activationAtZero = (layer: Layer): number =>
  ACTIVATION_TABLE[(layerActivation(layer.getConfig() as Record<string, unknown>) ?? 'linear') as Activation]?.atZero ?? NaN;

/** A flatten turns channel c of step t into input t · channels + c. */
export const flattenChannels: Shrink = (_tf, layer, incoming) => {
  if (!incoming.kept) return { weights: [], out: incoming };
  const [steps, channels] = inputShapeOf(layer);
  const kept: number[] = [];
  const constants = new Map<number, number>();
  for (let t = 0; t < steps; t++) {
    for (let c = 0; c < channels; c++) {
      if (incoming.kept.includes(c)) kept.push(t * channels + c);
      else constants.set(t * channels + c, incoming.constants.get(c) ?? 0);
    }
  }
  return { weights: [], out: { kept, constants } };
};
