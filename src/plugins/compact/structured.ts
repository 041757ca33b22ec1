// Compaction for structured pruning: builds the smaller architecture — each pruned layer without
// its removed units or filters, and each following layer without the inputs they fed — and
// copies the kept weights across. A removed unit still outputs activation(0) in the pruned model
// (0 for relu, linear, tanh, elu, selu; not for sigmoid or softplus); that constant is folded into
// the next dense layer's bias, so the small model computes what the pruned one does.
import { z } from 'zod';
import type { Activation, Architecture, LayerSpec, LayersModel, Tf } from '../../plugin/index.ts';
import { ACTIVATION_TABLE, buildModel, definePlugin, ErrorCode, hasResidual, inputShapeOf, LAYER_KINDS, layerKind, layerNames, outputShapeOf, RunexpError, weightsOfLayer } from '../../plugin/index.ts';

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

/** Row-major values of a weight, picked along each dimension by the given indexes (all when null). */
function pick(values: Float32Array, shape: number[], keepAlong: (number[] | null)[]): Float32Array {
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

/** The kept weights of every layer with weights, by layer name, with removed constants folded. */
function compactWeights(tf: Tf, source: LayersModel, architecture: Architecture, removed: Record<string, number[]>): Map<string, InstanceType<Tf['Tensor']>[]> {
  const names = layerNames(architecture.layers);
  // What the previous layer hands on: which of its outputs are kept (null: all) and the constant
  // each removed output carries.
  let keptIn: number[] | null = null;
  let constantIn = new Map<number, number>();
  const byLayer = new Map<string, InstanceType<Tf['Tensor']>[]>();
  architecture.layers.forEach((layer, i) => {
    const sourceLayer = source.getLayer(names[i]);
    const tensors: InstanceType<Tf['Tensor']>[] = [];
    byLayer.set(names[i], tensors);
    if (keptIn === null && !removed[names[i]]?.length) {
      // Nothing removed here or before: any kind (a recurrent layer before the pruned ones) is copied.
      for (const w of sourceLayer.getWeights()) tensors.push(tf.clone(w));
      return;
    }
    if (layer.type === 'flatten') {
      const [steps, channels] = (sourceLayer.input as { shape: number[] }).shape.slice(1);
      if (keptIn) {
        const kept = keptIn;
        const constants = constantIn;
        keptIn = [];
        constantIn = new Map();
        for (let t = 0; t < steps; t++) {
          for (let c = 0; c < channels; c++) {
            if (kept.includes(c)) keptIn.push(t * channels + c);
            else constantIn.set(t * channels + c, constants.get(c) ?? 0);
          }
        }
      }
      return;
    }
    if (layer.type === 'batchNormalization') {
      // Per channel: the kept channels keep their statistics; a removed channel's constant c
      // leaves as (c − mean) · γ / √(var + ε) + β, which the next dense layer folds.
      const epsilon = (sourceLayer.getConfig() as { epsilon: number }).epsilon;
      const [gamma, beta, mean, variance] = sourceLayer.getWeights().map((w) => w.dataSync() as Float32Array);
      constantIn = new Map([...constantIn].map(([c, v]) => [c, ((v - mean[c]) * gamma[c]) / Math.sqrt(variance[c] + epsilon) + beta[c]]));
      for (const values of [gamma, beta, mean, variance]) tensors.push(tf.tensor(keptIn ? Float32Array.from(keptIn, (c) => values[c]) : values, [keptIn?.length ?? values.length]));
      return;
    }
    if (sourceLayer.getWeights().length === 0) {
      // Weightless layers that keep the channel axis (dropout, pooling) hand the kept channels on
      // as they are; a removed channel's constant stays that constant through them.
      if (inputShapeOf(sourceLayer).at(-1) === outputShapeOf(sourceLayer).at(-1)) return;
      throw new RunexpError(ErrorCode.PLUGIN, `structured compaction cannot pass removed units through layer "${names[i]}" (${layer.type})`);
    }
    const named = new Map(weightsOfLayer(sourceLayer).map((w, k) => [w.name, sourceLayer.getWeights()[k]]));
    const [kernelT, biasT, recurrentT] = ['kernel', 'bias', 'recurrentKernel'].map((w) => named.get(w));
    const kernel = kernelT!.dataSync() as Float32Array;
    const bias = Float32Array.from(biasT!.dataSync() as Float32Array);
    const n = shrinkable(layer, names[i]).units;
    // A recurrent kernel holds every gate's columns side by side: [in, gates · units].
    const width = kernelT!.shape.at(-1)!;
    const gone = new Set(removed[names[i]] ?? []);
    const own = gone.size ? Array.from({ length: n }, (_, u) => u).filter((u) => !gone.has(u)) : null;
    const columns = own && Array.from({ length: width / n }, (_, g) => own.map((u) => g * n + u)).flat();
    // Fold the constants of removed inputs into this layer's bias (exact for dense and recurrent
    // layers, whose every step sees the same constant input).
    const nonZero = [...constantIn].filter(([, v]) => v !== 0);
    if (nonZero.length && layer.type === 'conv1d') throw new RunexpError(ErrorCode.PLUGIN, `cannot fold the constant output of removed filters into conv1d layer "${names[i]}"`, 'use an activation with f(0) = 0 (relu, linear, tanh) on the pruned conv1d layer');
    for (const [row, value] of nonZero) for (let c = 0; c < width; c++) bias[c] += value * kernel[row * width + c];
    const keepAlong = layer.type === 'conv1d' ? [null, keptIn, columns] : [keptIn, columns];
    // In the layer's own weight order: kernel, recurrent kernel, bias.
    tensors.push(tf.tensor(pick(kernel, kernelT!.shape, keepAlong), keepAlong.map((k, d) => k?.length ?? kernelT!.shape[d])));
    if (recurrentT) {
      // Only the kept units feed the recurrence; a removed unit's row carried its output, 0.
      const along = [own, columns];
      tensors.push(tf.tensor(pick(recurrentT.dataSync() as Float32Array, recurrentT.shape, along), along.map((k, d) => k?.length ?? recurrentT.shape[d])));
    }
    tensors.push(tf.tensor(columns ? Float32Array.from(columns, (c) => bias[c]) : bias, [columns?.length ?? width]));
    keptIn = own;
    // A removed unit outputs activation(0); a removed recurrent unit (all gates zeroed) outputs 0
    // at every step, except a simpleRnn whose activation is not 0 at 0, which is refused.
    const atZero = ACTIVATION_TABLE[(layer.activation ?? 'tanh') as Activation]?.atZero ?? NaN;
    if (recurrentT && layer.type === 'simpleRnn' && atZero !== 0 && gone.size) throw new RunexpError(ErrorCode.PLUGIN, `cannot remove units of simpleRnn layer "${names[i]}": its activation is not 0 at 0, so a removed unit would feed a constant back into the others`, 'use tanh or relu');
    constantIn = new Map([...gone].map((u) => [u, recurrentT && layer.type !== 'simpleRnn' ? 0 : atZero]));
  });
  return byLayer;
}
