// Axes from plugins' own options: every option a grid varies (a user's pruner's `keep`, a
// trainer's `epochs`, a window's `lookback`…) gets a chart, as the built-in axes do. Options the
// fixed axes already draw are left out.
import type { Axis } from './charts/chart.ts';
import type { OkRecord } from './load.ts';

const SLOTS = [
  ['prune', 'pruner'],
  ['train', 'trainer'],
  ['window', 'window'],
  ['compact', 'compactor'],
  ['measure', 'measure'],
  ['fetch', 'data source'],
] as const;

/** Drawn by the fixed axes (aggregate.ts AXES). */
const COVERED = new Set(['prune.percentile', 'window.plugin', 'measure.runtime']);

type Value = string | number | undefined;

function optionValue(run: OkRecord, slot: (typeof SLOTS)[number][0], key: string): Value {
  const v = (run.params[slot] as Record<string, unknown> | undefined)?.[key];
  if (v === undefined) return undefined;
  return typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v);
}

/** One axis per plugin option that appears in the runs' params (varying or not: varyingAxes decides). */
export function optionAxes(runs: readonly OkRecord[]): Axis[] {
  return SLOTS.flatMap(([slot, name]) => {
    const keys = [...new Set(runs.flatMap((r) => Object.keys((r.params[slot] as Record<string, unknown> | undefined) ?? {})))];
    return keys
      .filter((key) => !COVERED.has(`${slot}.${key}`))
      .map((key): Axis => {
        const numeric = runs.every((r) =>
          ['number', 'undefined'].includes(typeof (r.params[slot] as Record<string, unknown> | undefined)?.[key]),
        );
        // The key names a chart's files and DOM id: keep it to safe characters.
        return {
          key: `${slot}-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`,
          label: `${name} option "${key}"`,
          type: numeric ? 'quantitative' : 'nominal',
          get: (r) => optionValue(r, slot, key),
          params: [`${slot}.${key}`],
        };
      });
  });
}
