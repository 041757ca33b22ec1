// Figure 3: execution time, peak memory, MSE and MAE against data size, for both models.
import type { TopLevelSpec } from 'vega-lite';
import { aggregateBy, AXES, distinct, groupBy, METRICS, seriesScale, type Axis } from '../aggregate.ts';
import { seriesOf } from '../series.ts';
import type { ModelReport } from '../../plugin/api.ts';
import { MODELS, type OkRecord } from '../load.ts';
import type { AggregateRow, Chart } from './chart.ts';
import { mean } from '../../evaluation/stats.ts';
import { summarizeSeeds } from '../../evaluation/seed-summary.ts';

const FIGURE3 = ['inferenceMs', 'peakMemoryMB', 'mse', 'mae'];

/** Training is the original model's, once per training: per data size and original series, over its seeds. */
function trainingRows(sweep: readonly OkRecord[], axis: Axis): AggregateRow[] {
  const series = seriesOf(sweep, axis);
  const rows: AggregateRow[] = [];
  for (const cell of groupBy(sweep, (r) => JSON.stringify([r.params.days, series(r, 'original')])).values()) {
    const trainings = [...groupBy(cell, (r) => r.trainKey).values()].map((g) => g[0]);
    const metrics = [
      { metric: 'training time (s)', values: trainings.map((r) => r.training.timeMs / 1000) },
      {
        metric: 'peak tensor memory, training (MB)',
        values: trainings.filter((r) => r.training.peakTensorBytes !== undefined).map((r) => r.training.peakTensorBytes! / 2 ** 20),
      },
    ];
    for (const { metric, values } of metrics) {
      if (values.length === 0) continue;
      const { n, mean: center, lo, hi } = summarizeSeeds(values, true);
      rows.push({
        ticker: cell[0].params.ticker,
        x: cell[0].params.days,
        model: series(cell[0], 'original'),
        metric,
        n,
        mean: center,
        lo,
        hi,
      });
    }
  }
  return rows;
}

/** The ticker whose runs span the most data sizes, if any spans two or more. */
export function dataSizeSweep(runs: readonly OkRecord[]): OkRecord[] | undefined {
  const byTicker = [...groupBy(runs, (r) => r.params.ticker).values()];
  const best = byTicker.sort((a, b) => distinct(b.map((r) => r.params.days)).length - distinct(a.map((r) => r.params.days)).length)[0];
  return best && distinct(best.map((r) => r.params.days)).length > 1 ? best : undefined;
}

const INFERENCE = METRICS.find((m) => m.key === 'inferenceMs')!;
const MEMORY = METRICS.find((m) => m.key === 'peakMemoryMB')!;

/**
 * The spread of repeated timings (10th–90th percentile of the repeats, averaged over seeds) added
 * to the inference-time rows: how much the machine's own noise moves one measurement.
 */
function withRepeatSpread(rows: AggregateRow[], sweep: readonly OkRecord[], axis: Axis): AggregateRow[] {
  const series = seriesOf(sweep, axis);
  const cells = groupBy(
    MODELS.flatMap((model) => sweep.map((run) => ({ run, model, name: series(run, model) }))),
    (c) => JSON.stringify([c.run.params.days, c.name]),
  );
  return rows.map((row) => {
    if (row.metric !== INFERENCE.label) return row;
    const cell = cells.get(JSON.stringify([row.x, row.model]));
    if (!cell) return row;
    const average = (f: (m: ModelReport) => number) => mean(cell.map((c) => f(c.run[c.model])));
    return {
      ...row,
      p10: average((m) => m.inference.p10Ms),
      p90: average((m) => m.inference.p90Ms),
      repeats: cell[0].run[cell[0].model].inference.repeats,
    };
  });
}

/** Data sizes where the original's and the compact's repeat spreads overlap: differences there are noise. */
function withinNoise(rows: AggregateRow[]): { overlapping: number; sizes: number } {
  const byX = groupBy(
    rows.filter((r) => r.metric === INFERENCE.label && r.p10 !== undefined),
    (r) => String(r.x),
  );
  let overlapping = 0;
  for (const cell of byX.values()) {
    const original = cell.find((r) => r.model.startsWith('original'));
    const compacts = cell.filter((r) => r.model.startsWith('compact'));
    if (original && compacts.some((c) => Number(c.p10) <= Number(original.p90) && Number(original.p10) <= Number(c.p90))) overlapping++;
  }
  return { overlapping, sizes: byX.size };
}

