// Which dense trainings run as one computation: groups that differ only in seed (same data, test
// period, window, trainer and architecture) form a stack, cut into stacks of at most `limit`
// seeds, and into more, smaller ones when there are fewer stacks than workers, so that no worker
// idles while another trains twenty seeds.
import { canonicalJson } from '../plugin/hash.ts';
import { layerKind } from '../plugin/layers/registry.ts';
import type { TrainGroup } from './types.ts';

/** The default and largest stack: ten paper models stacked are 4 MB of training tensors. */
export const DEFAULT_STACK_SEEDS = 16;

/** Everything a group's dense training depends on except its seed. */
function stackKey(group: TrainGroup): string {
  const { trainKey: _key, seed: _seed, runs: _runs, ...rest } = group;
  return canonicalJson(rest);
}

/**
 * Whether every layer's kind has a stacked pass (LayerKind.stacked): without one the seeds could
 * only train one by one, so no stack task is sent for them. A kind may still decline for one
 * configuration (a conv1d with a wider kernel), and then its seeds train alone after all.
 */
const mayStack = (group: TrainGroup) => group.architecture.layers.every((layer) => layerKind(layer.type)?.stacked !== undefined);

export function seedStacks(groups: readonly TrainGroup[], limit: number, workers: number): TrainGroup[][] {
  if (limit < 2) return [];
  const byKey = new Map<string, TrainGroup[]>();
  for (const group of groups.filter(mayStack)) {
    const key = stackKey(group);
    byKey.set(key, [...(byKey.get(key) ?? []), group]);
  }
  const sets = [...byKey.values()].filter((set) => set.length > 1);
  const seeds = sets.reduce((n, set) => n + set.length, 0);
  const size = Math.max(2, Math.min(limit, Math.ceil(seeds / Math.max(1, workers))));
  return sets.flatMap((set) => {
    // Even stacks: 10 seeds by at most 4 are 4 + 3 + 3, not 4 + 4 + 2.
    const count = Math.ceil(set.length / size);
    const base = Math.floor(set.length / count);
    const sizes = Array.from({ length: count }, (_, i) => base + (i < set.length % count ? 1 : 0));
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    return sizes.map((n, i) => set.slice(starts[i], starts[i] + n)).filter((stack) => stack.length > 1);
  });
}
