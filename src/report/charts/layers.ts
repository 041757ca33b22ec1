// Layer-wise parameters and non-zeros of both models, and their stored sizes.
import type { TopLevelSpec } from 'vega-lite';
import type { OkRecord } from '../load.ts';
import { MODEL_SCALE, type Chart } from './chart.ts';

/** Bars grouped along x, one bar per series in each group, in data order. */
function groupedBars(
  values: { group: string; series: string; value: number }[],
  yTitle: string,
  colorScale: object,
  height: number,
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 520,
    height,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'group', type: 'nominal', sort: null, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'series', type: 'nominal', sort: null },
      y: { field: 'value', type: 'quantitative', title: yTitle },
      color: { field: 'series', type: 'nominal', sort: null, scale: colorScale, title: null },
    },
  } as TopLevelSpec;
}

/** `id` and `architecture` are given when a grid has several architectures: one chart each. */
export function layersChart(run: OkRecord, runLabel: string, id = 'layers', architecture?: string): Chart {
  const values = [
    ...run.original.layers.map((l) => ({ group: l.name, series: 'parameters', value: l.params })),
    ...run.original.layers.map((l) => ({ group: l.name, series: 'non-zero, original', value: l.nonzero })),
    ...run.compact.layers.map((l) => ({ group: l.name, series: 'non-zero, compact', value: l.nonzero })),
  ];
  return {
    id,
    title: `Layer-wise parameters and non-zeros${architecture ? ` — architecture ${architecture}` : ''}`,
    caption: `Parameters per layer (weights and biases) and how many are non-zero in each model (${runLabel}).`,
    spec: groupedBars(values, 'count', { range: ['#9edae5', '#1f77b4', '#ff7f0e'] }, 220),
  };
}

export function sizeChart(run: OkRecord, runLabel: string): Chart {
  const formats = [
    { key: 'denseBytes', label: 'dense float32' },
    { key: 'sparseBytes', label: 'sparse (index + value)' },
    { key: 'gzipBytes', label: 'gzip of float32' },
  ] as const;
  const values = (['original', 'compact'] as const).flatMap((model) =>
    formats.map((f) => ({ group: f.label, series: model, value: run[model].size[f.key] })),
  );
  return {
    id: 'sizes',
    title: 'Stored size of the weights',
    caption: `Bytes needed to store each model's weights in three encodings (${runLabel}); zeros only save space in a sparse or compressed encoding.`,
    spec: groupedBars(values, 'bytes', MODEL_SCALE, 200),
  };
}
