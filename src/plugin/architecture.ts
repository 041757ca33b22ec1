// Named layer stacks from the spec, and the one function that turns them into tfjs models.
// Training and compaction both build models here, so an "identical" compact model really is.
// What each layer kind accepts and builds is its descriptor's (layers/registry.ts).
import { z } from 'zod';
import { ACTIVATIONS, layerActivation, type Activation } from './layers/activations.ts';
import { LAYER_KINDS, LAYER_TYPES, layerKind } from './layers/registry.ts';
import type { LayersModel, Tf } from './tf.ts';

export { ACTIVATIONS, LAYER_TYPES, layerActivation, type Activation };

/** A layer of the spec: its kind's `type` and that kind's options (layers/kinds/). */
export type LayerSpec = { type: string } & Record<string, unknown>;

const kindSchemas = LAYER_KINDS.map((kind) => kind.options.extend({ type: z.literal(kind.type) }));
export const layerSchema = z.discriminatedUnion('type', kindSchemas as unknown as [(typeof kindSchemas)[number], ...(typeof kindSchemas)[number][]], {
  error: (issue) => (issue.code === 'invalid_union' ? `layer "type" must be one of: ${LAYER_TYPES.join(', ')}` : undefined),
}) as unknown as z.ZodType<LayerSpec>;

export interface Architecture {
  name: string;
  layers: LayerSpec[];
}

/** Keras-style layer names (conv1d, flatten, dense, dense_1, ...), as the paper refers to them. */
export function layerNames(layers: readonly LayerSpec[]): string[] {
  const seen = new Map<string, number>();
  return layers.map((layer) => {
    const n = seen.get(layer.type) ?? 0;
    seen.set(layer.type, n + 1);
    return n === 0 ? layer.type : `${layer.type}_${n}`;
  });
}

/**
 * Builds an uncompiled model for windows of `lookback × features`. Kernel initialisers are
 * seeded per layer, so the same seed gives the same initial weights on the same backend.
 */
export function buildModel(tf: Tf, architecture: Architecture, inputShape: [number, number], seed: number): LayersModel {
  const names = layerNames(architecture.layers);
  const model = tf.sequential({ name: architecture.name });
  architecture.layers.forEach((layer, i) => {
    const kind = layerKind(layer.type);
    if (!kind) throw new Error(`layer ${i} of architecture "${architecture.name}" has the type "${layer.type}", which runexp has no layer kind for`);
    // k = 0 gives what runexp has always seeded a kernel with: old runs keep their initial weights.
    const at = { name: names[i], seed: (k: number) => seed * 1000 + i + k * 1_000_003, ...(i === 0 ? { inputShape } : {}) };
    model.add(kind.build(tf, layer, at));
  });
  return model;
}

/** A new model of the same architecture holding a copy of `source`'s weights. */
export function cloneModel(tf: Tf, source: LayersModel, architecture: Architecture, inputShape: [number, number]): LayersModel {
  const copy = buildModel(tf, architecture, inputShape, 0);
  copy.setWeights(source.getWeights());
  return copy;
}

/** Frees a model and its optimizer (model.dispose() leaves an optimizer instance alive). */
export function disposeModel(model: LayersModel): void {
  const optimizer = (model as { optimizer?: { dispose(): void } }).optimizer;
  model.dispose();
  optimizer?.dispose();
}
