// Which compactions a pruner's runs go through. A pruner without a compactor of its own goes
// through each of the spec's `compact`; one with its own (structured) goes through it alone, and
// through it followed by each of the spec's compactors that can follow another (Plugin.follows:
// quantize), so that "structured pruning, then int8" is one grid cell.
import type { PluginInstance } from './plugin-refs.ts';

/** One compaction of a run: a compactor, and the one that runs on its model, if any. */
export interface Compaction {
  compact: PluginInstance;
  then?: PluginInstance;
}

export function compactionsOf(
  pruner: PluginInstance,
  compactorsOf: ReadonlyMap<PluginInstance, PluginInstance[]>,
  specCompactors: readonly PluginInstance[],
): Compaction[] {
  const own = compactorsOf.get(pruner);
  if (!own) return specCompactors.map((compact) => ({ compact }));
  const followers = specCompactors.filter((c) => c.follows);
  return [...own.map((compact) => ({ compact })), ...own.flatMap((compact) => followers.map((then) => ({ compact, then })))];
}
