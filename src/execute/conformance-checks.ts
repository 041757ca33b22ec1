// The properties `runexp check-plugin` tests, each a small function from what one pruning run
// produced to pass / fail / n/a with what was expected and what was seen.
import type { LayersModel, PruneResult, TrainingHooks } from '../plugin/api.ts';
import { describeFailure, type SerializedError } from '../plugin/errors.ts';
import { weightIndex, weightsOfLayer } from '../plugin/layers/registry.ts';
import { prunedLabel } from '../plugin/prune-kernels.ts';
import { weightsOf } from '../plugin/weights.ts';
import { differences } from './checks.ts';
import { fail, na, pass, type PropertyResult } from './sparsity-check.ts';
export { sparsityMatches } from './sparsity-check.ts';
export { compactArchitectureValid, compactReproduces, noLeak, runsOnOnnx, storedSmaller } from './conformance-compact.ts';

export type { PropertyResult };

/** The reported `after` weights are what the model holds. */
export function reportMatchesModel(result: PruneResult): PropertyResult {
  const name = "reported weights are the model's weights";
  for (const reported of result.layers) {
    const layer = { ...reported, layer: prunedLabel(reported) };
    const found = result.model.getLayer(reported.layer);
    const actual = found.getWeights()[weightIndex(found, reported.weight ?? 'kernel')].dataSync() as Float32Array;
    const bad = actual.findIndex((w) => !Number.isFinite(w));
    if (bad >= 0)
      return fail(name, `expected finite weights; layer ${layer.layer} of the pruned model holds ${actual[bad]} at weight ${bad}`);
    if (actual.length !== layer.after.length)
      return fail(
        name,
        `expected \`after\` to hold the model's weights; layer ${layer.layer} reports ${layer.after.length} of them, its kernel has ${actual.length}`,
      );
    const differ = layer.after.findIndex((w, i) => w !== actual[i] && !(Number.isNaN(w) && Number.isNaN(actual[i])));
    if (differ >= 0)
      return fail(
        name,
        `expected \`after\` to hold the model's weights; layer ${layer.layer}: weight ${differ} is reported as ${layer.after[differ]}, the model holds ${actual[differ]}`,
      );
    if (layer.total !== actual.length)
      return fail(
        name,
        `expected \`total\` to count the kernel's weights; layer ${layer.layer} reports ${layer.total}, its kernel has ${actual.length}`,
      );
    let nonzero = 0;
    for (const w of actual) if (w !== 0) nonzero++;
    if (nonzero !== layer.kept)
      return fail(
        name,
        `expected \`kept\` to count the model's non-zero weights; layer ${layer.layer} reports ${layer.kept}, the model has ${nonzero}`,
      );
  }
  return pass(name, `${result.layers.length} layer(s) checked`);
}

/**
 * Hooks that watch a training after the pruner's own hooks have run: once a weight is zero after
 * an optimizer step, it must stay zero for the rest of that training.
 */
export function maskWatcher(): { hooks: TrainingHooks; violations: string[]; steps: () => number } {
  const violations: string[] = [];
  let zeros = new Map<string, Set<number>>();
  let steps = 0;
  const look = (model: LayersModel, when: string) => {
    const now = new Map<string, Set<number>>();
    for (const { layer, tensors } of weightsOf(model)) {
      if (tensors.length === 0) continue;
      const z = new Set<number>();
      tensors[0].values.forEach((v, i) => v === 0 && z.add(i));
      const before = zeros.get(layer);
      if (before && violations.length < 5) {
        const back = [...before].filter((i) => !z.has(i));
        if (back.length > 0) violations.push(`${back.length} pruned weight(s) of ${layer} came back ${when}`);
      }
      now.set(layer, z);
    }
    zeros = now;
  };
  return {
    violations,
    steps: () => steps,
    hooks: {
      // The zeros at the start (after the pruner's own hooks) are the masks to hold from step 0.
      onTrainBegin: (model) => {
        zeros = new Map();
        look(model, 'at the start');
      },
      onBatchEnd: (model, step) => {
        steps++;
        look(model, `at step ${step}`);
      },
      onTrainEnd: (model) => look(model, 'at the end of training'),
    },
  };
}

export function masksHeld(watch: ReturnType<typeof maskWatcher>, trained: boolean): PropertyResult {
  const name = 'masks hold through training steps';
  if (!trained) return na(name, 'the plugin does not train');
  if (watch.violations.length)
    return fail(name, `expected pruned weights to stay zero after every optimizer step; ${watch.violations.join('; ')}`);
  return pass(name, `${watch.steps()} optimizer steps watched`);
}

/**
 * Outside the pruned weights nothing changes: other layers, and every bias (the targeted layers'
 * included); inside a pruned weight (a kernel, a recurrent kernel) every value is kept as it was or zeroed.
 */
