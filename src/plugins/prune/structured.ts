// Structured pruning: removes whole units of Dense layers and whole filters of Conv1D layers,
// the ones with the smallest L1 or L2 norm of incoming weights. The pruned model zeroes their
// weights and biases; its compactor (compact/structured.ts) then builds a genuinely smaller
// model without them, so the following layers' inputs shrink too. Optional fine-tuning, in float32
// or quantisation-aware (`qat: int8`: the int8 grid of the kept weights is the one the quantize
// compactor uses after shrinking, since a removed unit's zeros change no channel's largest |w|).
import { z } from 'zod';
import type { Architecture } from '../../plugin/index.ts';
import type { WeightMask } from '../../plugin/kit/prune.ts';
import {
  applyMasks,
  controlOption,
  fakeQuantHooks,
  maskedResult,
  masksFromScores,
  qatOption,
  randomMasksLike,
  scopeOption,
  sparsityOption,
} from '../../plugin/kit/prune.ts';
import { cloneModel, disposeModel, LAYER_KINDS, layerKind, namedLayers, shrinkableLayers, weightsOfLayer } from '../../plugin/kit/model.ts';
import { definePlugin, ErrorCode, RunexpError, suggestHint } from '../../plugin/index.ts';

/**
 * The layers to shrink: every layer it can shrink (`hidden`), or the names given, each of which it
 * must be able to shrink (architecture.ts's shrinkableLayers: not the output, not a residual
 * block's last, not one whose removed units would reach a kind without a shrink); or why not.
 */
function targets(architecture: Architecture, choice: 'hidden' | string[]): string[] | { problem: string; hint: string } {
  const layers = shrinkableLayers(architecture.layers);
  const eligible = layers.filter((l) => l.ok).map((l) => l.name);
  if (choice === 'hidden') {
    if (eligible.length) return eligible;
    const kinds = LAYER_KINDS.filter((k) => k.units)
      .map((k) => k.type)
      .join(', ');
    return {
      problem: `it has no layer structured pruning can shrink (it shrinks ${kinds}${layers.length ? `; ${layers.map((l) => `"${l.name}": ${l.why}`).join('; ')}` : ''})`,
      hint: 'prune this architecture with an unstructured pruner (magnitude, layers: hidden)',
    };
  }
  for (const name of choice) {
    const layer = layers.find((l) => l.name === name);
    if (!layer)
      return { problem: `it cannot remove units of "${name}": no layer with units has that name`, hint: suggestHint(name, eligible) };
    if (!layer.ok)
      return {
        problem: `it cannot remove units of "${name}": ${layer.why}`,
        hint: eligible.length
          ? `the layers it can shrink here: ${eligible.join(', ')}`
          : 'prune this architecture with an unstructured pruner (magnitude, layers: hidden)',
      };
  }
  return choice;
}

