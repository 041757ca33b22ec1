// The data axis: every (dataset, test end, walk-forward fold, data size) the spec asks for, as
// index ranges into the fetched series — the test period right after the training window — or an
// issue at the spec path that asked for something the data cannot give.
import type { Series } from '../plugin/api.ts';
import { trainingTargets } from '../plugin/windows.ts';
import { isIntradayStamp, sessionOf } from '../plugin/dates.ts';
import { shortHash } from '../plugin/hash.ts';
import type { SpecIssue } from '../spec/issues.ts';
import type { LoadedExperiment } from '../spec/load.ts';
import type { PluginInstance } from '../spec/plugin-refs.ts';
import { issueAt } from '../spec/zod-issues.ts';
import type { Ranges } from './types.ts';

export interface DataPoint {
  ticker: string;
  datasetKey: string;
  fetcher: PluginInstance;
  series: Series;
  /** Training days as the spec gives them (an expanding walk-forward window trains on more). */
  days: number;
  /** Where this point's runs train and test. */
  ranges: Ranges;
  /** Walk-forward: the fold, 1 = the oldest test period. */
  fold?: number;
  /** Walk-forward with retrain: once, after the first fold: the first fold's ranges, whose training it shares. */
  trainedOn?: Ranges;
}

/** Datasets fetched with the same plugin, options and ticker are fetched once. */
export function datasetKey(instance: PluginInstance, ticker: string): string {
  return shortHash({ source: instance.source, options: instance.options, ticker });
}

/** Dataset i's series: its fetch alone, or (with features) the joined table, keyed by everything joined. */
export function datasetKeyOf(loaded: LoadedExperiment, i: number): string {
  const dataset = loaded.spec.data[i];
  const base = datasetKey(loaded.fetchers[i], dataset.ticker);
  if (!dataset.features.length) return base;
  const features = dataset.features.map((f, j) => ({
    key: datasetKey(loaded.featureFetchers[i][j], f.ticker ?? dataset.ticker),
    transform: f.transform,
  }));
  return shortHash({ base, features, align: dataset.align });
}

/**
 * The test periods [from, to) of `folds` folds, the last ending at `endIdx`: `test.days` bars (or
 * days) each, `step` apart; or, on intraday bars, `test.sessions` whole sessions each, `step`
 * sessions apart (a period may start before the data: the caller says so). A message when
 * sessions are asked of a daily series.
 */
function testPeriods(
  dates: readonly string[],
  endIdx: number,
  folds: number,
  test: { days?: number; sessions?: number },
  step?: number,
): { from: number; to: number }[] | string {
  if (test.days !== undefined) {
    return Array.from({ length: folds }, (_, k) => {
      const to = endIdx + 1 - (folds - 1 - k) * (step ?? test.days!);
      return { from: to - test.days!, to };
    });
  }
  if (!isIntradayStamp(dates[0])) return 'counts the sessions of intraday bars, but this series has daily dates';
  const starts: number[] = [];
  for (let i = 0; i <= endIdx; i++) if (i === 0 || sessionOf(dates[i]) !== sessionOf(dates[i - 1])) starts.push(i);
  const n = test.sessions!;
  const last = starts.length - 1; // the session holding endIdx
  return Array.from({ length: folds }, (_, k) => {
    const lastSession = last - (folds - 1 - k) * (step ?? n);
    const firstSession = lastSession - n + 1;
    const to = lastSession + 1 < starts.length ? starts[lastSession + 1] : endIdx + 1;
    return { from: firstSession >= 0 ? starts[firstSession] : -1, to };
  });
}

