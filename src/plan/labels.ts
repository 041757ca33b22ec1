// One way to name a run in logs, tables and reports: "SPY 1250d paper magnitude percentile=35",
// followed by whatever else varies in the grid ("train.epochs=20", "compactor=structured"), and
// one key for "the same configuration" (everything but the seed).
import { canonicalJson } from '../plugin/hash.ts';
import type { RunParams } from './types.ts';

type Params = Omit<Partial<RunParams>, 'ticker' | 'days' | 'architecture' | 'pruner' | 'prune' | 'seed'> &
  Pick<RunParams, 'ticker' | 'days' | 'architecture' | 'pruner' | 'prune' | 'seed'>;

/** Params flattened to `key` / `slot.option` entries, without the ones every label shows. */
function extras(p: Params): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, value] of Object.entries(p)) {
    if (['ticker', 'days', 'architecture', 'pruner', 'prune', 'seed', 'testEnd'].includes(key) || value === undefined) continue;
    if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push([`${key}.${k}`, v]);
    else out.push([key, value]);
  }
  return out;
}

const show = (v: unknown) => (typeof v === 'object' && v !== null ? canonicalJson(v) : String(v));

/** Labels for a set of runs: each names its configuration and what varies across the set. */
export interface Labeller {
  /** The pruner, its axis values and whatever else varies: "magnitude percentile=35 train.epochs=20". */
  pruning(p: Params): string;
  /** "SPY 1250d paper magnitude percentile=35": what the seeds of one configuration share. */
  config(p: Params): string;
  run(p: Params): string;
}

export function labeller(all: readonly Params[]): Labeller {
  const axes = (p: Params) =>
    Object.entries(p.prune)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${show(v)}`);
  // What every label shows anyway; an option that follows from it (a dataset's fetch columns, the
  // compactor a pruner brings) tells nothing more and is left out.
  const shown = (p: Params) => `${p.ticker} ${p.days} ${p.architecture} ${p.pruner} ${axes(p).join(' ')}`;
  const seen = new Map<string, Set<string>>();
  const byShown = new Map<string, Map<string, Set<string>>>();
  for (const p of all) {
    for (const [k, v] of extras(p)) {
      seen.set(k, (seen.get(k) ?? new Set()).add(show(v)));
      const perKey = byShown.get(k) ?? new Map<string, Set<string>>();
      perKey.set(shown(p), (perKey.get(shown(p)) ?? new Set()).add(show(v)));
      byShown.set(k, perKey);
    }
  }
  const implied = (k: string) => [...byShown.get(k)!.values()].every((values) => values.size === 1);
  const varying = new Set([...seen].filter(([k, values]) => values.size > 1 && !implied(k)).map(([k]) => k));
  const pruning = (p: Params) => {
    const more = extras(p)
      .filter(([k]) => varying.has(k))
      .map(([k, v]) => `${k}=${show(v)}`);
    return [p.pruner, ...axes(p), ...more].join(' ');
  };
  const config = (p: Params) => `${p.ticker} ${p.days}d ${p.architecture} ${pruning(p)}`;
  return { pruning, config, run: (p) => `${config(p)} seed=${p.seed}` };
}

/** Keys already computed, by params object: a report asks for each run's key many times. */
const configKeys = new WeakMap<Params, string>();

/** Runs with the same key are repeats of one configuration (they differ only in the seed). */
export function configKey(p: Params): string {
  let key = configKeys.get(p);
  if (key === undefined) {
    const { seed: _seed, ...rest } = p;
    key = canonicalJson(rest);
    configKeys.set(p, key);
  }
  return key;
}

/** Runs grouped by configuration (everything but the seed), in the order given. */
export function byConfiguration<T extends { params: Params }>(runs: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const run of runs) {
    const key = configKey(run.params);
    const group = groups.get(key);
    if (group) group.push(run);
    else groups.set(key, [run]);
  }
  return [...groups.values()];
}