export function untouchedUnchanged(
  before: LayersModel,
  result: PruneResult,
  retrains: 'all' | readonly string[] | undefined,
): PropertyResult {
  const name = 'layers and biases it does not target are unchanged';
  if (retrains === 'all') return na(name, 'the plugin declares retrains: all, so every weight may change');
  const targets = new Set(result.layers.map((l) => l.layer));
  const prunedWeights = new Set(result.layers.map((l) => `${l.layer}:${l.weight ?? 'kernel'}`));
  const retrained = new Set(retrains ?? []);
  const a = weightsOf(before);
  const b = weightsOf(result.model);
  const problems: string[] = [];
  a.forEach((layer, li) =>
    layer.tensors.forEach((t, ti) => {
      if (retrained.has(layer.layer)) return;
      const other = b[li].tensors[ti].values;
      const weight = weightsOfLayer(before.layers[li])[ti]?.name;
      const prunable = prunedWeights.has(`${layer.layer}:${weight}`);
      let changed = 0;
      t.values.forEach((v, i) => {
        if (v !== other[i] && !(prunable && other[i] === 0)) changed++;
      });
      if (!changed) return;
      const why = prunable
        ? 'changed to something other than 0'
        : targets.has(layer.layer)
          ? `changed: a targeted layer's ${weight} is not pruned`
          : 'changed, though the layer is not targeted';
      problems.push(`${changed} value(s) of ${t.name} ${why}`);
    }),
  );
  return problems.length
    ? fail(name, `expected no change outside the pruned weights; ${problems.join('; ')}`)
    : pass(name, `${a.length} layers compared`);
}

/** The request's model is the pruner's to read, not to change: a pruner works on a copy. */
export function requestLeftAlone(before: ReturnType<typeof weightsOf>, request: LayersModel, result: PruneResult): PropertyResult {
  const name = 'req.model is left as it was';
  if (result.model === request)
    return fail(name, 'the pruner returned req.model itself: prune a copy (pruneKernels and cloneModel make one) and return that');
  const changed = differences(before, weightsOf(request));
  return changed
    ? fail(
        name,
        `the pruner modified req.model in place (${changed} value(s) changed): prune a copy (pruneKernels and cloneModel make one), so the original stays the original`,
      )
    : pass(name, 'every weight as before');
}

export function sameResult(first: PruneResult, second: PruneResult, seed: number): PropertyResult {
  const name = 'the same seed gives the same result';
  const a = weightsOf(first.model);
  const b = weightsOf(second.model);
  for (const [li, layer] of a.entries()) {
    for (const [ti, t] of layer.tensors.entries()) {
      const i = t.values.findIndex((v, k) => !Object.is(v, b[li].tensors[ti].values[k]));
      if (i >= 0)
        return fail(
          name,
          `expected identical weights from two runs with seed ${seed}; ${t.name}[${i}] was ${t.values[i]}, then ${b[li].tensors[ti].values[i]}`,
        );
    }
  }
  return pass(name, 'two runs, bit-identical weights');
}

/** A plugin threw: its own error and where, first (a leak it left while unwinding is not the finding). */
export function ranWithoutThrowing(property: string, error: SerializedError): PropertyResult {
  return fail(property, describeFailure(error).join('; '));
}

/** The pruner's retraining ended in a dead model on this seed: not a finding about the pruner. */
export function deadInTraining(error: SerializedError): PropertyResult {
  return na(
    'the pruner runs without throwing',
    `a training it ran ended with a dead model (${error.message}); this seed checks nothing else`,
  );
}

/**
 * One property over several seeds: failed if it failed for any (the first such seed named), n/a
 * if it was n/a for all, else passed.
 */
export function mergeSeeds(perSeed: readonly PropertyResult[][], seeds: readonly number[]): PropertyResult[] {
  const names = [...new Set(perSeed.flatMap((results) => results.map((r) => r.property)))];
  return names.map((property) => {
    const found = perSeed
      .map((results, i) => ({ seed: seeds[i], result: results.find((r) => r.property === property) }))
      .filter((f) => f.result);
    const failed = found.find((f) => f.result!.status === 'fail');
    if (failed) return fail(property, `${found.length > 1 ? `seed ${failed.seed}: ` : ''}${failed.result!.detail}`);
    const passed = found.find((f) => f.result!.status === 'pass');
    if (passed)
      return pass(property, `${passed.result!.detail}${found.length > 1 ? ` (seeds ${found.map((f) => f.seed).join(', ')})` : ''}`);
    return found[0].result!;
  });
}

/** Zeros in a kernel (or recurrent kernel) it does not report are pruning it hides (or reports under another name). */
export function reportsWhatItPruned(
  before: LayersModel,
  result: PruneResult,
  retrains: 'all' | readonly string[] | undefined,
): PropertyResult {
  const name = 'it reports every layer it pruned';
  if (retrains === 'all') return na(name, 'the plugin retrains every weight, so zeros elsewhere may be learned');
  const reported = new Set(result.layers.map((l) => `${l.layer}:${l.weight ?? 'kernel'}`));
  const retrained = new Set(retrains ?? []);
  const zeros = (v: ArrayLike<number>) => {
    let n = 0;
    for (let i = 0; i < v.length; i++) if (v[i] === 0) n++;
    return n;
  };
  for (const layer of result.model.layers) {
    const source = before.layers.find((l) => l.name === layer.name);
    if (!source || retrained.has(layer.name)) continue;
    const [was, now] = [source.getWeights(), layer.getWeights()];
    for (const [i, weight] of weightsOfLayer(layer).entries()) {
      if (!weight.prunedByDefault || reported.has(`${layer.name}:${weight.name}`)) continue;
      const added = zeros(now[i].dataSync()) - zeros(was[i].dataSync());
      if (added > 0)
        return fail(
          name,
          `expected pruned weights only in the reported layers (${result.layers.map(prunedLabel).join(', ') || 'none'}); layer ${prunedLabel({ layer: layer.name, weight: weight.name })} has ${added} more zeros than before`,
        );
    }
  }
  return pass(name, `${result.layers.map(prunedLabel).join(', ') || 'no layer'} reported; no other layer lost weights`);
}
