// The properties check-plugin tests of what follows pruning: tensors left behind, and the compact
// model (it reproduces the pruned one, its architecture builds).
import type { CompactResult, LayersModel, PruneResult, Tf, WindowedData } from '../plugin/api.ts';
import { buildModel } from '../plugin/architecture.ts';
import { maxAbsDifference } from './checks.ts';
import { fail, pass, type PropertyResult } from './sparsity-check.ts';

export function noLeak(before: number, after: number): PropertyResult {
  const name = 'no tensors leak';
  return after === before
    ? pass(name, `${before} tensors before and after`)
    : fail(
        name,
        `expected ${before} live tensors after two runs with every model they made disposed, saw ${after} (${after - before} leaked)`,
      );
}

export function compactReproduces(tf: Tf, result: PruneResult, compact: CompactResult, data: WindowedData): PropertyResult {
  const name = 'the compact model reproduces the pruned model';
  const diff = maxAbsDifference(tf, result.model, compact.model, data);
  return diff <= 1e-5
    ? pass(name, `max |difference| ${diff.toExponential(1)} on ${data.test.count} windows`)
    : fail(name, `expected outputs within 1e-5 of the pruned model's, saw ${diff.toExponential(2)}`);
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
    if (want.join() !== have.join())
      return fail(
        name,
        `expected the compact model's weights to have the architecture's shapes [${want.join(', ')}], saw [${have.join(', ')}]`,
      );
    const out = (compact.model.outputs[0].shape as number[]).slice(1);
    if (out.join() !== '1') return fail(name, `expected one output per window, saw shape [${out.join(', ')}]`);
    return pass(name, `${compact.architecture.name}: ${have.join(', ')}`);
  } finally {
    rebuilt.dispose();
  }
}
