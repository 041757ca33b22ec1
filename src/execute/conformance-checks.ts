// The properties `runexp check-plugin` tests, each a small function from what one pruning run
// produced to pass / fail / n/a with what was expected and what was seen.
import type { CompactResult, LayersModel, PruneResult, Tf, TrainingHooks, WindowedData } from '../plugin/api.ts';
import { buildModel } from '../plugin/architecture.ts';
import { describeFailure, type SerializedError } from '../plugin/errors.ts';
import { weightsOf } from '../plugin/weights.ts';
import { differences, maxAbsDifference } from './checks.ts';

export interface PropertyResult {
  property: string;
  status: 'pass' | 'fail' | 'n/a';
  detail: string;
}

const pass = (property: string, detail: string): PropertyResult => ({ property, status: 'pass', detail });
const fail = (property: string, detail: string): PropertyResult => ({ property, status: 'fail', detail });
const na = (property: string, detail: string): PropertyResult => ({ property, status: 'n/a', detail });

/** The sparsity a plugin was asked for: `sparsity`, or `percentile` / 100. */
export function requestedSparsity(options: Record<string, unknown>): number | undefined {
  if (typeof options.sparsity === 'number') return options.sparsity;
  if (typeof options.percentile === 'number') return options.percentile / 100;
  return undefined;
}

export function sparsityMatches(result: PruneResult, requested: number | undefined): PropertyResult {
  const name = 'achieved sparsity matches the request';
  const total = result.layers.reduce((a, l) => a + l.total, 0);
  const kept = result.layers.reduce((a, l) => a + l.kept, 0);
  const achieved = total === 0 ? 0 : 1 - kept / total;
  const seen = `${(achieved * 100).toFixed(1)}% of ${total} targeted weights removed (${result.layers.map((l) => `${l.layer} ${l.kept}/${l.total} kept`).join(', ') || 'no layers reported'})`;
  if (requested === undefined) return na(name, `no sparsity or percentile option; ${seen}`);
  // A structured pruner's sparsity counts units, which it reports as data.units and data.removed.
  const units = result.data?.units as Record<string, number> | undefined;
  const removed = result.data?.removed as Record<string, number[]> | undefined;
  if (units && removed) {
    const all = Object.values(units).reduce((a, b) => a + b, 0);
    const gone = Object.values(removed).reduce((a, r) => a + r.length, 0);
    const unitsSeen = `${gone} of ${all} units removed (${Object.keys(units).map((l) => `${l} ${units[l] - (removed[l]?.length ?? 0)}/${units[l]} kept`).join(', ')})`;
    const tolerance = Math.max(0.02, ...Object.values(units).map((n) => 0.5 / n));
    return Math.abs(gone / all - requested) <= tolerance ? pass(name, unitsSeen) : fail(name, `expected ${(requested * 100).toFixed(1)}% of units removed, saw ${unitsSeen}`);
  }
  if (total === 0) return fail(name, `expected ${(requested * 100).toFixed(1)}% removed, but the result reports no pruned layers`);
  // Exact counts round per layer (or per unit, for structured pruning): allow that much.
  const tolerance = Math.max(0.02, ...result.layers.map((l) => 1 / l.total));
  return Math.abs(achieved - requested) <= tolerance ? pass(name, seen) : fail(name, `expected ${(requested * 100).toFixed(1)}% removed, saw ${seen}`);
}

