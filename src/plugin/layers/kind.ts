// What runexp knows about one kind of layer, in one place: its spec options, how to build it, its
// named weights, what it costs, how it is written in ONNX and how structured pruning shrinks it.
// Built-in kinds (kinds/) and a user's own are written against this same interface; everything that
// walks a model (masks, pruners, MACs, ONNX export, the structured compactor, the report) asks the
// registry (registry.ts) rather than testing class names, and a kind that lacks what is asked for
// fails with its name.
import type { z } from 'zod';
import type { OnnxGraph } from '../onnx/graph.ts';
import type { LayersModel, Tensor, Tf } from '../tf.ts';

/** A built tfjs layer. */
export type Layer = LayersModel['layers'][number];

/** One weight variable of a layer, in the order tfjs's `getWeights()` returns them. */
export interface WeightInfo {
  /** `kernel`, `recurrentKernel`, `bias`, `gamma`, `beta`, `movingMean`, … */
  name: string;
  /** Pruned when a pruner is not told which weights: kernels are, biases and normalisation parameters are not. */
  prunedByDefault: boolean;
  /**
   * For a kind with `units`: value i of this weight belongs to unit i mod units (a kernel's last
   * axis is units, gate by gate). 'incoming' weights (kernels) score a unit for structured
   * pruning; 'own' ones (biases) are only zeroed with it.
   */
  perUnit?: 'incoming' | 'own';
}

/** What a layer kind is given to build its tfjs layer: tfjs itself and where the layer sits. */
export interface BuildContext {
  /** The layer's name in the model (`dense_1`, `lstm`). */
  name: string;
  /** The window's [steps, features], for the first layer only. */
  inputShape?: [number, number];
  /**
   * A seed for the layer's `k`-th random initialiser: the same spec and seed give the same
   * initial weights. k = 0 is what runexp has always used for a kernel, so old runs keep theirs.
   */
  seed(k: number): number;
}

/**
 * A layer's tape-free gradient (src/plugins/train/backprop.ts chains them): a forward pass that keeps
 * what the backward pass needs, and a backward pass from dLoss/dOutput to dLoss/dInput and to each
 * trainable weight's gradient, keyed by the weight variable's name (`dense/kernel`). The forward
 * pass's output must be the layer's inference output (it also computes the validation loss), so
 * a kind whose training pass differs from inference (dropout) gives no gradient.
 */
export interface LayerGradient<Saved = unknown> {
  forward(input: Tensor): { output: Tensor; saved: Saved };
  /** `needInput` is false for the model's first layer, whose input gradient nobody reads. */
  backward(dOutput: Tensor, saved: Saved, needInput: boolean): { dInput?: Tensor; grads: Record<string, Tensor> };
}

/**
 * A layer's forward and backward pass for many seeds' copies of it at once (seeds trained as one
 * computation, src/plugins/train/stacked.ts). Every tensor has a leading seed axis; the weights are
 * passed in, one tensor per trainable weight ([seeds, ...shape], in `getWeights()` order), and the
 * gradients come back in that order. Seed s must get, to the bit, what `gradient` gives it alone:
 * the stacked trainer is checked against one-by-one training (test/unit/stacked.test.ts).
 */
export interface StackedGradient<Saved = unknown> {
  forward(input: Tensor, weights: readonly Tensor[]): { output: Tensor; saved: Saved };
  backward(dOutput: Tensor, saved: Saved, weights: readonly Tensor[], needInput: boolean): { dInput?: Tensor; grads: Tensor[] };
}

/** A tensor's shape without its batch dimension: [steps, channels] or [features]. */
export type Shape = number[];

/** What a layer hands on in structured compaction: the channels it kept (null: all), and each removed channel's constant value. */
export interface Channels {
  kept: number[] | null;
  constants: Map<number, number>;
}

/**
 * What a layer kind's shrink returns under structured pruning: the layer's new spec and weights, and the
 * channels it passes on.
 */
