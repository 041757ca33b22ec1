// Structured pruning: removes whole units of Dense layers and whole filters of Conv1D layers,
// the ones with the smallest L1 or L2 norm of incoming weights. The pruned model zeroes their
// weights and biases; its compactor (compact/structured.ts) then builds a genuinely smaller
// model without them, so the following layers' inputs shrink too. Optional fine-tuning.
import { z } from 'zod';
import type { Architecture, LayersModel, WeightMask } from '../../plugin/index.ts';
import {
  applyMasks, cloneModel, hasResidual, kindOfLayer, LAYER_KINDS, layerKind, layerNames, namedLayers, prunableLayers, weightsOfLayer, controlOption, definePlugin, disposeModel, ErrorCode, maskedResult, maskHooks, masksFromScores, randomMasksLike, RunexpError, scopeOption, sparsityOption, suggestHint,
} from '../../plugin/index.ts';

/** Hidden layers whose kind can shrink (conv1d, dense) by default; never the output layer (it would lose its only unit). */
function targetLayers(model: LayersModel, choice: 'hidden' | string[]): string[] {
  const weighted = model.layers.filter((l) => kindOfLayer(l).units).map((l) => l.name);
  const hidden = weighted.slice(0, -1);
  if (choice === 'hidden') {
    if (hidden.length > 0) return hidden;
    const kinds = [...new Set(prunableLayers(model.layers).slice(0, -1).map((l) => kindOfLayer(l).type))];
    throw new RunexpError(ErrorCode.PLUGIN, `structured pruning has no hidden layer it can shrink in this model${kinds.length ? ` (its hidden ${kinds.join(', ')} layers cannot be shrunk yet)` : ''}`, `it shrinks ${LAYER_KINDS.filter((k) => k.units).map((k) => k.type).join(' and ')} layers; use an unstructured pruner (magnitude, layers: hidden) on this architecture`);
  }
  for (const name of choice) {
    if (!hidden.includes(name)) {
      const why = name === weighted.at(-1) ? `"${name}" is the output layer` : `no hidden conv1d or dense layer is named "${name}"`;
      throw new RunexpError(ErrorCode.PLUGIN, `structured pruning cannot remove units of ${why}`, suggestHint(name, hidden));
    }
  }
  return choice;
}

/** Why structured pruning cannot run on an architecture of the spec (Plugin.refuses). */
function refuses(architecture: Architecture, options: { layers: 'hidden' | string[] }) {
  const weighted = namedLayers(architecture.layers).filter((l) => layerKind(l.spec.type)?.units);
  const hidden = weighted.slice(0, -1).map((l) => l.name);
  const kinds = LAYER_KINDS.filter((k) => k.units).map((k) => k.type).join(', ');
  if (options.layers === 'hidden' && hidden.length === 0) return { problem: `it has no hidden layer structured pruning can shrink (it shrinks ${kinds})`, hint: 'prune this architecture with an unstructured pruner (magnitude, layers: hidden)' };
  const outside = options.layers === 'hidden' ? [] : options.layers.filter((name) => !hidden.includes(name));
  if (outside.length) return { problem: `${outside.map((n) => `"${n}"`).join(', ')} ${outside.length > 1 ? 'are not hidden layers' : 'is not a hidden layer'} it can shrink (${kinds}; never the output layer)`, hint: suggestHint(outside[0], hidden) };
  // Each target's removed units travel to the next layer with units, through every layer between
  // (a residual block's refusal is its compactor's).
  if (hasResidual(architecture.layers)) return undefined;
  const targets = options.layers === 'hidden' ? hidden : options.layers;
  const names = layerNames(architecture.layers);
  for (const [i, name] of names.entries()) {
    if (!targets.includes(name)) continue;
    for (let j = i + 1; j < names.length; j++) {
      const kind = layerKind(architecture.layers[j].type);
      if (!kind?.shrink) return { problem: `the units removed from "${name}" would reach "${names[j]}" (${architecture.layers[j].type}), which structured compaction cannot pass them through`, hint: `name the layers to shrink with layers: [...], leaving out those before a ${architecture.layers[j].type} layer` };
      if (kind.units) break;
    }
  }
  return undefined;
}

