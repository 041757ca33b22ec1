// Grouping runs and summarising metrics over seeds (evaluation/seed-summary.ts: positive metrics
// by their geometric mean, the others by their mean, each with its 95% t interval).
import type { ModelReport } from '../plugin/api.ts';
import { summarizeSeeds } from '../evaluation/seed-summary.ts';
import type { AggregateRow, Axis } from './charts/chart.ts';
import { optionAxes } from './option-axes.ts';
import { seriesOf } from './series.ts';

export type { Axis };
import type { ForecastScores } from '../evaluation/forecast-metrics.ts';
import { MODELS, type ModelName, type OkRecord } from './load.ts';

export interface Metric {
  key: string;
  label: string;
  get(run: OkRecord, model: ModelName): number;
  /** Never negative (errors, times, sizes): summarised by its geometric mean, whose interval cannot cross zero. */
  positive?: true;
}

const report = (f: (m: ModelReport) => number) => (run: OkRecord, model: ModelName) => f(run[model]);
const forecast = (f: (s: ForecastScores) => number) => (run: OkRecord, model: ModelName) => (run.forecast ? f(run.forecast[model]) : NaN);

export const METRICS: Metric[] = [
  { key: 'mse', label: 'MSE', get: report((m) => m.mse), positive: true },
  { key: 'rmse', label: 'RMSE', get: report((m) => m.rmse), positive: true },
  { key: 'mae', label: 'MAE', get: report((m) => m.mae), positive: true },
  { key: 'r2', label: 'R²', get: report((m) => m.r2) },
  { key: 'skill', label: 'skill vs persistence (1 − MSE/MSE_naive)', get: forecast((s) => s.skill) },
  { key: 'mase', label: 'MASE', get: forecast((s) => s.mase) },
  { key: 'directionalAccuracy', label: 'directional accuracy', get: forecast((s) => s.directionalAccuracy ?? NaN) },
  { key: 'returnMae', label: 'MAE on returns', get: forecast((s) => s.returnMae) },
  { key: 'inferenceMs', label: 'inference time, median (ms)', get: report((m) => m.inference.medianMs), positive: true },
  { key: 'peakMemoryMB', label: 'peak tensor memory (MB)', get: report((m) => m.memory.peakTensorBytes / 2 ** 20), positive: true },
  { key: 'gzipKB', label: 'weights, gzip (KB)', get: report((m) => m.size.gzipBytes / 1024), positive: true },
  { key: 'nonzero', label: 'non-zero parameters', get: report((m) => m.nonzeroParams) },
];

/** Grid axes a chart can be drawn against (ticker and seed are facets and repeats, not axes). */
export const AXES: Axis[] = [
  { key: 'days', label: 'data size (training days)', type: 'quantitative', get: (r) => r.params.days, params: ['days'] },
  {
    key: 'percentile',
    label: 'pruning percentile',
    type: 'quantitative',
    get: (r) => r.params.prune.percentile as number | undefined,
    params: ['prune.percentile'],
  },
  { key: 'architecture', label: 'architecture', type: 'nominal', get: (r) => r.params.architecture, params: ['architecture'] },
  { key: 'pruner', label: 'pruner', type: 'nominal', get: (r) => r.params.pruner, params: ['pruner'] },
  // A walk-forward fold is its test period.
  { key: 'testEnd', label: 'test period end', type: 'ordinal', get: (r) => r.params.testEnd, params: ['testEnd', 'fold'] },
  // Set only when a grid lists several window plugins (see plan/grid.ts).
  {
    key: 'representation',
    label: 'representation (window plugin)',
    type: 'nominal',
    get: (r) => r.params.window?.plugin as string | undefined,
    params: ['window.plugin'],
  },
  // Records written before runtimes existed ran on tfjs.
  { key: 'runtime', label: 'inference runtime', type: 'nominal', get: (r) => r.original.runtime ?? 'tfjs', params: ['measure.runtime'] },
];

export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/**
 * Axes along which the stored runs vary within one ticker (tickers differ in dates and scale):
 * the fixed ones, then every plugin option the grid varies.
 */
export function varyingAxes(runs: readonly OkRecord[]): Axis[] {
  const byTicker = [...groupBy(runs, (r) => r.params.ticker).values()];
  return [...AXES, ...optionAxes(runs)].filter((a) =>
    byTicker.some((group) => distinct(group.map(a.get).filter((v) => v !== undefined)).length > 1),
  );
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

/** Colours: the originals in blues, then one colour per compact series. */
export function seriesScale(series: readonly string[]) {
  const blues = ['#1f77b4', '#6baed6', '#08519c', '#9ecae1', '#3182bd', '#c6dbef'];
  // Tableau's 20 without its blues: 18 compact series before a colour repeats (a grid of three
  // pruners at two sparsities with random controls already has 12).
  const palette = [
    '#ff7f0e',
    '#d62728',
    '#2ca02c',
    '#9467bd',
    '#8c564b',
    '#e377c2',
    '#7f7f7f',
    '#bcbd22',
    '#17becf',
    '#ffbb78',
    '#ff9896',
    '#98df8a',
    '#c5b0d5',
    '#c49c94',
    '#f7b6d2',
    '#c7c7c7',
    '#dbdb8d',
    '#9edae5',
  ];
  const originals = series.filter((s) => s.startsWith('original'));
  const compact = series.filter((s) => !s.startsWith('original'));
  return {
    domain: [...originals, ...compact],
    range: [...originals.map((_, i) => blues[i % blues.length]), ...compact.map((_, i) => palette[i % palette.length])],
  };
}

/**
 * One row per (ticker, axis value, series, metric): the seed summary and its 95% interval over the
 * seeds of that series (geometric for positive metrics: one bad seed made arithmetic t bands of MSE
 * reach below zero). Series are series.ts's: nothing but the seed is averaged.
 */
export function aggregateBy(runs: readonly OkRecord[], axis: Axis, metrics: readonly Metric[] = METRICS): AggregateRow[] {
  const rows: AggregateRow[] = [];
  const series = seriesOf(runs, axis);
  const cells = groupBy(
    runs.filter((r) => axis.get(r) !== undefined),
    (r) => JSON.stringify([r.params.ticker, axis.get(r)]),
  );
  for (const cell of cells.values()) {
    for (const model of MODELS) {
      for (const [name, members] of groupBy(cell, (r) => series(r, model))) {
        // The runs of a series differ in their seed only; the original, shared by the pruning runs of its training, counts once.
        const group = model === 'original' ? [...groupBy(members, (r) => r.trainKey).values()].map((g) => g[0]) : members;
        for (const metric of metrics) {
          const values = group.map((r) => metric.get(r, model)).filter((v) => !Number.isNaN(v));
          if (values.length === 0) continue;
          const { n, mean, lo, hi } = summarizeSeeds(values, metric.positive === true);
          rows.push({ ticker: cell[0].params.ticker, x: axis.get(cell[0])!, model: name, metric: metric.label, n, mean, lo, hi });
        }
      }
    }
  }
  // Lines and bands are drawn in data order: sort along the axis.
  return rows.sort((a, b) => (a.x < b.x ? -1 : a.x > b.x ? 1 : 0));
}
