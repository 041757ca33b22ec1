// The compression front: every configuration's error ratio against its stored size and its latency,
// one row of panels per stratum (what the grid varies besides pruning and compaction), the Pareto
// front filled and joined, the original as a diamond at ratio 1.
import type { TopLevelSpec } from 'vega-lite';
import type { CompressionStratum } from '../compression.ts';
import type { Chart } from './chart.ts';

const SIZE = 'stored size (bytes)';
const LATENCY = 'latency (ms, one latency batch)';
const FRONT_COLORS = { domain: ['on the front', 'beaten', 'original'], range: ['#d62728', '#9e9e9e', '#1f77b4'] };

export function compressionChart(strata: readonly CompressionStratum[]): Chart {
  const rows = strata.flatMap((s) => {
    const original = { stratum: s.label, label: 'original (float32)', mseRatio: 1, verdict: '', front: 'original' };
    const points = s.points.filter((p) => Number.isFinite(p.mseRatio));
    return [
      { ...original, cost: SIZE, value: s.original.storedBytes },
      { ...original, cost: LATENCY, value: s.original.latencyMs },
      ...points.flatMap((p) => {
        const common = {
          stratum: s.label,
          label: p.label,
          mseRatio: p.mseRatio,
          verdict: p.verdict,
          front: p.front ? 'on the front' : 'beaten',
        };
        return [
          { ...common, cost: SIZE, value: p.storedBytes },
          { ...common, cost: LATENCY, value: p.latencyMs },
        ];
      }),
    ];
  });
  const encoding = {
    x: { field: 'value', type: 'quantitative', title: null, scale: { type: 'log' } },
    y: { field: 'mseRatio', type: 'quantitative', title: 'MSE ratio, compact / original', scale: { type: 'log' } },
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows },
    facet: {
      row: {
        field: 'stratum',
        type: 'nominal',
        title: null,
        header: { labelOrient: 'top', labelAngle: 0, labelAnchor: 'start', labelFontWeight: 'bold', labelLimit: 0 },
      },
      column: { field: 'cost', type: 'nominal', title: null, sort: [SIZE, LATENCY] },
    },
    spec: {
      width: 300,
      height: 200,
      layer: [
        {
          mark: { type: 'point', size: 70, tooltip: true },
          encoding: {
            ...encoding,
            color: { field: 'front', type: 'nominal', title: null, scale: FRONT_COLORS },
            shape: { condition: { test: "datum.front == 'original'", value: 'diamond' }, value: 'circle' },
            fill: {
              condition: { test: "datum.front != 'beaten'", field: 'front', type: 'nominal', scale: FRONT_COLORS, legend: null },
              value: null,
            },
            tooltip: [{ field: 'label' }, { field: 'mseRatio', format: '.4~g' }, { field: 'verdict' }, { field: 'value', format: ',.4~g' }],
          },
        },
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  } as unknown as TopLevelSpec;
  return {
    id: 'compression-front',
    title: 'Error against stored size and latency',
    caption:
      "Each point is a configuration: the verdict test's MSE ratio of compact to original (geometric mean over seeds) against the median stored size of its weights (int8 or float16 where quantised, float32 otherwise) and its median latency on the measure's latency batch; log scales. Filled red: the Pareto front of its row (no configuration is at least as good on all three and better on one). Each row is one combination of what else the grid varies; fronts are never drawn across rows.",
    spec,
  };
}
