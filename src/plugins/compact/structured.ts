// Compaction for structured pruning: builds the smaller architecture — each pruned layer without
// its removed units or filters, and each following layer without the inputs they fed — and
// copies the kept weights across. A removed unit still outputs activation(0) in the pruned model
// (0 for relu, linear, tanh, elu, selu; not for sigmoid or softplus); that constant is folded into
// the next dense layer's bias, so the small model computes what the pruned one does.
import { z } from 'zod';
import type { Architecture, LayerSpec, LayersModel, Tf } from '../../plugin/index.ts';
import { buildModel, definePlugin, ErrorCode, hasResidual, kindOfLayer, LAYER_KINDS, layerKind, layerNames, RunexpError, type Channels } from '../../plugin/index.ts';

const removedSchema = z.record(z.string(), z.array(z.int().min(0)));

/** A layer kind that structured pruning can shrink: it says how many units it has and builds itself with fewer. */
function shrinkable(layer: LayerSpec, name: string) {
  const kind = layerKind(layer.type);
  if (!kind?.units || !kind.withUnits) throw new RunexpError(ErrorCode.PLUGIN, `layer "${name}" is a ${layer.type}, which structured compaction cannot shrink`, `it shrinks ${LAYER_KINDS.filter((k) => k.units).map((k) => k.type).join(' and ')} layers`);
  return { units: kind.units(layer), withUnits: (n: number) => kind.withUnits!(layer, n) as LayerSpec };
}

/** The architecture without the removed units, named after what shrank, e.g. "paper[conv1d:2,dense:60]". */
export function shrunkArchitecture(architecture: Architecture, removed: Record<string, number[]>): Architecture {
  if (hasResidual(architecture.layers)) throw new RunexpError(ErrorCode.PLUGIN, `structured compaction cannot shrink architecture "${architecture.name}" yet: it has a residual block`, 'prune it with an unstructured pruner (magnitude, layers: hidden), or use an architecture without residual blocks');
  const names = layerNames(architecture.layers);
  const changed: string[] = [];
  const layers = architecture.layers.map((layer, i) => {
    const gone = removed[names[i]]?.length ?? 0;
    if (gone === 0) return layer;
    const { units, withUnits } = shrinkable(layer, names[i]);
    if (gone >= units) throw new RunexpError(ErrorCode.PLUGIN, `layer "${names[i]}" would lose all its units`);
    changed.push(`${names[i]}:${units - gone}`);
    return withUnits(units - gone);
  });
  return { name: `${architecture.name}[${changed.join(',')}]`, layers };
}

export default definePlugin({
  slot: 'compact',
  name: 'structured',
  description: 'Builds a smaller model without the units and filters a structured pruner removed.',
  options: z.strictObject({}),
  refuses(architecture) {
    const hint = 'prune this architecture with an unstructured pruner (magnitude, layers: hidden)';
    if (hasResidual(architecture.layers)) return { problem: 'it has a residual block, which structured compaction cannot shrink through yet', hint };
    if (architecture.layers.some((l) => l.type === 'bidirectional')) return { problem: 'it has a bidirectional layer, which structured compaction cannot shrink or pass removed units through yet', hint };
    return undefined;
  },
  run: (req, _options, ctx) => {
    const parsed = removedSchema.safeParse((req.pruned.data ?? {}).removed);
    if (!parsed.success) throw new RunexpError(ErrorCode.PLUGIN, 'the structured compactor needs `data.removed` ({layer: [unit indexes]}) from its pruner', 'use it with the structured pruner, or return data.removed from yours');
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
 */
function compactWeights(tf: Tf, source: LayersModel, architecture: Architecture, removed: Record<string, number[]>): Map<string, InstanceType<Tf['Tensor']>[]> {
  const names = layerNames(architecture.layers);
  let channels: Channels = { kept: null, constants: new Map() };
  const byLayer = new Map<string, InstanceType<Tf['Tensor']>[]>();
  architecture.layers.forEach((_, i) => {
    const layer = source.getLayer(names[i]);
    const own = removed[names[i]] ?? [];
    if (channels.kept === null && !own.length) {
      // Nothing removed here or before: any kind (a recurrent layer before the pruned ones) is copied.
      byLayer.set(names[i], layer.getWeights().map((w) => tf.clone(w)));
      return;
    }
    const kind = kindOfLayer(layer);
    if (!kind.shrink) throw new RunexpError(ErrorCode.PLUGIN, `structured compaction cannot pass removed units through layer "${names[i]}" (${kind.type}): its kind has no shrink`, `it passes them through ${LAYER_KINDS.filter((k) => k.shrink).map((k) => k.type).join(', ')}`);
    const shrunk = kind.shrink(tf, layer, channels, own);
    byLayer.set(names[i], shrunk.weights);
    channels = shrunk.out;
  });
  return byLayer;
}