export function dataSizeChart(sweep: readonly OkRecord[]): Chart {
  const axis = AXES.find((a) => a.key === 'days')!;
  // Inference memory is the same for every size when the test set is: one value, said in words.
  const memory = distinct(sweep.flatMap((r) => MODELS.map((m) => MEMORY.get(r, m))));
  const flatMemory = memory.length === 1 ? memory[0] : undefined;
  const metrics = METRICS.filter((m) => FIGURE3.includes(m.key) && !(m === MEMORY && flatMemory !== undefined));
  const rows = [...trainingRows(sweep, axis), ...withRepeatSpread(aggregateBy(sweep, axis, metrics), sweep, axis)];
  const noise = withinNoise(rows);
  const repeats = rows.find((r) => r.repeats !== undefined)?.repeats;
  const order = ['training time (s)', 'peak tensor memory, training (MB)', ...metrics.map((m) => m.label)];
  const ticker = sweep[0].params.ticker;
  const sizes = distinct(sweep.map((r) => r.params.days)).sort((x, y) => x - y);
  const colour = { field: 'model', type: 'nominal', scale: seriesScale(distinct(rows.map((r) => r.model))), title: null };
  // One panel per metric, two to a row (concatenated, not faceted: a facet leaves an empty panel
  // with axes when the count is odd). Errors on a log axis: a random control's MSE dwarfs the rest.
  const panel = (metric: string, index: number) => ({
    title: metric,
    width: 340,
    height: 190,
    transform: [{ filter: { field: 'metric', equal: metric } }],
    layer: [
      {
        // The legend's selection lives in the first panel; the others follow it.
        ...(index === 0 ? { params: [{ name: 'model_pick3', select: { type: 'point', fields: ['model'] }, bind: 'legend' }] } : {}),
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          y: {
            field: 'mean',
            type: 'quantitative',
            scale: /MSE|MAE/.test(metric) ? { type: 'log' } : { zero: false },
            axis: { format: ',.4~r', labelOverlap: 'greedy' },
            title: null,
          },
        },
      },
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
      // Inference time only: the repeats' 10th–90th percentile, wide and pale behind the interval.
      {
        transform: [{ filter: 'isValid(datum.p10)' }],
        mark: { type: 'rule', strokeWidth: 9 },
        encoding: { y: { field: 'p10', type: 'quantitative' }, y2: { field: 'p90' }, opacity: { value: 0.3 } },
      },
    ],
    encoding: {
      // Ticks at the grid's sizes only, overlapping ones dropped (950 and 1,000 printed "9501,000").
      x: {
        field: 'x',
        type: 'quantitative',
        title: `${ticker}: training days`,
        axis: { values: sizes, format: ',.6~g', labelOverlap: 'greedy', labelSeparation: 6 },
      },
      color: colour,
      opacity: { condition: { param: 'model_pick3', value: 1 }, value: 0.15 },
      tooltip: [
        { field: 'model' },
        { field: 'x', title: 'training days' },
        { field: 'mean', format: '.4~g' },
        { field: 'lo', format: '.4~g', title: '95% low' },
        { field: 'hi', format: '.4~g', title: '95% high' },
        { field: 'n', title: 'seeds' },
      ],
    },
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows },
    concat: order.filter((metric) => rows.some((r) => r.metric === metric)).map(panel),
    columns: 2,
    resolve: { scale: { y: 'independent' } },
  } as unknown as TopLevelSpec;
  return {
    id: 'data-size',
    title: 'Figure 3 — execution time, peak memory, MSE and MAE against data size',
    caption: [
      `${ticker}, one training per data size; the training window ends where the fixed test period starts. Training time and memory grow with the data; inference time (median of repeated predictions of the test set) does not, because the test set is the same for every size.`,
      `Each line is one configuration (everything but the data size and the seed); thin bars: 95% interval over its seeds. Inference time's wide pale bars: the 10th–90th percentile of its ${repeats ?? ''} repeated timings, the machine's own noise.`,
      noise.sizes
        ? `At ${noise.overlapping} of ${noise.sizes} data sizes the original's and the compact's ranges overlap: there the difference in inference time is smaller than the noise.`
        : '',
      'Training time is one measurement per training and moves with the load on the machine when it ran.',
      flatMemory !== undefined
        ? `Inference memory (peak tfjs tensor bytes) is ${flatMemory.toFixed(3)} MB for every size and both models, so it has no panel.`
        : '',
    ]
      .filter(Boolean)
      .join(' '),
    spec,
  };
}