/** The reported `after` weights are what the model holds. */
export function reportMatchesModel(result: PruneResult): PropertyResult {
  const name = 'reported weights are the model\'s weights';
  for (const layer of result.layers) {
    const actual = result.model.getLayer(layer.layer).getWeights()[0].dataSync() as Float32Array;
    const differ = layer.after.findIndex((w, i) => w !== actual[i]);
    if (differ >= 0 || actual.length !== layer.after.length) return fail(name, `expected \`after\` to hold the model's weights; layer ${layer.layer}: weight ${differ} is reported as ${layer.after[differ]}, the model holds ${actual[differ]}`);
    let nonzero = 0;
    for (const w of actual) if (w !== 0) nonzero++;
    if (nonzero !== layer.kept) return fail(name, `expected \`kept\` to count the model's non-zero weights; layer ${layer.layer} reports ${layer.kept}, the model has ${nonzero}`);
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
  if (watch.violations.length) return fail(name, `expected pruned weights to stay zero after every optimizer step; ${watch.violations.join('; ')}`);
  return pass(name, `${watch.steps()} optimizer steps watched`);
}

/**
 * Outside the pruned kernels nothing changes: other layers, and every bias (the targeted layers'
 * included); inside a targeted kernel every value is kept as it was or zeroed.
 */
export function untouchedUnchanged(before: LayersModel, result: PruneResult, trained: boolean): PropertyResult {
  const name = 'layers and biases it does not target are unchanged';
  if (trained) return na(name, 'the plugin retrains, so every weight may change');
  const targets = new Set(result.layers.map((l) => l.layer));
  const a = weightsOf(before);
  const b = weightsOf(result.model);
  const problems: string[] = [];
  a.forEach((layer, li) =>
    layer.tensors.forEach((t, ti) => {
      const other = b[li].tensors[ti].values;
      const prunable = ti === 0 && targets.has(layer.layer);
      let changed = 0;
      t.values.forEach((v, i) => {
        if (v !== other[i] && !(prunable && other[i] === 0)) changed++;
      });
      if (!changed) return;
      const why = prunable ? 'changed to something other than 0' : targets.has(layer.layer) ? 'changed: a targeted layer\'s bias is not pruned' : 'changed, though the layer is not targeted';
      problems.push(`${changed} value(s) of ${t.name} ${why}`);
    }),
  );
  return problems.length ? fail(name, `expected no change outside the pruned kernels; ${problems.join('; ')}`) : pass(name, `${a.length} layers compared`);
}

/** The request's model is the pruner's to read, not to change: a pruner works on a copy. */
export function requestLeftAlone(before: ReturnType<typeof weightsOf>, request: LayersModel, result: PruneResult): PropertyResult {
  const name = 'req.model is left as it was';
  if (result.model === request) return fail(name, 'the pruner returned req.model itself: prune a copy (pruneKernels and cloneModel make one) and return that');
  const changed = differences(before, weightsOf(request));
  return changed ? fail(name, `the pruner modified req.model in place (${changed} value(s) changed): prune a copy (pruneKernels and cloneModel make one), so the original stays the original`) : pass(name, 'every weight as before');
}

export function sameResult(first: PruneResult, second: PruneResult, seed: number): PropertyResult {
  const name = 'the same seed gives the same result';
  const a = weightsOf(first.model);
  const b = weightsOf(second.model);
  for (const [li, layer] of a.entries()) {
    for (const [ti, t] of layer.tensors.entries()) {
      const i = t.values.findIndex((v, k) => !Object.is(v, b[li].tensors[ti].values[k]));
      if (i >= 0) return fail(name, `expected identical weights from two runs with seed ${seed}; ${t.name}[${i}] was ${t.values[i]}, then ${b[li].tensors[ti].values[i]}`);
    }
  }
  return pass(name, 'two runs, bit-identical weights');
}

/** The plugin threw: its own error and where, first (a leak it left while unwinding is not the finding). */
export function ranWithoutThrowing(error: SerializedError): PropertyResult {
  return fail('the pruner runs without throwing', describeFailure(error).join('; '));
}

export function noLeak(before: number, after: number): PropertyResult {
  const name = 'no tensors leak';
  return after === before ? pass(name, `${before} tensors before and after`) : fail(name, `expected ${before} live tensors after two runs with every model they made disposed, saw ${after} (${after - before} leaked)`);
}

export function compactReproduces(tf: Tf, result: PruneResult, compact: CompactResult, data: WindowedData): PropertyResult {
  const name = 'the compact model reproduces the pruned model';
  const diff = maxAbsDifference(tf, result.model, compact.model, data);
  return diff <= 1e-5 ? pass(name, `max |difference| ${diff.toExponential(1)} on ${data.test.count} windows`) : fail(name, `expected outputs within 1e-5 of the pruned model's, saw ${diff.toExponential(2)}`);
}

export function compactArchitectureValid(tf: Tf, compact: CompactResult, input: [number, number]): PropertyResult {
  const name = 'the compact architecture is valid';
  let rebuilt: LayersModel;
  try {
    rebuilt = buildModel(tf, compact.architecture, input, 0);
  } catch (err) {
    return fail(name, `expected "${compact.architecture.name}" to build, it failed: ${(err as Error).message}`);
  }
  try {
    const want = rebuilt.getWeights().map((w) => w.shape.join('×'));
    const have = compact.model.getWeights().map((w) => w.shape.join('×'));
    if (want.join() !== have.join()) return fail(name, `expected the compact model's weights to have the architecture's shapes [${want.join(', ')}], saw [${have.join(', ')}]`);
    const out = (compact.model.outputs[0].shape as number[]).slice(1);
    if (out.join() !== '1') return fail(name, `expected one output per window, saw shape [${out.join(', ')}]`);
    return pass(name, `${compact.architecture.name}: ${have.join(', ')}`);
  } finally {
    rebuilt.dispose();
  }
}
