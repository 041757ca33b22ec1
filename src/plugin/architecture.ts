// Named layer stacks from the spec, and the one function that turns them into tfjs models.
// Training and compaction both build models here, so an "identical" compact model really is.
import { z } from 'zod';
import type { LayersModel, Tf } from './tf.ts';

export const LAYER_TYPES = ['conv1d', 'flatten', 'dense'] as const;

export const ACTIVATIONS = ['relu', 'linear', 'tanh', 'sigmoid', 'elu', 'selu', 'softplus'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
const activation = z.enum(ACTIVATIONS);

/**
 * A built layer's activation, read from its config (a name, or a serialised activation class);
 * undefined when it is not one runexp builds.
 */
export function layerActivation(config: Record<string, unknown>): Activation | undefined {
  const a = config.activation;
  const name = (typeof a === 'string' ? a : String((a as { className?: string } | undefined)?.className ?? 'linear')).toLowerCase();
  return (ACTIVATIONS as readonly string[]).includes(name) ? (name as Activation) : undefined;
}

export const layerSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('conv1d'),
    filters: z.int().positive(),
    kernelSize: z.int().positive(),
    strides: z.int().positive().default(1),
    padding: z.enum(['valid', 'same']).default('valid'),
    activation: activation.default('linear'),
  }),
  z.strictObject({ type: z.literal('flatten') }),
  z.strictObject({
    type: z.literal('dense'),
    units: z.int().positive(),
    activation: activation.default('linear'),
  }),
], { error: (issue) => (issue.code === 'invalid_union' ? `layer "type" must be one of: ${LAYER_TYPES.join(', ')}` : undefined) });

export type LayerSpec = z.output<typeof layerSchema>;

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
    const first = i === 0 ? { inputShape } : {};
    const kernelInitializer = tf.initializers.glorotUniform({ seed: seed * 1000 + i });
    if (layer.type === 'conv1d') {
      model.add(tf.layers.conv1d({ ...first, name: names[i], filters: layer.filters, kernelSize: layer.kernelSize, strides: layer.strides, padding: layer.padding, activation: layer.activation, kernelInitializer }));
    } else if (layer.type === 'flatten') {
      model.add(tf.layers.flatten({ ...first, name: names[i] }));
    } else {
      model.add(tf.layers.dense({ ...first, name: names[i], units: layer.units, activation: layer.activation, kernelInitializer }));
    }
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