/** Each unit's (or filter's) norm of incoming weights; a kernel's last dimension is its unit. */
export function unitNorms(kernel: Float32Array, units: number, norm: 'l1' | 'l2', perWeight: boolean): Float64Array {
  const fanIn = kernel.length / units;
  const sums = new Float64Array(units);
  kernel.forEach((w, i) => (sums[i % units] += norm === 'l1' ? Math.abs(w) : w * w));
  // Per weight (for a global ranking across layers of different fan-in): mean |w| or RMS.
  return sums.map((s) => (norm === 'l1' ? s / (perWeight ? fanIn : 1) : Math.sqrt(s / (perWeight ? fanIn : 1))));
}

export default definePlugin({
  slot: 'prune',
  name: 'structured',
  // It trains after (or while) it prunes: every weight may change.
  retrains: 'all',
  description: 'Structured pruning: removes Dense units, Conv1D filters and LSTM/GRU/RNN units by L1/L2 norm; its compactor builds a smaller model.',
  options: z.strictObject({
    sparsity: sparsityOption.default(0.5).describe('fraction of the target layers\' units (filters) removed; a list is a grid axis'),
    layers: z.union([z.literal('hidden'), z.array(z.string().min(1)).min(1)]).default('hidden').describe('hidden: every conv1d, dense and recurrent layer but the output; or a list of names'),
    norm: z.enum(['l1', 'l2']).default('l1'),
    scope: scopeOption,
    finetuneEpochs: z.int().min(0).default(0).describe('epochs of retraining after pruning, removed units held at zero'),
    control: controlOption,
  }),
  axes: ['sparsity', 'norm', 'finetuneEpochs', 'control'],
  compactor: 'structured',
  refuses,
  run: async (req, options, ctx) => {
    const { tf } = ctx;
    const targets = targetLayers(req.model, options.layers);
    // A unit's incoming weights: its kernel column (a filter's), and a recurrent unit's columns in
    // every gate of its kernel and recurrent kernel. Value i of any of them belongs to unit i mod units.
    const units = new Map(targets.map((name) => {
      const layer = req.model.getLayer(name);
      return [name, kindOfLayer(layer).units!(layer.getConfig() as Record<string, unknown>)];
    }));
    const incoming = (name: string) => {
      const layer = req.model.getLayer(name);
      const values = layer.getWeights();
      return weightsOfLayer(layer).flatMap((w, i) => (w.name === 'kernel' || w.name === 'recurrentKernel' ? Array.from(values[i].dataSync() as Float32Array) : []));
    };
    const scores = new Map(targets.map((name) => [name, unitNorms(Float32Array.from(incoming(name)), units.get(name)!, options.norm, options.scope === 'global')]));
    let unitMasks = masksFromScores(scores, options.sparsity, options.scope);
    if (options.control === 'random') unitMasks = randomMasksLike(unitMasks, ctx.random);
    for (const m of unitMasks) {
      // A layer keeps at least its best unit, or nothing would flow through it.
      if (!m.keep.includes(1)) m.keep[scores.get(m.layer)!.indexOf(Math.max(...scores.get(m.layer)!))] = 1;
    }
    // A removed unit's kernel, recurrent-kernel and bias entries (in every gate) are zeroed: it
    // then outputs activation(0), and a recurrent unit outputs 0 at every step.
    const masks: WeightMask[] = unitMasks.flatMap(({ layer, keep }) => {
      const n = units.get(layer)!;
      const found = req.model.getLayer(layer);
      const values = found.getWeights();
      return weightsOfLayer(found)
        .map((w, i) => ({ name: w.name, size: values[i].size }))
        .filter((w) => ['kernel', 'recurrentKernel', 'bias'].includes(w.name))
        .map((w) => ({ layer, weight: w.name, keep: Uint8Array.from({ length: w.size }, (_, i) => keep[i % n]) }));
    });
    let model = cloneModel(tf, req.model, req.architecture, [req.data.lookback, req.data.features]);
    applyMasks(tf, model, masks);
    if (options.finetuneEpochs > 0) {
      // The clone is ours whether or not the fine-tuning succeeds (a dead model throws).
      const clone = model;
      try {
        model = (await req.train({ from: clone, epochs: options.finetuneEpochs, hooks: maskHooks(tf, () => masks) })).model;
      } finally {
        disposeModel(clone);
      }
    }
    const removed = Object.fromEntries(unitMasks.map(({ layer, keep }) => [layer, [...keep.keys()].filter((u) => !keep[u])]));
    const result = maskedResult(model, req.model, masks, { criterion: `${options.norm} norm of unit` }, (m) => m.weight !== 'bias');
    return { ...result, data: { removed, units: Object.fromEntries(units) } };
  },
});
