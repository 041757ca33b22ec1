// Layer-wise parameters and non-zeros of both models, and their stored sizes.
import type { TopLevelSpec } from 'vega-lite';
import type { OkRun } from '../load.ts';
import { MODEL_SCALE, type Chart } from './chart.ts';

export function layersChart(run: OkRun, runLabel: string): Chart {
  const values = [
    ...run.original.layers.map((l) => ({ layer: l.name, series: 'parameters', count: l.params })),
    ...run.original.layers.map((l) => ({ layer: l.name, series: 'non-zero, original', count: l.nonzero })),
    ...run.compact.layers.map((l) => ({ layer: l.name, series: 'non-zero, compact', count: l.nonzero })),
  ];
  return {
    id: 'layers',
    title: 'Layer-wise parameters and non-zeros',
    caption: `Parameters per layer (weights and biases) and how many are non-zero in each model (${runLabel}).`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 520,
      height: 220,
      data: { values },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'layer', type: 'nominal', sort: null, title: null, axis: { labelAngle: 0 } },
        xOffset: { field: 'series', type: 'nominal', sort: null },
        y: { field: 'count', type: 'quantitative', title: 'count' },
        color: { field: 'series', type: 'nominal', sort: null, scale: { range: ['#9edae5', '#1f77b4', '#ff7f0e'] }, title: null },
      },
    } as TopLevelSpec,
  };
}

export function sizeChart(run: OkRun, runLabel: string): Chart {
  const formats = [
    { key: 'denseBytes', label: 'dense float32' },
    { key: 'sparseBytes', label: 'sparse (index + value)' },
    { key: 'gzipBytes', label: 'gzip of float32' },
  ] as const;
  const values = (['original', 'compact'] as const).flatMap((model) => formats.map((f) => ({ model, format: f.label, bytes: run[model].size[f.key] })));
  return {
    id: 'sizes',
    title: 'Stored size of the weights',
    caption: `Bytes needed to store each model's weights in three encodings (${runLabel}); zeros only save space in a sparse or compressed encoding.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 520,
      height: 200,
      data: { values },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'format', type: 'nominal', sort: null, title: null, axis: { labelAngle: 0 } },
        xOffset: { field: 'model', type: 'nominal' },
        y: { field: 'bytes', type: 'quantitative', title: 'bytes' },
        color: { field: 'model', type: 'nominal', scale: MODEL_SCALE, title: null },
      },
    } as TopLevelSpec,
  };
}
