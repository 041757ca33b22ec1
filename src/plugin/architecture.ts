// Named layer stacks from the spec, and the one function that turns them into tfjs models.
// Training and compaction both build models here, so an "identical" compact model really is.
// What each layer kind accepts and builds is its descriptor's (layers/registry.ts); a `residual`
// block (layers/residual.ts) adds its input to its layers' output.
import { z } from 'zod';
import { ACTIVATIONS, layerActivation, type Activation } from './layers/activations.ts';
import type { LayerKind } from './layers/kind.ts';
import { LAYER_KINDS, LAYER_TYPES, layerKind } from './layers/registry.ts';
import { isResidual, projectionKind, RESIDUAL } from './layers/residual.ts';
import type { LayersModel, Tf } from './tf.ts';

export { ACTIVATIONS, layerActivation, type Activation };
/** Every `type` a spec's layer may have. */
export const SPEC_LAYER_TYPES = [...LAYER_TYPES, RESIDUAL];

/** A layer of the spec: its kind's `type` and that kind's options (layers/kinds/), or a residual block. */
export type LayerSpec = { type: string } & Record<string, unknown>;

const kindSchema = (kind: LayerKind, type = kind.type) => kind.options.extend({ type: z.literal(type) });

/**
 * A spec layer: a built-in kind, a residual block, or one of `userKinds` (a user's own kinds,
 * by their file's reference, `./layers/glu.ts`: the spec loader builds this once it has loaded them).
 */
export function layerSchemaFor(userKinds: ReadonlyMap<string, LayerKind>): z.ZodType<LayerSpec> {
  const residualSchema = z.strictObject({
    type: z.literal(RESIDUAL),
    layers: z
      .array(z.lazy(() => schema))
      .min(1)
      .describe("the block's layers; their output is added to the block's input (through a 1×1 projection when the shapes differ)"),
  });
  const kinds = [
    ...LAYER_KINDS.filter((kind) => !kind.internal).map((kind) => kindSchema(kind)),
    residualSchema,
    ...[...userKinds].map(([ref, kind]) => kindSchema(kind, ref)),
  ];
  const schema: z.ZodType<LayerSpec> = z.discriminatedUnion('type', kinds as unknown as [z.ZodObject, ...z.ZodObject[]], {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `layer "type" must be one of: ${SPEC_LAYER_TYPES.join(', ')}, or the path of your own layer kind's file (./layers/my-layer.ts)`
        : undefined,
  }) as unknown as z.ZodType<LayerSpec>;
  return schema;
}

/** A spec layer of the built-in kinds (the JSON Schema's). */
export const layerSchema = layerSchemaFor(new Map());

/** A named architecture of the spec: its layers, as written (and the user layer kinds it names). */
export interface Architecture {
  name: string;
  layers: LayerSpec[];
  /**
   * The user's own layer kinds its layers name, by reference: where each one's code is (relative
   * to the spec) and its hash. Set by the planner; workers load them before building a model.
   */
  kinds?: Record<string, { kind: 'file'; path: string; sha256: string } | { kind: string }>;
}

/** A spec layer in build order, with its model name; a residual block's layers come before the block itself (its Add). */
export interface NamedLayer {
  spec: LayerSpec;
  name: string;
  /** Its index in build order: seeds its initialisers. */
  index: number;
}

/**
 * Every layer in build order, Keras-style named (conv1d, flatten, dense, dense_1, ...; the paper's
 * names). One counter per type spans the whole model, blocks included, so names are unique.
 */
export function namedLayers(layers: readonly LayerSpec[]): NamedLayer[] {
  const seen = new Map<string, number>();
  const out: NamedLayer[] = [];
  const walk = (list: readonly LayerSpec[]) => {
    for (const spec of list) {
      if (isResidual(spec)) walk(spec.layers as LayerSpec[]);
      // A user's kind is named by its own type (glu, glu_1), not by its file's reference.
      const type = layerKind(spec.type)?.type ?? spec.type;
      const n = seen.get(type) ?? 0;
      seen.set(type, n + 1);
      out.push({ spec, name: n === 0 ? type : `${type}_${n}`, index: out.length });
    }
  };
  walk(layers);
  return out;
}

/** The names of the top-level layers (a residual block by its own name), in order. */
export function layerNames(layers: readonly LayerSpec[]): string[] {
  const byLayer = new Map(namedLayers(layers).map((l) => [l.spec, l.name]));
  return layers.map((l) => byLayer.get(l)!);
}

