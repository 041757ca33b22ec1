// How many runs a spec expands to, counted from its axes before anything is expanded: a grid of a
// million runs is refused in milliseconds instead of being built (minutes and gigabytes).
import type { Slot } from '../plugin/api.ts';
import type { PluginInstance } from './plugin-refs.ts';
import type { Experiment } from './schema.ts';
import { compactionsOf } from './compactions.ts';

export function gridSize(
  spec: Experiment,
  plugins: Record<Exclude<Slot, 'fetch'>, PluginInstance[]>,
  compactorsOf: Map<PluginInstance, PluginInstance[]>,
): number {
  // Every walk-forward fold and every horizon is a training of its own.
  const dataPoints =
    spec.data.reduce((n, d) => n + d.days.length, 0) *
    spec.test.end.length *
    (spec.test.walkForward?.folds ?? 1) *
    spec.window.horizon.length;
  const pruneWithCompact = plugins.prune.reduce((n, p) => n + compactionsOf(p, compactorsOf, plugins.compact).length, 0);
  return (
    dataPoints *
    Object.keys(spec.architectures).length *
    spec.seeds.length *
    plugins.window.length *
    plugins.train.length *
    pruneWithCompact *
    plugins.measure.length
  );
}
