// Charts chosen from the grid's own axes: a metric (picked from a menu) against each axis that
// varies, one series per configuration of everything else (series.ts), its seeds summarised with
// a 95% interval; one panel per ticker.
import type { TopLevelSpec } from 'vega-lite';
import { aggregateBy, distinct, METRICS, seriesScale, type Axis } from '../aggregate.ts';
import type { OkRecord } from '../load.ts';
import type { Chart } from './chart.ts';

export function axisChart(
  runs: readonly OkRecord[],
  axis: Axis,
  options: { id?: string; title?: string; caption?: string; metrics?: typeof METRICS } = {},
): Chart {
  const metrics = options.metrics ?? METRICS;
  const rows = aggregateBy(runs, axis, metrics);
  const seeds = distinct(runs.map((r) => r.params.seed)).length;
  const tickers = distinct(rows.map((r) => r.ticker));
  const xs = distinct(rows.map((r) => r.x));
  // A line between categories (pruners, architectures) would claim an order and a path between
  // them that does not exist: categories get points, side by side per model.
  const categorical = axis.type !== 'quantitative';
  const inner = {
    width: tickers.length > 1 ? 340 : 560,
    height: 240,
    layer: [
      {
        // Selections live in a unit view: a facet repeats it per panel.
        params: [{ name: 'model_pick', select: { type: 'point', fields: ['model'] }, bind: 'legend' }],
        mark: categorical
          ? { type: 'point' as const, filled: true, size: 60, tooltip: true }
          : { type: 'line' as const, point: true, tooltip: true },
        // Errors, times and sizes are drawn on a log axis (y holds log10 of the value; its labels
        // undo it): a random control's MSE can be a thousand times the others'. R² and skill stay linear.
        encoding: {
          y: {
            field: 'y',
            type: 'quantitative' as const,
            scale: { zero: false },
            axis: {
              labelExpr: `log_y ? format(pow(10, datum.value), ',.3~r') : format(datum.value, ',.4~r')`,
              labelOverlap: 'greedy' as const,
            },
            title: null,
          },
        },
      },
      // The 95% interval: a band along a numeric axis, an error bar on a categorical one.
      axis.type === 'quantitative'
        ? {
            mark: { type: 'area' as const, fillOpacity: 0.2 },
            encoding: { y: { field: 'yLo', type: 'quantitative' as const }, y2: { field: 'yHi' } },
          }
        : {
            mark: { type: 'rule' as const, strokeWidth: 2 },
            encoding: { y: { field: 'yLo', type: 'quantitative' as const }, y2: { field: 'yHi' } },
          },
    ],
    encoding: {
      // A handful of grid values (sparsity 0.35 and 0.7): ticks at exactly those.
      x: {
        field: 'x',
        type: axis.type,
        title: axis.label,
        ...(categorical
          ? {}
          : {
              scale: { zero: false },
              ...(xs.length <= 12 ? { axis: { values: xs, format: '.4~g', labelOverlap: 'greedy' as const } } : {}),
            }),
      },
      ...(categorical ? { xOffset: { field: 'model', type: 'nominal' as const } } : {}),
      // Series names carry their configuration ("compact (gradual, sparsity 0.9, control random)"): shown whole.
      color: {
        field: 'model',
        type: 'nominal' as const,
        scale: seriesScale(distinct(rows.map((r) => r.model))),
        title: null,
        legend: { labelLimit: 400 },
      },
      opacity: { condition: { param: 'model_pick', value: 1 }, value: 0.15 },
      tooltip: [
        { field: 'ticker', type: 'nominal' as const },
        { field: 'x', title: axis.label },
        { field: 'model', type: 'nominal' as const },
        { field: 'metric', type: 'nominal' as const },
        { field: 'mean', type: 'quantitative' as const, format: '.4~g' },
        { field: 'lo', type: 'quantitative' as const, format: '.4~g', title: '95% CI low' },
        { field: 'hi', type: 'quantitative' as const, format: '.4~g', title: '95% CI high' },
        { field: 'n', type: 'quantitative' as const, title: 'seeds' },
      ],
    },
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows },
    params: [
      { name: 'metric_pick', value: metrics[0].label, bind: { input: 'select', options: metrics.map((m) => m.label), name: 'metric ' } },
      { name: 'log_y', expr: `indexof(${JSON.stringify(metrics.filter((m) => m.positive).map((m) => m.label))}, metric_pick) >= 0` },
    ],
    transform: [
      { filter: 'datum.metric == metric_pick' },
      ...(
        [
          ['y', 'mean'],
          ['yLo', 'lo'],
          ['yHi', 'hi'],
        ] as const
      ).map(([as, field]) => ({ calculate: `log_y ? log(datum.${field}) / LN10 : datum.${field}`, as })),
    ],
    facet: { column: { field: 'ticker', type: 'nominal', title: null } },
    resolve: { scale: { y: 'independent' } },
    spec: inner,
  } as unknown as TopLevelSpec;
  return {
    id: options.id ?? `axis-${axis.key}`,
    title: options.title ?? `Metric against ${axis.label}`,
    caption:
      options.caption ??
      `Choose a metric; ${categorical ? 'points' : 'lines'} summarise the seeds of one configuration (errors, times and sizes by their geometric mean, on a log axis; other metrics by their mean)${seeds > 1 ? `, with the 95% interval over those seeds as ${axis.type === 'quantitative' ? 'bands' : 'bars'} (n in the tooltip)` : '; one seed has no interval'}. Every other parameter the grid varies is a series of its own: nothing else is averaged.`,
    spec,
  };
}
