// Grouping runs and summarising metrics over seeds (mean and 95% Student-t interval).
import type { ModelReport } from '../core/plugin-api.ts';
import { meanCi95 } from '../core/stats.ts';
import type { AggregateRow } from './charts/chart.ts';
import { MODELS, type OkRun } from './load.ts';

export interface Metric {
  key: string;
  label: string;
  get(report: ModelReport): number;
}

export const METRICS: Metric[] = [
  { key: 'mse', label: 'MSE', get: (m) => m.mse },
  { key: 'rmse', label: 'RMSE', get: (m) => m.rmse },
  { key: 'mae', label: 'MAE', get: (m) => m.mae },
  { key: 'r2', label: 'R²', get: (m) => m.r2 },
  { key: 'inferenceMs', label: 'inference time, median (ms)', get: (m) => m.inference.medianMs },
  { key: 'peakMemoryMB', label: 'peak tensor memory (MB)', get: (m) => m.memory.peakTensorBytes / 2 ** 20 },
  { key: 'gzipKB', label: 'weights, gzip (KB)', get: (m) => m.size.gzipBytes / 1024 },
  { key: 'nonzero', label: 'non-zero parameters', get: (m) => m.nonzeroParams },
];

export interface Axis {
  key: string;
  label: string;
  type: 'quantitative' | 'nominal' | 'ordinal';
  get(run: OkRun): string | number | undefined;
}

/** Grid axes a chart can be drawn against (ticker and seed are facets and repeats, not axes). */
export const AXES: Axis[] = [
  { key: 'days', label: 'data size (training days)', type: 'quantitative', get: (r) => r.params.days },
  { key: 'percentile', label: 'pruning percentile', type: 'quantitative', get: (r) => r.params.prune.percentile as number | undefined },
  { key: 'architecture', label: 'architecture', type: 'nominal', get: (r) => r.params.architecture },
  { key: 'pruner', label: 'pruner', type: 'nominal', get: (r) => r.params.pruner },
  { key: 'testEnd', label: 'test period end', type: 'ordinal', get: (r) => r.params.testEnd },
];

export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Axes along which the stored runs vary within one ticker (tickers differ in dates and scale). */
export function varyingAxes(runs: readonly OkRun[]): Axis[] {
  const byTicker = [...groupBy(runs, (r) => r.params.ticker).values()];
  return AXES.filter((a) => byTicker.some((group) => distinct(group.map(a.get).filter((v) => v !== undefined)).length > 1));
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

/**
 * One row per (ticker, axis value, model, metric): mean and 95% interval over the runs in that
 * cell (seeds, and any other axis that varies).
 */
export function aggregateBy(runs: readonly OkRun[], axis: Axis, metrics: readonly Metric[] = METRICS): AggregateRow[] {
  const rows: AggregateRow[] = [];
  const cells = groupBy(
    runs.filter((r) => axis.get(r) !== undefined),
    (r) => JSON.stringify([r.params.ticker, axis.get(r)]),
  );
  for (const cell of cells.values()) {
    for (const model of MODELS) {
      for (const metric of metrics) {
        const ci = meanCi95(cell.map((r) => metric.get(r[model])));
        rows.push({ ticker: cell[0].params.ticker, x: axis.get(cell[0])!, model, metric: metric.label, ...ci });
      }
    }
  }
  return rows;
}