/** Whether an architecture has a residual block anywhere (it is then built with tfjs's functional API). */
export const hasResidual = (layers: readonly LayerSpec[]): boolean => layers.some(isResidual);

/**
 * Builds an uncompiled model for windows of `lookback × features`. Kernel initialisers are
 * seeded per layer, so the same seed gives the same initial weights on the same backend.
 */
export function buildModel(tf: Tf, architecture: Architecture, inputShape: [number, number], seed: number): LayersModel {
  const named = namedLayers(architecture.layers);
  const nameOf = new Map(named.map((l) => [l.spec, l]));
  const at = (layer: NamedLayer, first: boolean) => ({
    name: layer.name,
    // k = 0 gives what runexp has always seeded a kernel with: old runs keep their initial weights.
    seed: (k: number) => seed * 1000 + layer.index + k * 1_000_003,
    ...(first ? { inputShape } : {}),
  });
  const kindOf = (spec: LayerSpec) => {
    const kind = layerKind(spec.type);
    if (!kind)
      throw new Error(`architecture "${architecture.name}" has a layer of type "${spec.type}", which runexp has no layer kind for`);
    return kind;
  };
  if (!hasResidual(architecture.layers)) {
    const model = tf.sequential({ name: architecture.name });
    architecture.layers.forEach((spec, i) => model.add(kindOf(spec).build(tf, spec, at(nameOf.get(spec)!, i === 0))));
    return model;
  }
  // A residual block branches, which a sequential model cannot: the functional API.
  type Symbolic = ReturnType<Tf['input']>;
  const apply = (list: readonly LayerSpec[], x: Symbolic): Symbolic => {
    for (const spec of list) {
      const layer = nameOf.get(spec)!;
      if (!isResidual(spec)) {
        x = kindOf(spec).build(tf, spec, at(layer, false)).apply(x) as Symbolic;
        continue;
      }
      let skip = x;
      const inner = apply(spec.layers as LayerSpec[], x);
      const [from, to] = [skip.shape.slice(1) as number[], inner.shape.slice(1) as number[]];
      if (from.join() !== to.join()) {
        const projection = projectionKind(from, to);
        skip = layerKind(projection.type)!
          .build(tf, projection, { name: `${layer.name}_projection`, seed: (k) => seed * 1000 + layer.index + 500 + k * 1_000_003 })
          .apply(skip) as Symbolic;
      }
      x = tf.layers.add({ name: layer.name }).apply([inner, skip]) as Symbolic;
    }
    return x;
  };
  const input = tf.input({ shape: inputShape, name: 'window' });
  return tf.model({ inputs: input, outputs: apply(architecture.layers, input), name: architecture.name });
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

/**
 * Which layers structured pruning can shrink, and why the others cannot. A layer's removed units
 * travel through the layers after it in the same list (a residual block's, or the model's) until
 * one with units takes them in as fewer inputs; every layer on the way needs a shrink, and the
 * chain must end inside its list: a block's last layer with units feeds the block's sum (its
 * channels must match the skip), a layer right before a block feeds both the block and its skip,
 * and the model's last layer with units is its output.
 */
export function shrinkableLayers(layers: readonly LayerSpec[]): { name: string; ok: boolean; why?: string }[] {
  const nameOf = new Map(namedLayers(layers).map((l) => [l.spec, l.name]));
  const out: { name: string; ok: boolean; why?: string }[] = [];
  const walk = (list: readonly LayerSpec[], inBlock: boolean) => {
    list.forEach((spec, i) => {
      if (isResidual(spec)) return walk(spec.layers as LayerSpec[], true);
      if (!layerKind(spec.type)?.units) return;
      let why = inBlock
        ? "it is its residual block's last layer with units: its channels meet the skip in the sum"
        : 'it is the output layer';
      for (const next of list.slice(i + 1)) {
        if (isResidual(next)) {
          why = `it feeds the residual block "${nameOf.get(next)}", whose skip needs its channels too`;
          break;
        }
        const kind = layerKind(next.type);
        if (!kind?.shrink) {
          why = `its removed units would reach "${nameOf.get(next)}" (${next.type}), which structured compaction cannot pass them through`;
          break;
        }
        if (kind.units) {
          why = '';
          break;
        }
      }
      out.push({ name: nameOf.get(spec)!, ok: why === '', ...(why ? { why } : {}) });
    });
  };
  walk(layers, false);
  return out;
}
