// Which line a run belongs to on a chart drawn against one axis. A chart may average over seeds
// and nothing else: every other parameter the runs vary (data size, representation, fold, a
// control, a plugin option…) is part of the line's name, so two configurations are never pooled
// into one mean and an interval "over seeds" is over seeds only. The original model does not
// depend on the pruning, so its lines leave the pruner's parameters out (and count each training
// once). A parameter that follows from the others (a dataset's fetch options, a pruner's own
// compactor) names nothing new and is left out.
import type { Axis } from './charts/chart.ts';
import type { RecordParams } from '../results/record.ts';
import type { ModelName, OkRecord } from './load.ts';

/** Flattened params by params object: a report asks for each run's many times (0.7 s of an 1,800-run report). */
const flattened = new WeakMap<RecordParams, Readonly<Record<string, string>>>();

/** The run's parameters flattened to `key` / `slot.option`, without the seed. */
export function flatParams(run: { params: RecordParams }): Readonly<Record<string, string>> {
  const known = flattened.get(run.params);
  if (known) return known;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(run.params)) {
    if (key === 'seed' || value === undefined) continue;
    if (value !== null && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) out[`${key}.${k}`] = typeof v === 'string' ? v : JSON.stringify(v);
    else out[key] = String(value);
  }
  flattened.set(run.params, Object.freeze(out));
  return out;
}

/** Most telling first: a parameter late in this order is the one dropped when two imply each other. */
const PRIORITY = [
  'days',
  'architecture',
  'pruner',
  'prune.',
  'testEnd',
  'fold',
  'window.',
  'train.',
  'measure.',
  'compactor',
  'compact.',
  'source',
  'fetch.',
];
const rank = (key: string) => {
  const i = PRIORITY.indexOf(key);
  return i < 0 ? PRIORITY.length : i;
};
/** Whether a flattened run parameter says how the model was pruned or compacted. */
export const isPruningParam = (key: string) =>
  key === 'pruner' || key === 'compactor' || key.startsWith('prune.') || key.startsWith('compact.');

/** "sparsity 0.5", "days 950", "bits 8", "random" (a pruner is named by itself). */
const part = (key: string, value: string) => (key === 'pruner' ? value : `${key.replace(/^(prune|compact)\./, '')} ${value}`);

/**
 * The parameters that tell `runs` apart beyond the axis and `excluded` (and the ticker, which is a
 * panel of its own).
 */
function distinguishing(runs: readonly OkRecord[], onAxis: (key: string) => boolean, excluded: (key: string) => boolean): string[] {
  const params = runs.map(flatParams);
  const all = [...new Set(params.flatMap(Object.keys))];
  const axisKeys = all.filter(onAxis);
  const keys = all
    .filter((k) => k !== 'ticker' && !onAxis(k) && !excluded(k) && new Set(params.map((p) => p[k])).size > 1)
    .sort((a, b) => rank(a) - rank(b));
  // Drop, least telling first, each key whose value follows from the ticker, the axis and the keys
  // kept: it moves with them and would split no line.
  for (let i = keys.length - 1; i >= 0; i--) {
    const others = keys.filter((_, j) => j !== i);
    const seen = new Map<string, string>();
    const implied = params.every((p) => {
      const context = JSON.stringify([p.ticker, ...axisKeys.map((k) => p[k]), ...others.map((k) => p[k])]);
      if (seen.has(context) && seen.get(context) !== p[keys[i]]) return false;
      seen.set(context, p[keys[i]]);
      return true;
    });
    if (implied) keys.splice(i, 1);
  }
  return keys;
}

/** "days 950, window.plugin returns": what else tells a run apart, beyond the keys `covered` (one name per configuration of the rest). */
export function otherParameters(runs: readonly OkRecord[], covered: (key: string) => boolean): (run: { params: RecordParams }) => string {
  const keys = distinguishing(runs, covered, () => false);
  return (run) => {
    const p = flatParams(run);
    return keys
      .filter((k) => p[k] !== undefined)
      .map((k) => part(k, p[k]))
      .join(', ');
  };
}

/** The line a run's model belongs to against `axis`: "original", "compact (random, sparsity 0.5)", … */
export function seriesOf(runs: readonly OkRecord[], axis: Pick<Axis, 'params'>): (run: OkRecord, model: ModelName) => string {
  const onAxis = (key: string) => axis.params.some((p) => key === p || key.startsWith(`${p}.`));
  const compactKeys = distinguishing(runs, onAxis, () => false);
  const originalKeys = distinguishing(runs, onAxis, isPruningParam);
  return (run, model) => {
    const p = flatParams(run);
    const parts = (model === 'original' ? originalKeys : compactKeys).filter((k) => p[k] !== undefined).map((k) => part(k, p[k]));
    return parts.length ? `${model} (${parts.join(', ')})` : model;
  };
}