/** Why structured pruning cannot run on an architecture of the spec (Plugin.refuses). */
function refuses(architecture: Architecture, options: { layers: 'hidden' | string[] }) {
  const chosen = targets(architecture, options.layers);
  return Array.isArray(chosen) ? undefined : chosen;
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
  description:
    'Structured pruning: removes Dense units, Conv1D filters and LSTM/GRU/RNN units (bidirectional ones in both directions) by L1/L2 norm; its compactor builds a smaller model.',
  options: z
    .strictObject({
      sparsity: sparsityOption.default(0.5).describe("fraction of the target layers' units (filters) removed; a list is a grid axis"),
      layers: z
        .union([z.literal('hidden'), z.array(z.string().min(1)).min(1)])
        .default('hidden')
        .describe('hidden: every conv1d, dense and recurrent layer but the output; or a list of names'),
      norm: z.enum(['l1', 'l2']).default('l1'),
      scope: scopeOption,
      finetuneEpochs: z.int().min(0).default(0).describe('epochs of retraining after pruning, removed units held at zero'),
      control: controlOption,
      qat: qatOption,
    })
    .refine((o) => o.qat !== 'int8' || o.finetuneEpochs > 0, {
      path: ['qat'],
      message: 'quantisation-aware retraining needs a retraining: set finetuneEpochs above 0, or leave qat out',
    }),
  axes: ['sparsity', 'norm', 'finetuneEpochs', 'control', 'qat'],
  declares: (options) => ({ sparsity: options.sparsity, removes: 'units', control: options.control }),
  compactor: 'structured',
  refuses,
  run: async (req, options, ctx) => {
    const { tf } = ctx;
    const chosen = targets(req.architecture, options.layers);
    if (!Array.isArray(chosen))
      throw new RunexpError(
        ErrorCode.PLUGIN,
        `structured pruning on architecture "${req.architecture.name}": ${chosen.problem}`,
        chosen.hint,
      );
    // A unit's incoming weights (its kind's `perUnit: 'incoming'`): its kernel column (a filter's),
    // a recurrent unit's columns in every gate of its kernel and recurrent kernel, a bidirectional
    // unit's in both directions. Value i of any of them belongs to unit i mod units.
    const specs = new Map(namedLayers(req.architecture.layers).map((l) => [l.name, l.spec]));
    const units = new Map(chosen.map((name) => [name, layerKind(specs.get(name)!.type)!.units!(specs.get(name)!)]));
    const incoming = (name: string) => {
      const layer = req.model.getLayer(name);
      const values = layer.getWeights();
      return weightsOfLayer(layer).flatMap((w, i) => (w.perUnit === 'incoming' ? Array.from(values[i].dataSync() as Float32Array) : []));
    };
    const scores = new Map(
      chosen.map((name) => [
        name,
        unitNorms(Float32Array.from(incoming(name)), units.get(name)!, options.norm, options.scope === 'global'),
      ]),
    );
    let unitMasks = masksFromScores(scores, options.sparsity, options.scope);
    if (options.control === 'random') unitMasks = randomMasksLike(unitMasks, ctx.random);
    for (const m of unitMasks) {
      // A layer keeps at least its best unit, or nothing would flow through it.
      if (!m.keep.includes(1)) m.keep[scores.get(m.layer)!.indexOf(Math.max(...scores.get(m.layer)!))] = 1;
    }
    // A removed unit's kernel, recurrent-kernel and bias entries (in every gate, both directions)
    // are zeroed: it then outputs activation(0), and a recurrent unit outputs 0 at every step.
    const scored = new Set<WeightMask>();
    const masks: WeightMask[] = unitMasks.flatMap(({ layer, keep }) => {
      const n = units.get(layer)!;
      const found = req.model.getLayer(layer);
      const values = found.getWeights();
      return weightsOfLayer(found).flatMap((w, i) => {
        if (!w.perUnit) return [];
        const mask = { layer, weight: w.name, keep: Uint8Array.from({ length: values[i].size }, (_, v) => keep[v % n]) };
        if (w.perUnit === 'incoming') scored.add(mask);
        return [mask];
      });
    });
    let model = cloneModel(tf, req.model, req.architecture, [req.data.lookback, req.data.features]);
    applyMasks(tf, model, masks);
    if (options.finetuneEpochs > 0) {
      // The clone is ours whether or not the fine-tuning succeeds (a dead model throws).
      const clone = model;
      try {
        const hooks = options.qat === 'int8' ? { hooks: fakeQuantHooks(tf) } : {};
        model = (await req.train({ from: clone, epochs: options.finetuneEpochs, masks, ...hooks })).model;
      } finally {
        disposeModel(clone);
      }
    }
    const removed = Object.fromEntries(unitMasks.map(({ layer, keep }) => [layer, [...keep.keys()].filter((u) => !keep[u])]));
    const result = maskedResult(model, req.model, masks, { criterion: `${options.norm} norm of unit` }, (m) => scored.has(m));
    return { ...result, data: { removed, units: Object.fromEntries(units) } };
  },
});
