// The layer kinds runexp knows, by spec `type` and by tfjs class. A spec's layers are validated
// against it, models are built from it, and every walk over a built model (masks, pruners, MACs,
// ONNX export, structured compaction) finds each layer's kind here, or fails naming the layer.
import { ErrorCode, RunexpError } from '../errors.ts';
import type { Tf } from '../tf.ts';
import type { Layer, LayerKind, WeightInfo } from './kind.ts';
import add from './kinds/add.ts';
import averagePooling1d from './kinds/average-pooling1d.ts';
import batchNormalization from './kinds/batch-normalization.ts';
import bidirectional from './kinds/bidirectional.ts';
import conv1d from './kinds/conv1d.ts';
import dense from './kinds/dense.ts';
import dropout from './kinds/dropout.ts';
import fakeQuantize from './kinds/fake-quantize.ts';
import flatten from './kinds/flatten.ts';
import globalAveragePooling1d from './kinds/global-average-pooling1d.ts';
import globalMaxPooling1d from './kinds/global-max-pooling1d.ts';
import gru from './kinds/gru.ts';
import input from './kinds/input.ts';
import layerNormalization from './kinds/layer-normalization.ts';
import lstm from './kinds/lstm.ts';
import maxPooling1d from './kinds/max-pooling1d.ts';
import simpleRnn from './kinds/simple-rnn.ts';

/** In the order the docs list them; the paper's three first. */
export const LAYER_KINDS: readonly LayerKind[] = [
  conv1d,
  flatten,
  dense,
  dropout,
  batchNormalization,
  layerNormalization,
  maxPooling1d,
  averagePooling1d,
  globalMaxPooling1d,
  globalAveragePooling1d,
  lstm,
  gru,
  simpleRnn,
  bidirectional,
  add,
  input,
  fakeQuantize,
];

/** The types a spec's layers may name (a residual block besides, architecture.ts). */
export const LAYER_TYPES = LAYER_KINDS.filter((k) => !k.internal).map((k) => k.type);

/**
 * A user's own layer kinds in this thread, by the reference a spec names them with (its file's
 * path as written, `./layers/glu.ts`). Registered when the spec is loaded (spec/layer-kinds.ts)
 * and in each worker before it builds a model (execute/layer-kinds.ts).
 */
const userKinds = new Map<string, LayerKind>();

/** Makes `ref` (a spec's `type:`) name the user's kind `kind`; a later registration under the same reference replaces it. */
export function registerLayerKind(ref: string, kind: LayerKind): void {
  const clash = [...LAYER_KINDS, ...[...userKinds].filter(([r]) => r !== ref).map(([, k]) => k)].find(
    (k) => k.type === kind.type || k.className === kind.className,
  );
  if (clash)
    throw new RunexpError(
      ErrorCode.PLUGIN,
      `layer kind ${ref} is named "${kind.type}" (tfjs class ${kind.className}), as the kind "${clash.type}" (${clash.className}) already is`,
      'give your kind a type and className of its own',
    );
  userKinds.set(ref, kind);
}

/** Every kind this thread knows: the built-ins and the user's registered ones. */
const allKinds = (): LayerKind[] => [...LAYER_KINDS, ...userKinds.values()];

/**
 * The kind an architecture's `type` names: a built-in's type, or a registered user kind's
 * reference. Internal kinds are found too (a compactor's architecture may hold them, e.g.
 * fakeQuantize); a spec cannot name them, since its schema lists LAYER_TYPES only.
 */
export function layerKind(type: string): LayerKind | undefined {
  return LAYER_KINDS.find((k) => k.type === type) ?? userKinds.get(type);
}

/** The kind of a built layer; a layer runexp has no kind for is an error naming it. */
export function kindOfLayer(layer: Layer): LayerKind {
  const className = layer.getClassName();
  const kind = allKinds().find((k) => k.className === className || k.aliases?.includes(className));
  if (!kind)
    throw new RunexpError(
      ErrorCode.PLUGIN,
      `layer "${layer.name}" is a ${className}, which runexp has no layer kind for`,
      `the layer kinds are: ${LAYER_TYPES.join(', ')}`,
    );
  return kind;
}

/** Registers every kind's own tfjs classes, so that a saved model using them loads. */
export function registerLayerClasses(tf: Tf): void {
  for (const kind of allKinds()) kind.register?.(tf);
}

/** A built layer's weights, named, in `getWeights()` order. */
export function weightsOfLayer(layer: Layer): WeightInfo[] {
  return kindOfLayer(layer).weights(layer);
}

/** The position of the weight called `name` in `layer.getWeights()`; an error naming the layer's weights when it has none of that name. */
export function weightIndex(layer: Layer, name: string): number {
  const weights = weightsOfLayer(layer);
  const index = weights.findIndex((w) => w.name === name);
  if (index < 0)
    throw new RunexpError(
      ErrorCode.PLUGIN,
      `layer "${layer.name}" (${kindOfLayer(layer).type}) has no weight named "${name}"`,
      weights.length ? `its weights: ${weights.map((w) => w.name).join(', ')}` : 'it has no weights',
    );
  return index;
}

/** The model's layers that have weights pruners prune when not told which (kernels), in order. */
export const prunableLayers = (layers: readonly Layer[]): Layer[] => layers.filter((l) => kindOfLayer(l).prunable);
