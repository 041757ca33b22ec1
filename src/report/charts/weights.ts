// Figures 1 and 2: the pruned layer's weights before and after pruning, threshold marked.
import type { PrunedLayerWeights } from '../load.ts';
import type { Chart } from './chart.ts';

export interface Bin {
  start: number;
  end: number;
  count: number;
}

/** Equal-width histogram over `domain` (values outside are clamped into the end bins). */
export function histogram(values: readonly number[], bins: number, domain: [number, number]): Bin[] {
  const [lo, hi] = domain;
  const width = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]++;
  return counts.map((count, i) => ({ start: lo + i * width, end: lo + (i + 1) * width, count }));
}

function domainOf(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

const BINS = 80;

/** ±threshold lines, only where the layer was pruned by a |w| threshold (not at random, say). */
function magnitudeThreshold(layer: PrunedLayerWeights): number | null {
  return layer.threshold !== null && Number.isFinite(layer.threshold) && (layer.criterion ?? '|w|') === '|w|' ? layer.threshold : null;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Figure 1: the distribution before pruning and after, one panel each. The "after" panel draws
 * the kept weights only and names how many were set to 0: drawn, the pruned weights' spike at 0
 * (2,940 of 8,400 in the paper) flattens every other bar.
 */
export function weightsBeforeAfterChart(layer: PrunedLayerWeights, runLabel: string): Chart {
  const domain = domainOf(layer.before);
  const kept = layer.after.filter((v) => v !== 0);
  const pruned = layer.after.filter((v, i) => v === 0 && layer.before[i] !== 0).length;
  const before = `Before pruning: ${count(layer.before.length)} weights`;
  const after = `After pruning: ${count(kept.length)} kept (the ${count(pruned)} set to 0 are not drawn)`;
  const rows = [...histogram(layer.before, BINS, domain).map((b) => ({ ...b, stage: before })), ...histogram(kept, BINS, domain).map((b) => ({ ...b, stage: after }))];
  const threshold = magnitudeThreshold(layer);
  const rules = threshold === null ? [] : [{ t: -threshold }, { t: threshold }];
  return {
    id: `weights-${layer.layer}`,
    title: `Figure 1 — ${layer.layer} weight distribution before and after pruning`,
    caption: `Histogram of the ${layer.before.length.toLocaleString('en-US')} weights of layer "${layer.layer}" (${runLabel}); ${threshold === null ? `no |w| threshold (${layer.criterion ?? 'no criterion'} pruning)` : `red lines mark ±threshold (|w| = ${threshold.toPrecision(4)})`}; the lower panel shows the weights pruning kept, on the same axis.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values: rows },
      facet: { row: { field: 'stage', type: 'nominal', title: null, sort: [before, after], header: { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontSize: 12 } } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 640,
        height: 160,
        layer: [
          {
            mark: { type: 'bar', tooltip: true },
            encoding: {
              x: { field: 'start', type: 'quantitative', bin: { binned: true }, title: 'weight value' },
              x2: { field: 'end' },
              y: { field: 'count', type: 'quantitative', title: 'weights' },
              color: { value: '#1f77b4' },
            },
          },
          ...(rules.length
            ? [{ data: { values: rules }, mark: { type: 'rule' as const, color: '#d62728', strokeDash: [4, 3] }, encoding: { x: { field: 't', type: 'quantitative' as const } } }]
            : []),
        ],
      },
    },
  };
}

/** Figure 2: the original distribution split into weights kept and weights pruned. */
export function keptVersusPrunedChart(layer: PrunedLayerWeights, runLabel: string): Chart {
  const domain = domainOf(layer.before);
  const kept = layer.before.filter((_, i) => layer.after[i] !== 0);
  const pruned = layer.before.filter((_, i) => layer.after[i] === 0);
  const rows = [
    ...histogram(kept, BINS, domain).map((b) => ({ ...b, fate: `kept (${kept.length})` })),
    ...histogram(pruned, BINS, domain).map((b) => ({ ...b, fate: `pruned (${pruned.length})` })),
  ];
  return {
    id: `weights-${layer.layer}-fate`,
    title: `Figure 2 — which ${layer.layer} weights were kept`,
    caption: `The same weights before pruning, coloured by their fate (${runLabel}): magnitude pruning removes the band around zero.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 640,
      height: 220,
      data: { values: rows },
      params: [{ name: 'fate_pick', select: { type: 'point', fields: ['fate'] }, bind: 'legend' }],
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'start', type: 'quantitative', bin: { binned: true }, title: 'weight value (before pruning)' },
        x2: { field: 'end' },
        y: { field: 'count', type: 'quantitative', stack: true, title: 'weights' },
        color: { field: 'fate', type: 'nominal', scale: { range: ['#2ca02c', '#d62728'] }, title: null },
        opacity: { condition: { param: 'fate_pick', value: 1 }, value: 0.2 },
      },
    },
  };
}
