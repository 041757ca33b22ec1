// Whether a pruner delivered the sparsity it declares (Plugin.declares), as a conformance property
// (check-plugin) and as a requirement on every run. runexp never reads a pruner's options by name.
import type { PrunerDeclaration, PruneResult } from '../plugin/api.ts';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { prunedLabel } from '../plugin/prune-kernels.ts';

/** One property of a plugin's result: pass / fail / n/a with what was expected and what was seen. */
export interface PropertyResult {
  property: string;
  status: 'pass' | 'fail' | 'n/a';
  detail: string;
}

export const pass = (property: string, detail: string): PropertyResult => ({ property, status: 'pass', detail });
export const fail = (property: string, detail: string): PropertyResult => ({ property, status: 'fail', detail });
export const na = (property: string, detail: string): PropertyResult => ({ property, status: 'n/a', detail });

export function sparsityMatches(result: PruneResult, declared: PrunerDeclaration): PropertyResult {
  const requested = declared.sparsity;
  const name = 'achieved sparsity matches the request';
  const total = result.layers.reduce((a, l) => a + l.total, 0);
  const kept = result.layers.reduce((a, l) => a + l.kept, 0);
  const achieved = total === 0 ? 0 : 1 - kept / total;
  const seen = `${(achieved * 100).toFixed(1)}% of ${total} targeted weights removed (${result.layers.map((l) => `${prunedLabel(l)} ${l.kept}/${l.total} kept`).join(', ') || 'no layers reported'})`;
  if (requested === undefined) return na(name, `the pruner declares no sparsity; ${seen}`);
  if (declared.removes === 'units') {
    // A sparsity of units: the pruner reports them as data.units and data.removed.
    const units = result.data?.units as Record<string, number> | undefined;
    const removed = result.data?.removed as Record<string, number[]> | undefined;
    if (!units || !removed) return fail(name, 'the pruner declares a sparsity of units but reports no data.units and data.removed');
    const all = Object.values(units).reduce((a, b) => a + b, 0);
    const gone = Object.values(removed).reduce((a, r) => a + r.length, 0);
    const unitsSeen = `${gone} of ${all} units removed (${Object.keys(units)
      .map((l) => `${l} ${units[l] - (removed[l]?.length ?? 0)}/${units[l]} kept`)
      .join(', ')})`;
    const tolerance = Math.max(0.02, ...Object.values(units).map((n) => 0.5 / n));
    return Math.abs(gone / all - requested) <= tolerance
      ? pass(name, unitsSeen)
      : fail(name, `expected ${(requested * 100).toFixed(1)}% of units removed, saw ${unitsSeen}`);
  }
  if (total === 0) return fail(name, `expected ${(requested * 100).toFixed(1)}% removed, but the result reports no pruned layers`);
  // Exact counts round per layer (or per unit, for structured pruning): allow that much.
  const tolerance = Math.max(0.02, ...result.layers.map((l) => 1 / l.total));
  return Math.abs(achieved - requested) <= tolerance
    ? pass(name, seen)
    : fail(name, `expected ${(requested * 100).toFixed(1)}% removed, saw ${seen}`);
}

/**
 * A pruner asked for a sparsity (or the paper's percentile) delivers it in the model it returns,
 * within rounding: early stopping that restored a pre-mask epoch, say, fails the run rather than
 * being recorded as pruned.
 */
export function requireRequestedSparsity(result: PruneResult, declared: PrunerDeclaration, pruner: string): void {
  const found = sparsityMatches(result, declared);
  if (found.status === 'fail') {
    throw Object.assign(
      new RunexpError(
        ErrorCode.PLUGIN,
        `the prune plugin's model does not hold the sparsity it was asked for: ${found.detail}`,
        "a mask that early stopping's restore undid, or a schedule that ended early, leaves fewer zeros; runexp check-plugin tests this",
      ),
      { stage: 'prune', plugin: pruner },
    );
  }
}
