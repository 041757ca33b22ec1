// Expands a loaded spec and its fetched data into runs, and groups the runs that can share a
// training. Every run gets a stable id from its resolved configuration and the data checksum.
import type { Architecture } from './architecture.ts';
import type { SpecIssue } from './errors.ts';
import { shortHash } from './hash.ts';
import type { LoadedExperiment } from './load.ts';
import type { Series } from './plugin-api.ts';
import type { PluginInstance } from './plugins.ts';
import { trainingTargets } from './windows.ts';
import { issueAt } from './zod-issues.ts';

/** Plain-data reference to a plugin, as workers need it. */
export type PluginCall = Pick<PluginInstance, 'name' | 'module' | 'options'>;

export interface Ranges {
  train: { from: number; to: number; start: string; end: string; days: number };
  test: { from: number; to: number; start: string; end: string; days: number };
}

export interface RunParams {
  ticker: string;
  days: number;
  testEnd: string;
  architecture: string;
  seed: number;
  pruner: string;
  /** The pruner's axis values, e.g. {percentile: 35}. */
  prune: Record<string, unknown>;
  /** Axis values of the other plugins, when they have any (e.g. train.epochs). */
  train: Record<string, unknown>;
  window: Record<string, unknown>;
}

export interface RunConfig {
  runId: string;
  trainKey: string;
  datasetKey: string;
  params: RunParams;
  prune: PluginCall;
  compact: PluginCall;
  measure: PluginCall;
}

/** Everything needed to train one model; all runs in `runs` reuse that training. */
export interface TrainGroup {
  trainKey: string;
  datasetKey: string;
  seed: number;
  architecture: Architecture;
  ranges: Ranges;
  window: PluginCall & { lookback: number; horizon: number; validationSplit: number };
  train: PluginCall;
  /** Set when the group's pruner hooks into training (then the group has that pruner's runs only). */
  trainingPruner?: PluginCall;
  runs: RunConfig[];
}

export interface Grid {
  groups: TrainGroup[];
  runs: RunConfig[];
}

export function datasetKey(instance: PluginInstance, ticker: string): string {
  return shortHash({ module: instance.module, options: instance.options, ticker });
}

const call = (p: PluginInstance): PluginCall => ({ name: p.name, module: p.module, options: p.options });

/** Index of the last date on or before `end`, or -1. */
function lastIndexOnOrBefore(dates: readonly string[], end: string): number {
  let lo = 0;
  let hi = dates.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid] <= end) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export function expandGrid(loaded: LoadedExperiment, series: Map<string, Series>): { grid: Grid; issues: SpecIssue[] } {
  const { spec, source, plugins } = loaded;
  const issues: SpecIssue[] = [];
  const dataIsList = Array.isArray(source.data.data);
  const report = (path: (string | number)[], message: string, value?: unknown, hint?: string) => issues.push(issueAt(source, path, message, { value, hint }));
  const rawTest = source.data.test as Record<string, unknown> | undefined;
  const { lookback, horizon, validationSplit } = spec.window;
  const groups = new Map<string, TrainGroup>();
  const runs: RunConfig[] = [];

  spec.data.forEach((dataset, di) => {
    const dataPath: (string | number)[] = dataIsList ? ['data', di] : ['data'];
    const rawDataset = (dataIsList ? (source.data.data as unknown[])[di] : source.data.data) as Record<string, unknown>;
    const key = datasetKey(loaded.fetchers[di], dataset.ticker);
    const s = series.get(key);
    if (!s) return; // its fetch failed and was reported
    for (const [ei, end] of spec.test.end.entries()) {
      const endIdx = end === 'last' ? s.dates.length - 1 : lastIndexOnOrBefore(s.dates, end);
      const endPath = Array.isArray(rawTest?.end) ? ['test', 'end', ei] : ['test', 'end'];
      if (endIdx < 0 || (end !== 'last' && end > s.dates[s.dates.length - 1])) {
        report(endPath, `the test period must end within ${dataset.ticker}'s data (${s.dates[0]} .. ${s.dates[s.dates.length - 1]})`, end);
        continue;
      }
      const testTo = endIdx + 1;
      const testFrom = testTo - spec.test.days;
      for (const [ki, days] of dataset.days.entries()) {
        const daysPath = [...dataPath, 'days', ...(Array.isArray(rawDataset.days) ? [ki] : [])];
        const trainFrom = testFrom - days;
        if (trainFrom < 0) {
          report(
            daysPath,
            `${days} training days + ${spec.test.days} test days need ${days + spec.test.days} trading days up to ${s.dates[endIdx]}, but ${dataset.ticker} has ${testTo} (from ${s.dates[0]})`,
            days,
            testFrom > lookback + horizon + 1 ? `use at most ${testFrom} days, or an earlier test.end` : `the data has only ${testTo} trading days up to the test end: use more data or a shorter test period`,
          );
          continue;
        }
        const split = trainingTargets({ from: trainFrom, to: testFrom }, lookback, horizon, validationSplit);
        const windows = split.train + split.validation;
        if (split.train < 1 || split.validation < 1) {
          report(daysPath, `${days} days give ${windows} windows with lookback ${lookback} and horizon ${horizon}: too few to split into training and validation`, days, `use more than ${lookback + horizon + 1} days, or a shorter window.lookback`);
          continue;
        }
        const ranges: Ranges = {
          train: { from: trainFrom, to: testFrom, start: s.dates[trainFrom], end: s.dates[testFrom - 1], days },
          test: { from: testFrom, to: testTo, start: s.dates[testFrom], end: s.dates[endIdx], days: spec.test.days },
        };
        for (const [archName, layers] of Object.entries(spec.architectures)) {
          for (const seed of spec.seeds) {
            for (const win of plugins.window) {
              for (const train of plugins.train) {
                for (const prune of plugins.prune) {
                  for (const compact of plugins.compact) {
                    for (const measure of plugins.measure) {
                      const trainConfig = {
                        data: { key, checksum: s.checksum },
                        ranges,
                        window: { ...call(win), lookback, horizon, validationSplit },
                        architecture: layers,
                        train: call(train),
                        seed,
                        trainingPruner: prune.hooksTraining ? call(prune) : undefined,
                      };
                      const trainKey = shortHash(trainConfig);
                      const params: RunParams = {
                        ticker: dataset.ticker,
                        days,
                        testEnd: s.dates[endIdx],
                        architecture: archName,
                        seed,
                        pruner: prune.name,
                        prune: prune.axisValues,
                        train: train.axisValues,
                        window: win.axisValues,
                      };
                      const run: RunConfig = {
                        runId: shortHash({ trainConfig, prune: call(prune), compact: call(compact), measure: call(measure) }),
                        trainKey,
                        datasetKey: key,
                        params,
                        prune: call(prune),
                        compact: call(compact),
                        measure: call(measure),
                      };
                      let group = groups.get(trainKey);
                      if (!group) {
                        group = {
                          trainKey,
                          datasetKey: key,
                          seed,
                          architecture: { name: archName, layers },
                          ranges,
                          window: trainConfig.window,
                          train: trainConfig.train,
                          trainingPruner: trainConfig.trainingPruner,
                          runs: [],
                        };
                        groups.set(trainKey, group);
                      }
                      if (!group.runs.some((r) => r.runId === run.runId)) {
                        group.runs.push(run);
                        runs.push(run);
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  });
  return { grid: { groups: [...groups.values()], runs }, issues };
}