/** Index of the last date (or intraday bar, by its session) on or before `end`, or -1. */
function lastIndexOnOrBefore(dates: readonly string[], end: string): number {
  let lo = 0;
  let hi = dates.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sessionOf(dates[mid]) <= end) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export function dataPoints(loaded: LoadedExperiment, series: Map<string, Series>): { points: DataPoint[]; issues: SpecIssue[] } {
  const { spec, source } = loaded;
  const issues: SpecIssue[] = [];
  const points: DataPoint[] = [];
  const dataIsList = Array.isArray(source.data.data);
  const report = (path: (string | number)[], message: string, value?: unknown, hint?: string) =>
    issues.push(issueAt(source, path, message, { value, hint }));
  const rawTest = source.data.test as Record<string, unknown> | undefined;
  const { lookback, validationSplit } = spec.window;
  // The longest horizon needs the most data: checked against it.
  const horizon = Math.max(...spec.window.horizon);
  // A test period holds one non-overlapping h-day holding per h days: it needs a few of them.
  const rawHorizon = (source.data.window as Record<string, unknown> | undefined)?.horizon;
  spec.window.horizon.forEach((h, hi) => {
    if (spec.test.days !== undefined && h * 3 > spec.test.days)
      report(
        Array.isArray(rawHorizon) ? ['window', 'horizon', hi] : ['window', 'horizon'],
        `a ${h}-day horizon needs a test period of at least ${3 * h} days (three non-overlapping ${h}-day periods), but test.days is ${spec.test.days}`,
        h,
        `use a horizon of at most ${Math.floor(spec.test.days / 3)} days, or a longer test period`,
      );
  });

  spec.data.forEach((dataset, di) => {
    const dataPath: (string | number)[] = dataIsList ? ['data', di] : ['data'];
    const rawDataset = (dataIsList ? (source.data.data as unknown[])[di] : source.data.data) as Record<string, unknown>;
    const fetcher = loaded.fetchers[di];
    const key = datasetKeyOf(loaded, di);
    const s = series.get(key);
    if (!s) return; // its fetch failed and was reported
    for (const [ei, end] of spec.test.end.entries()) {
      const endIdx = end === 'last' ? s.dates.length - 1 : lastIndexOnOrBefore(s.dates, end);
      const endPath = Array.isArray(rawTest?.end) ? ['test', 'end', ei] : ['test', 'end'];
      if (endIdx < 0 || (end !== 'last' && end > sessionOf(s.dates[s.dates.length - 1]))) {
        report(endPath, `the test period must end within ${dataset.ticker}'s data (${s.dates[0]} .. ${s.dates[s.dates.length - 1]})`, end);
        continue;
      }
      // Walk-forward: folds oldest first, the last one ending at `end`; otherwise one fold.
      const wf = spec.test.walkForward;
      const folds = wf?.folds ?? 1;
      const foldTests = testPeriods(s.dates, endIdx, folds, spec.test, wf?.step);
      if (typeof foldTests === 'string') {
        report(['test', 'sessions'], foldTests, spec.test.sessions, 'use test.days, which counts bars or days');
        continue;
      }
      const testBars = foldTests[0].to - foldTests[0].from;
      const step = foldTests.length > 1 ? foldTests[1].to - foldTests[0].to : testBars;
      const first = foldTests[0];
      for (const [ki, days] of dataset.days.entries()) {
        const daysPath = [...dataPath, 'days', ...(Array.isArray(rawDataset.days) ? [ki] : [])];
        const trainFrom = first.from - days;
        if (first.from < 0 || trainFrom < 0) {
          const periods = wf ? `${wf.folds} test periods of ${testBars} days, ${step} apart,` : `${testBars} test days`;
          report(
            daysPath,
            `${days} training days + ${periods} need ${days + testBars + (foldTests.length - 1) * step} trading days up to ${s.dates[endIdx]}, but ${dataset.ticker} has ${endIdx + 1} (from ${s.dates[0]})`,
            days,
            first.from > lookback + horizon + 1
              ? `use at most ${first.from} days${wf ? ', fewer folds' : ''}, or an earlier test.end`
              : `the data has only ${endIdx + 1} trading days up to the test end: use more data${wf ? ', fewer folds' : ''} or a shorter test period`,
          );
          continue;
        }
        const split = trainingTargets({ from: trainFrom, to: first.from }, lookback, horizon, validationSplit);
        const windows = split.train + split.validation;
        if (split.train < 1 || split.validation < 1) {
          report(
            daysPath,
            `${days} days give ${windows} windows with lookback ${lookback} and horizon ${horizon}: too few to split into training and validation`,
            days,
            `use more than ${lookback + horizon + 1} days, or a shorter window.lookback`,
          );
          continue;
        }
        const rangesOf = (train: { from: number; to: number }, test: { from: number; to: number }): Ranges => ({
          train: { ...train, start: s.dates[train.from], end: s.dates[train.to - 1], days: train.to - train.from },
          test: { ...test, start: s.dates[test.from], end: s.dates[test.to - 1], days: test.to - test.from },
        });
        const firstRanges = rangesOf({ from: trainFrom, to: first.from }, first);
        foldTests.forEach((test, k) => {
          const train =
            !wf || wf.retrain === 'once'
              ? { from: trainFrom, to: first.from }
              : { from: wf.window === 'expanding' ? trainFrom : test.from - days, to: test.from };
          const ranges = rangesOf(train, test);
          points.push({
            ticker: dataset.ticker,
            datasetKey: key,
            fetcher,
            series: s,
            days,
            ranges,
            ...(wf ? { fold: k + 1 } : {}),
            // Trained once: every fold's runs belong to the first fold's training.
            ...(wf?.retrain === 'once' && k > 0 ? { trainedOn: firstRanges } : {}),
          });
        });
      }
    }
  });
  return { points, issues };
}