export interface ShrinkResult {
  /** The layer's compact weights, in its `getWeights()` order. */
  weights: Tensor[];
  out: Channels;
}

/**
 * A kind's structured shrink (helpers in shrink.ts): the compact weights of `layer` given what the
 * layer before handed on (`incoming`) and which of its own units are removed (`removed`, for kinds with `units`).
 */
export type Shrink = (tf: Tf, layer: Layer, incoming: Channels, removed: readonly number[]) => ShrinkResult;

/**
 * One layer kind of the registry: its spec options, how to build it, its weights by name, how it shrinks,
 * its gradient and ONNX export (defineLayerKind).
 */
export interface LayerKind<Options extends Record<string, unknown> = Record<string, unknown>> {
  /** The spec's `type:`. */
  type: string;
  /** The tfjs class it builds (`getClassName()`), by which a built layer finds its kind. */
  className: string;
  /** Other tfjs classes it builds (a subclass for an option tfjs lacks), registered by `register`. */
  aliases?: string[];
  /** Registers the tfjs classes it defines for tfjs's serialization, so saved models load; called before any model is loaded. */
  register?(tf: Tf): void;
  /** One line for `runexp plugins` and the docs. */
  description: string;
  /** Whether it has weights pruners prune when not told which (a kernel): known before any model is built. */
  prunable: boolean;
  /** A layer of built models that specs do not name (the input, a residual block's sum). */
  internal?: boolean;
  /** Its options besides `type`. New options must be optional without a default, or run ids of existing specs change. */
  options: z.ZodObject;
  /** The shape it outputs for an input shape, or a sentence saying why it cannot take that input. */
  outputShape(input: Shape, options: Options): Shape | string;
  build(tf: Tf, options: Options, at: BuildContext): Layer;
  /** Its weights, named, in `getWeights()` order (they may depend on the layer's config, e.g. useBias). */
  weights(layer: Layer): WeightInfo[];
  /**
   * How many times each value of a weight is multiplied per input window, by weight name; a weight
   * not listed is only added (a bias) or not used at inference. Gives exact MACs (macs.ts).
   */
  uses(layer: Layer): Record<string, number>;
  /** Writes the layer (without its activation, which the exporter adds) into an ONNX graph. */
  onnx?(layer: Layer, graph: OnnxGraph): void;
  /** Its `onnx` writes its activations itself (the recurrent operators take them as attributes). */
  onnxActivates?: boolean;
  /**
   * A tape-free gradient for this built layer (trainable, on the wasm or cpu backend), or undefined
   * when its configuration is not covered: then the whole model trains on tfjs's tape.
   */
  gradient?(tf: Tf, layer: Layer): LayerGradient | undefined;
  /**
   * The same pass for many seeds at once (StackedGradient), or undefined where this layer has none
   * (the seeds then train one by one). `first`: the layer is the model's first, so no input gradient is asked.
   */
  stacked?(tf: Tf, layer: Layer, first: boolean): StackedGradient | undefined;
  /**
   * For structured compaction (layers/shrink.ts): its compact weights when channels before it, or
   * its own units, were removed, and what it hands on. A kind without one cannot pass removed units on.
   */
  shrink?: Shrink;
  /** For quantisation: which of its weights the quantize compactor stores as int8 or float16. */
  quantized?: QuantizedWeights;
  /** For structured pruning: how many units (filters) it has; the last axis of its kernel. */
  units?(options: Options): number;
  /** For structured pruning: the same options with `units` units. */
  withUnits?(options: Options, units: number): Options;
}

/** What a layer kind stores quantised (plugins/compact/quantize.ts), and where it sits in its ONNX graph. */
export interface QuantizedWeights {
  /** The weights stored as int8 or float16, each with its output channels on its last axis. */
  weights: readonly string[];
  /** Whether ONNX Runtime has an int8 kernel for its input, so that `activations: int8` applies to it. */
  int8Activations: boolean;
  /**
   * Where `weight` is in the graph its `onnx` writes: the initializer, its output-channel axis
   * there, and (when the export reorders channels) the per-channel scales put in that order.
   */
  onnx(layer: Layer, weight: string): { initializer: string; axis: number; scales?(scales: readonly number[]): number[] };
}

