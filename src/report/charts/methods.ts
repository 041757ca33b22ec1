// The pruning laboratory's charts: accuracy against sparsity for every method with the seeds'
// 95% bands, and error against non-zeros and against measured latency (where a method sits on
// the accuracy–cost front). "original" is the dense model every method starts from.
import type { TopLevelSpec } from 'vega-lite';
import type { MethodRow } from '../methods.ts';
import type { Chart } from './chart.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A method's series: the method, and whatever else tells its configuration apart (never pooled). */
const seriesName = (r: MethodRow, name = r.method) => (r.configuration ? `${name} · ${r.configuration}` : name);

/** The dense original of each configuration, from the row with the most seeds (every method starts from it). */
function denseOriginals(rows: readonly MethodRow[]): MethodRow[] {
  const best = new Map<string, MethodRow>();
  for (const r of rows) if ((best.get(r.configuration)?.runs ?? 0) < r.runs) best.set(r.configuration, r);
  return [...best.values()];
}

export function accuracyVsSparsityChart(rows: readonly MethodRow[]): Chart {
  const points = rows.map((r) => ({
    method: seriesName(r),
    sparsity: r.sparsity * 100,
    mean: r.compactMse.mean,
    lo: r.compactMse.lo,
    hi: r.compactMse.hi,
    n: r.runs,
  }));
  const references = denseOriginals(rows).flatMap((r) => [
    { value: r.originalMse.mean, reference: seriesName(r, 'original (dense)') },
    { value: r.persistenceMse, reference: seriesName(r, 'persistence') },
  ]);
  const y = { type: 'quantitative', scale: { type: 'log' } };
  const spec = {
    $schema: SCHEMA,
    width: 600,
    height: 320,
    layer: [
      {
        data: { values: points },
        encoding: {
          x: { field: 'sparsity', type: 'quantitative', title: 'sparsity (% of targeted weights or units removed)' },
          color: { field: 'method', type: 'nominal', title: 'method', scale: { scheme: 'tableau20' } },
        },
        layer: [
          { mark: { type: 'area', fillOpacity: 0.12 }, encoding: { y: { field: 'lo', ...y }, y2: { field: 'hi' } } },
          {
            mark: { type: 'line', point: true, tooltip: true },
            encoding: {
              y: { field: 'mean', ...y, title: 'test MSE of the compact model, geometric mean over seeds' },
              tooltip: [
                { field: 'method' },
                { field: 'sparsity' },
                { field: 'mean', format: '.4~g' },
                { field: 'lo', format: '.4~g', title: '95% low' },
                { field: 'hi', format: '.4~g', title: '95% high' },
                { field: 'n', title: 'seeds' },
              ],
            },
          },
        ],
      },
      {
        data: { values: references },
        mark: { type: 'rule', strokeDash: [6, 4] },
        encoding: {
          y: { field: 'value', ...y },
          color: { value: '#333' },
          tooltip: [{ field: 'reference' }, { field: 'value', format: '.4~g' }],
        },
      },
    ],
  } as unknown as TopLevelSpec;
  return {
    id: 'methods-accuracy',
    title: 'Accuracy against sparsity, every method',
    caption:
      'Test MSE on prices, geometric mean over seeds with the 95% t interval of the mean log as bands (no band with one seed), on a log scale; dashed lines: the dense original model and persistence (tomorrow = today). A method\'s "(random control)" removes as many weights per layer at random.',
    spec,
  };
}

export function paretoChart(rows: readonly MethodRow[], by: 'nonzero' | 'latency'): Chart {
  const measured = rows.filter((r) => by === 'nonzero' || r.relativeLatency);
  // Latency relative to the original timed in the same run: absolute times drift between runs.
  const cost = (r: MethodRow, model: 'compact' | 'original') =>
    by === 'nonzero' ? (model === 'compact' ? r.nonzero : r.originalNonzero) : model === 'compact' ? r.relativeLatency!.mean : 1;
  const points = measured.map((r) => ({
    method: seriesName(r),
    sparsity: r.sparsity * 100,
    x: cost(r, 'compact'),
    mse: r.compactMse.mean,
    architecture: r.architecture,
  }));
  // The dense original, once per configuration.
  for (const r of denseOriginals(measured))
    points.push({
      method: seriesName(r, 'original (dense)'),
      sparsity: 0,
      x: cost(r, 'original'),
      mse: r.originalMse.mean,
      architecture: '',
    });
  const title = by === 'nonzero' ? 'non-zero parameters' : 'latency relative to the original (one large batch)';
  const spec = {
    $schema: SCHEMA,
    width: 600,
    height: 300,
    data: { values: points },
    mark: { type: 'point', filled: true, size: 70, tooltip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title, scale: { zero: false } },
      y: { field: 'mse', type: 'quantitative', title: 'test MSE, geometric mean over seeds', scale: { type: 'log' } },
      color: { field: 'method', type: 'nominal', scale: { scheme: 'tableau20' } },
      shape: { condition: { test: "indexof(datum.method, 'original (dense)') == 0", value: 'diamond' }, value: 'circle' },
      tooltip: [
        { field: 'method' },
        { field: 'sparsity', title: 'sparsity %' },
        { field: 'x', title, format: ',.4~g' },
        { field: 'mse', format: '.4~g' },
        { field: 'architecture' },
      ],
    },
  } as unknown as TopLevelSpec;
  return {
    id: `methods-pareto-${by}`,
    title: by === 'nonzero' ? 'Error against non-zero parameters' : 'Error against measured latency',
    caption:
      by === 'nonzero'
        ? 'Each point is a method at one sparsity (geometric mean of MSE over seeds); lower and further left is better. The diamond is the dense original.'
        : "Median latency of the compact model on one large batch divided by the original's, timed in alternating rounds in the same run (mean over seeds); only a smaller architecture (structured pruning) moves a point left, zeros alone do not. The diamond is the dense original, at 1.",
    spec,
  };
}
