// Compares the results of two output directories run by run: the check that a change to runexp
// (or another launcher, or another machine) changed no number. Runs are matched by their params,
// since run ids may differ between versions; timings, memory and file checksums are left out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../plugin/hash.ts';
import type { OkRecord } from './record.ts';
import { readResults, runDir } from './store.ts';

/** The params both versions record, as the key that matches a run across versions. */
const keyOf = (r: OkRecord) =>
  canonicalJson({
    ...Object.fromEntries(['ticker', 'days', 'testEnd', 'architecture', 'seed', 'pruner'].map((k) => [k, r.params[k as 'ticker']])),
    prune: r.params.prune,
  });

/** Every field that must not change: all scores, counts, sizes, training curves and checks. */
function comparable(r: OkRecord, dir: string) {
  const model = (m: OkRecord['original']) => ({
    mse: m.mse,
    rmse: m.rmse,
    mae: m.mae,
    r2: m.r2,
    layers: m.layers,
    totalParams: m.totalParams,
    nonzeroParams: m.nonzeroParams,
    size: m.size,
  });
  return {
    data: r.data,
    scaler: r.scaler,
    training: {
      epochs: r.training.epochs,
      bestEpoch: r.training.bestEpoch,
      loss: r.training.loss,
      valLoss: r.training.valLoss,
      redraws: r.training.redraws,
    },
    pruning: r.pruning.layers.map(({ layer, threshold, total, kept }) => ({ layer, threshold, total, kept })),
    original: model(r.original),
    compact: model(r.compact),
    forecast: r.forecast,
    baselines: r.baselines,
    tests: r.tests,
    compactVsPruned: r.compactVsPruned,
    untouchedWeightsChanged: r.untouchedWeightsChanged,
    predictions: readFileSync(join(runDir(dir, r.runId), 'predictions.csv'), 'utf8'),
  };
}

function index(dir: string): Map<string, OkRecord> {
  const runs = new Map<string, OkRecord>();
  for (const r of readResults(dir).values()) if (r.status === 'ok') runs.set(keyOf(r), r);
  return runs;
}

function diff(x: unknown, y: unknown, path: string, out: string[]): void {
  if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object') {
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)]))
      diff((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`, out);
  } else if (!Object.is(x, y)) out.push(`${path}: ${JSON.stringify(x)} ≠ ${JSON.stringify(y)}`);
}

/** Every difference between the ok runs of two output directories (empty when none). */
export function compareOutputs(a: string, b: string): { runs: number; differences: string[] } {
  const left = index(a);
  const right = index(b);
  const differences: string[] = [];
  for (const [key, r] of left) {
    const other = right.get(key);
    if (!other) differences.push(`only in ${a}: ${key}`);
    else diff(comparable(r, a), comparable(other, b), key, differences);
  }
  for (const key of right.keys()) if (!left.has(key)) differences.push(`only in ${b}: ${key}`);
  return { runs: left.size, differences };
}