/** Declares a layer kind; types its options from the schema. */
export function defineLayerKind<S extends z.ZodObject>(kind: Omit<LayerKind<z.output<S>>, 'options'> & { options: S }): LayerKind {
  return kind as unknown as LayerKind;
}

/** The built layer's input and output shapes without the batch dimension. */
export const inputShapeOf = (layer: Layer): Shape => (layer.input as unknown as { shape: (number | null)[] }).shape.slice(1) as number[];
/** A tfjs layer's output shape without the batch dimension. */
export const outputShapeOf = (layer: Layer): Shape => (layer.outputShape as (number | null)[]).slice(1) as number[];
export const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
/** Kernel and (unless useBias is false) bias: the weights of a dense, conv or recurrent-free layer. */
export const kernelAndBias = (layer: Layer): WeightInfo[] => [
  { name: 'kernel', prunedByDefault: true, perUnit: 'incoming' },
  ...((layer.getConfig() as { useBias?: boolean }).useBias === false
    ? []
    : [{ name: 'bias', prunedByDefault: false, perUnit: 'own' } as const]),
];

/** A tensor's shape as a plain list (tfjs types it by rank). */
export const dims = (t: Tensor): number[] => t.shape as number[];
/**
 * `tf.reshape(t, shape)` (−1: the rest), or t itself where it has that shape already: a reshape is
 * an op like any other, a dispatch and a new tensor, and a stacked step asks for dozens.
 */
export function reshaped(tf: Tf, t: Tensor, shape: readonly number[]): Tensor {
  const known = shape.reduce((a, d) => (d === -1 ? a : a * d), 1);
  const resolved = shape.map((d) => (d === -1 ? t.size / known : d));
  return resolved.length === t.shape.length && resolved.every((d, i) => d === t.shape[i]) ? t : tf.reshape(t, resolved);
}
export type Variable = InstanceType<Tf['Variable']>;
/** A built layer's trainable weight variables, in `getWeights()` order. */
export const trainableVariables = (layer: Layer): Variable[] =>
  layer.trainableWeights.map((w) => (w as unknown as { read(): Variable }).read());

/** What is wrong with a module's export as a layer kind, or undefined when nothing is. */
export function layerKindProblem(candidate: unknown): string | undefined {
  if (!candidate || typeof candidate !== 'object') return 'the file does not export a layer kind (export default defineLayerKind({...}))';
  const k = candidate as Record<string, unknown>;
  if (typeof k.slot === 'string' && typeof k.run === 'function') return `it exports a ${k.slot} plugin`;
  for (const key of ['type', 'className', 'description'] as const)
    if (typeof k[key] !== 'string' || k[key] === '') return `its "${key}" must be a non-empty string`;
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(k.type as string))
    return `its "type" names its layers (glu, glu_1): letters and digits, starting with a letter (got ${JSON.stringify(k.type)})`;
  if (typeof k.prunable !== 'boolean') return 'its "prunable" must be true or false (whether it has a kernel pruners prune by default)';
  if (!k.options || typeof (k.options as { extend?: unknown }).extend !== 'function')
    return 'its "options" must be a zod object schema (z.strictObject({...}))';
  for (const key of ['outputShape', 'build', 'weights', 'uses'] as const)
    if (typeof k[key] !== 'function') return `its "${key}" must be a function`;
  for (const key of ['register', 'onnx', 'gradient', 'stacked', 'shrink', 'units', 'withUnits'] as const)
    if (k[key] !== undefined && typeof k[key] !== 'function') return `its "${key}" must be a function when given`;
  return undefined;
}
