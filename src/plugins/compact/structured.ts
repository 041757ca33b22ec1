// Compaction for structured pruning: builds the smaller architecture — each pruned layer without
// its removed units or filters, and each following layer without the inputs they fed — and
// copies the kept weights across. A removed unit still outputs activation(0) in the pruned model
// (0 for relu, linear, tanh, elu, selu; not for sigmoid or softplus); that constant is folded into
// the next dense layer's bias, so the small model computes what the pruned one does.
import { z } from 'zod';
import type { Architecture, LayersModel, LayerSpec, Tf } from '../../plugin/index.ts';
import { buildModel, type Channels, isResidual, kindOfLayer, LAYER_KINDS, layerKind, namedLayers } from '../../plugin/kit/model.ts';
import { definePlugin, ErrorCode, RunexpError } from '../../plugin/index.ts';

const removedSchema = z.record(z.string(), z.array(z.int().min(0)));

/** A layer kind that structured pruning can shrink: it says how many units it has and builds itself with fewer. */
function shrinkable(layer: LayerSpec, name: string) {
  const kind = layerKind(layer.type);
  if (!kind?.units || !kind.withUnits)
    throw new RunexpError(
      ErrorCode.PLUGIN,
      `layer "${name}" is a ${layer.type}, which structured compaction cannot shrink`,
      `it shrinks ${LAYER_KINDS.filter((k) => k.units)
        .map((k) => k.type)
        .join(' and ')} layers`,
    );
  return { units: kind.units(layer), withUnits: (n: number) => kind.withUnits!(layer, n) as LayerSpec };
}

/** The architecture without the removed units, named after what shrank, e.g. "paper[conv1d:2,dense:60]". */
export function shrunkArchitecture(architecture: Architecture, removed: Record<string, number[]>): Architecture {
  const names = new Map(namedLayers(architecture.layers).map((l) => [l.spec, l.name]));
  const changed: string[] = [];
  const shrink = (layers: readonly LayerSpec[]): LayerSpec[] =>
    layers.map((layer) => {
      if (isResidual(layer)) return { ...layer, layers: shrink(layer.layers as LayerSpec[]) };
      const name = names.get(layer)!;
      const gone = removed[name]?.length ?? 0;
      if (gone === 0) return layer;
      const { units, withUnits } = shrinkable(layer, name);
      if (gone >= units) throw new RunexpError(ErrorCode.PLUGIN, `layer "${name}" would lose all its units`);
      changed.push(`${name}:${units - gone}`);
      return withUnits(units - gone);
    });
  const layers = shrink(architecture.layers);
  return { ...architecture, name: `${architecture.name}[${changed.join(',')}]`, layers };
}

export default definePlugin({
  slot: 'compact',
  name: 'structured',
  description: 'Builds a smaller model without the units and filters a structured pruner removed.',
  options: z.strictObject({}),
  run: (req, _options, ctx) => {
    const parsed = removedSchema.safeParse(req.pruned.data?.removed);
    if (!parsed.success)
      throw new RunexpError(
        ErrorCode.PLUGIN,
        'the structured compactor needs `data.removed` ({layer: [unit indexes]}) from its pruner',
        'use it with the structured pruner, or return data.removed from yours',
      );
    const removed = parsed.data;
    const architecture = shrunkArchitecture(req.architecture, removed);
    const input = req.original.inputs[0].shape.slice(1) as [number, number];
    const model = buildModel(ctx.tf, architecture, input, 0);
    // Layer by layer: a model's own weight list puts every trainable weight before the
    // non-trainable ones (batch norm's statistics), so it cannot be filled in layer order.
    for (const [name, weights] of compactWeights(ctx.tf, req.pruned.model, req.architecture, removed)) {
      model.getLayer(name).setWeights(weights);
      ctx.tf.dispose(weights);
    }
    return { model, architecture };
  },
});

/**
 * The kept weights of every layer with weights, by layer name: each layer's kind shrinks it
 * (LayerKind.shrink) given what the layer before handed on, and hands on its own kept channels.
 * A residual block's layers are walked the same way; what enters and leaves a block is never
 * shrunk (shrinkableLayers), so its projection is copied as it is.
 */
function compactWeights(
  tf: Tf,
  source: LayersModel,
  architecture: Architecture,
  removed: Record<string, number[]>,
): Map<string, InstanceType<Tf['Tensor']>[]> {
  const names = new Map(namedLayers(architecture.layers).map((l) => [l.spec, l.name]));
  const byLayer = new Map<string, InstanceType<Tf['Tensor']>[]>();
  const copy = (name: string) =>
    byLayer.set(
      name,
      source
        .getLayer(name)
        .getWeights()
        .map((w) => tf.clone(w)),
    );
  const walk = (layers: readonly LayerSpec[]) => {
    let channels: Channels = { kept: null, constants: new Map() };
    for (const spec of layers) {
      const name = names.get(spec)!;
      if (isResidual(spec)) {
        if (channels.kept !== null)
          throw new RunexpError(
            ErrorCode.PLUGIN,
            `structured compaction cannot shrink the input of residual block "${name}"`,
            'its skip needs the same channels',
          );
        walk(spec.layers as LayerSpec[]);
        if (source.layers.some((l) => l.name === `${name}_projection`)) copy(`${name}_projection`);
        continue;
      }
      const layer = source.getLayer(name);
      const own = removed[name] ?? [];
      if (channels.kept === null && !own.length) {
        // Nothing removed here or before: any kind (a recurrent layer before the pruned ones) is copied.
        copy(name);
        continue;
      }
      const kind = kindOfLayer(layer);
      if (!kind.shrink)
        throw new RunexpError(
          ErrorCode.PLUGIN,
          `structured compaction cannot pass removed units through layer "${name}" (${kind.type}): its kind has no shrink`,
          `it passes them through ${LAYER_KINDS.filter((k) => k.shrink)
            .map((k) => k.type)
            .join(', ')}`,
        );
      const shrunk = kind.shrink(tf, layer, channels, own);
      byLayer.set(name, shrunk.weights);
      channels = shrunk.out;
    }
    if (channels.kept !== null)
      throw new RunexpError(
        ErrorCode.PLUGIN,
        'structured compaction cannot shrink the last layer with units of a residual block or of the model',
        "its channels leave the block (or are the model's output)",
      );
  };
  walk(architecture.layers);
  return byLayer;
}
