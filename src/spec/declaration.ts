// What a pruner declares about a run (Plugin.declares: its sparsity, what the sparsity counts, the
// control it is), asked once per plugin instance when the spec is resolved and checked here, so that
// a bad declaration is a located spec problem and the runner never reads a pruner's options by name.
import type { Plugin, PrunerDeclaration } from '../plugin/api.ts';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';

/**
 * What a pruner declares about a run with these options; {} when it declares nothing. A declaration
 * that throws or breaks the contract is an error naming the plugin (a spec problem at validate).
 */
export function declarationOf(pruner: Pick<Plugin<'prune'>, 'name' | 'declares'>, options: unknown): PrunerDeclaration {
  const invalid = (problem: string) =>
    Object.assign(new RunexpError(ErrorCode.PLUGIN, `the prune plugin's declares() ${problem}`, 'see PrunerDeclaration in runexp/plugin'), {
      stage: 'prune',
      plugin: pruner.name,
    });
  let declared: PrunerDeclaration | undefined;
  try {
    declared = pruner.declares?.(options);
  } catch (err) {
    throw invalid(`threw: ${(err as Error).message}`);
  }
  if (declared === undefined) return {};
  const { sparsity, removes, control } = declared;
  if (sparsity !== undefined && !(typeof sparsity === 'number' && sparsity >= 0 && sparsity <= 1))
    throw invalid(`gave sparsity ${JSON.stringify(sparsity)}; it must be a number from 0 to 1`);
  if (removes !== undefined && removes !== 'weights' && removes !== 'units')
    throw invalid(`gave removes ${JSON.stringify(removes)}; it must be 'weights' or 'units'`);
  if (control !== undefined && typeof control !== 'string') throw invalid(`gave control ${JSON.stringify(control)}; it must be a string`);
  return { ...(sparsity !== undefined ? { sparsity } : {}), ...(removes ? { removes } : {}), ...(control ? { control } : {}) };
}
