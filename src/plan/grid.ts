// Expands a loaded spec and its fetched data into runs, and groups the runs that share a dense
// training. The axes are data (dataset × test end × walk-forward fold × data size), architecture,
// seed, and every plugin option that is an axis (window, train, prune with its compactor,
// measure). A run's id is a hash of everything it depends on, in portable form.
import { shortHash } from '../plugin/hash.ts';
import type { Series } from '../plugin/api.ts';
import type { SpecIssue } from '../spec/issues.ts';
import type { LoadedExperiment } from '../spec/load.ts';
import type { PluginInstance } from '../spec/plugin-refs.ts';
import type { PluginSource } from '../spec/plugin-source.ts';
import type { LayerSpec } from '../plugin/architecture.ts';
import { dataPoints, type DataPoint } from './data-points.ts';
import { distinguishingOptions } from './distinguish.ts';
import { compactionsOf } from '../spec/compactions.ts';
import type { Grid, PluginCall, RunConfig, RunParams, TrainGroup } from './types.ts';

export { datasetKey } from './data-points.ts';

const call = (p: PluginInstance): PluginCall => ({ slot: p.slot, name: p.name, source: p.source, options: p.options });

/** Cartesian product; the first axis varies slowest, so runs keep the order the spec lists. */
export function product<T extends Record<string, readonly unknown[]>>(axes: T): { [K in keyof T]: T[K][number] }[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(axes)) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  return combos as { [K in keyof T]: T[K][number] }[];
}

export function expandGrid(loaded: LoadedExperiment, series: Map<string, Series>): { grid: Grid; issues: SpecIssue[] } {
  const { spec, plugins } = loaded;
  const { points, issues } = dataPoints(loaded, series);
  const { lookback, validationSplit } = spec.window;
  const pruneWithCompact = plugins.prune.flatMap((prune) =>
    compactionsOf(prune, loaded.compactorsOf, plugins.compact).map((compaction) => ({ prune, ...compaction })),
  );
  const distinct = distinguishingOptions([
    ...loaded.fetchers,
    ...Object.values(plugins).flat(),
    ...[...loaded.compactorsOf.values()].flat(),
  ]);
  const groups = new Map<string, TrainGroup>();
  const runs: RunConfig[] = [];
  // Several window plugins (representations) in one grid: their names tell the runs apart, since
  // each may have no option at all that differs.
  const severalWindows = new Set(plugins.window.map((w) => w.name)).size > 1;
  // Several horizons: the horizon tells runs apart too (one horizon keeps old specs' params and ids).
  const severalHorizons = spec.window.horizon.length > 1;
  const windowParams = (win: PluginInstance, horizon: number) => ({
    ...(severalWindows ? { plugin: win.name } : {}),
    ...distinct(win),
    ...(severalHorizons ? { horizon } : {}),
  });

  // Datasets that differ only in their input features are told apart by them (old grids: no such param).
  const withFeatures = points.some((p) => p.series.features?.length);
  const featuresOf = (series: Series) => series.features?.map((f) => `${f.name} ${f.transform}`).join(', ') || 'none';
  const axes = product({
    data: points,
    architecture: Object.entries(spec.architectures),
    seed: spec.seeds,
    window: plugins.window,
    horizon: spec.window.horizon,
    train: plugins.train,
    pruning: pruneWithCompact,
    measure: plugins.measure,
  });
  for (const {
    data,
    architecture: [archName, layers],
    seed,
    window: win,
    horizon,
    train,
    pruning,
    measure,
  } of axes) {
    const { prune, compact, then } = pruning;
    // Walk-forward trained once: the first fold's training, for this fold's test period.
    const trainRanges = data.trainedOn ?? data.ranges;
    // A user's layer kinds (their code's hash) are part of what is trained; specs without any keep their ids.
    const kinds = kindsUsed(layers, loaded.layerKinds);
    const dense = {
      data: { key: data.datasetKey, checksum: data.series.checksum },
      ranges: trainRanges,
      // Only when asked: specs that leave it out keep their training keys.
      window: { ...call(win), lookback, horizon, validationSplit, ...(spec.window.crossSessions ? { crossSessions: true } : {}) },
      architecture: layers,
      ...(kinds ? { layerKinds: kinds } : {}),
      train: call(train),
      seed,
    };
    const trainKey = shortHash(dense);
    const params: RunParams = {
      ticker: data.ticker,
      source: data.fetcher.name,
      fetch: distinct(data.fetcher),
      days: data.days,
      testEnd: data.ranges.test.end,
      ...(data.fold ? { fold: data.fold } : {}),
      ...(withFeatures ? { features: featuresOf(data.series) } : {}),
      architecture: archName,
      seed,
      pruner: prune.name,
      prune: distinct(prune),
      // A chain is named by both compactors, "structured+quantize", with the options of both.
      compactor: then ? `${compact.name}+${then.name}` : compact.name,
      compact: { ...distinct(compact), ...(then ? distinct(then) : {}) },
      measure: distinct(measure),
      train: distinct(train),
      window: windowParams(win, horizon),
    };
    const ownTest = data.trainedOn ? { test: data.ranges.test } : {};
    const run: RunConfig = {
      runId: shortHash({
        dense,
        prune: call(prune),
        compact: call(compact),
        ...(then ? { compactThen: call(then) } : {}),
        measure: call(measure),
        ...ownTest,
      }),
      trainKey,
      datasetKey: data.datasetKey,
      params,
      prune: call(prune),
      compact: call(compact),
      ...(then ? { compactThen: call(then) } : {}),
      measure: call(measure),
      ...ownTest,
      ...(prune.declared ? { declared: prune.declared } : {}),
      ...(prune.hooksTraining ? { prunerTrainKey: shortHash({ dense, pruner: call(prune) }) } : {}),
    };
    let group = groups.get(trainKey);
    if (!group) {
      group = {
        trainKey,
        datasetKey: data.datasetKey,
        seed,
        architecture: { name: archName, layers, ...(kinds ? { kinds } : {}) },
        ranges: trainRanges,
        window: dense.window,
        train: dense.train,
        runs: [],
      };
      groups.set(trainKey, group);
    }
    if (!group.runs.some((r) => r.runId === run.runId)) {
      group.runs.push(run);
      runs.push(run);
    }
  }
  return { grid: { groups: [...groups.values()], runs }, issues };
}

export type { DataPoint };

/** The user's layer kinds an architecture's layers name (residual blocks included), or undefined when none. */
function kindsUsed(layers: readonly LayerSpec[], all: Record<string, PluginSource>): Record<string, PluginSource> | undefined {
  const used: Record<string, PluginSource> = {};
  const walk = (list: readonly LayerSpec[]) => {
    for (const layer of list) {
      if (all[layer.type]) used[layer.type] = all[layer.type];
      if (Array.isArray(layer.layers)) walk(layer.layers as LayerSpec[]);
    }
  };
  walk(layers);
  return Object.keys(used).length ? used : undefined;
}
