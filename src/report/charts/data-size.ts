// Figure 3: execution time, peak memory, MSE and MAE against data size, for both models.
import type { TopLevelSpec } from 'vega-lite';
import { aggregateBy, AXES, distinct, groupBy, METRICS, seriesScale } from '../aggregate.ts';
import type { OkRecord } from '../load.ts';
import type { AggregateRow, Chart } from './chart.ts';
import { meanCi95 } from '../../evaluation/stats.ts';

const FIGURE3 = ['inferenceMs', 'peakMemoryMB', 'mse', 'mae'];

/** Training happens once per data size, for the original model only. */
function trainingRows(sweep: readonly OkRecord[]): AggregateRow[] {
  const cells = groupBy(sweep, (r) => String(r.params.days));
  const rows: AggregateRow[] = [];
  for (const cell of cells.values()) {
    const series = [
      { metric: 'training time (s)', values: cell.map((r) => r.training.timeMs / 1000) },
      { metric: 'peak tensor memory, training (MB)', values: cell.filter((r) => r.training.peakTensorBytes !== undefined).map((r) => r.training.peakTensorBytes! / 2 ** 20) },
    ];
    for (const { metric, values } of series) if (values.length) rows.push({ ticker: cell[0].params.ticker, x: cell[0].params.days, model: 'original', metric, ...meanCi95(values) });
  }
  return rows;
}

/** The ticker whose runs span the most data sizes, if any spans two or more. */
export function dataSizeSweep(runs: readonly OkRecord[]): OkRecord[] | undefined {
  const byTicker = [...groupBy(runs, (r) => r.params.ticker).values()];
  const best = byTicker.sort((a, b) => distinct(b.map((r) => r.params.days)).length - distinct(a.map((r) => r.params.days)).length)[0];
  return best && distinct(best.map((r) => r.params.days)).length > 1 ? best : undefined;
}

export function dataSizeChart(sweep: readonly OkRecord[]): Chart {
  const axis = AXES.find((a) => a.key === 'days')!;
  const metrics = METRICS.filter((m) => FIGURE3.includes(m.key));
  const rows = [...trainingRows(sweep), ...aggregateBy(sweep, axis, metrics)];
  const order = ['training time (s)', 'peak tensor memory, training (MB)', ...metrics.map((m) => m.label)];
  const ticker = sweep[0].params.ticker;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows },
    facet: { field: 'metric', type: 'nominal', title: null, sort: order },
    columns: 2,
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 340,
      height: 190,
      layer: [
        {
          // Selections live in a unit view: a facet repeats it per panel.
          params: [{ name: 'model_pick3', select: { type: 'point', fields: ['model'] }, bind: 'legend' }],
          mark: { type: 'line', point: true, tooltip: true },
          encoding: { y: { field: 'mean', type: 'quantitative', scale: { zero: false }, axis: { format: ',.4~r' }, title: null } },
        },
        { mark: { type: 'rule', strokeWidth: 2 }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
      ],
      encoding: {
        x: { field: 'x', type: 'quantitative', title: `${ticker}: training days` },
        color: { field: 'model', type: 'nominal', scale: seriesScale(distinct(rows.map((r) => r.model))), title: null },
        opacity: { condition: { param: 'model_pick3', value: 1 }, value: 0.15 },
      },
    },
  } as unknown as TopLevelSpec;
  return {
    id: 'data-size',
    title: 'Figure 3 — execution time, peak memory, MSE and MAE against data size',
    caption: `${ticker}, one training per data size; the training window ends where the fixed test period starts. Training time and memory grow with the data; inference time (median of repeated predictions of the test set) and inference memory (peak tfjs tensor bytes) do not, because the test set is the same for every size.`,
    spec,
  };
}
