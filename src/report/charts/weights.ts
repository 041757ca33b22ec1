// Figures 1 and 2: the pruned layer's weights before and after pruning, threshold marked.
import type { PrunedLayerWeights } from '../load.ts';
import { chartId, type Chart } from './chart.ts';
import { pickedOnly, pickerNote, pickerParam, type Choice } from './picker.ts';

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

/** The rows of Figure 1 for one choice: both panels' bins, and the panels' titles with their counts. */
function beforeAfterRows(layer: PrunedLayerWeights, choice: string) {
  const domain = domainOf(layer.before);
  const kept = layer.after.filter((v) => v !== 0);
  const pruned = layer.after.filter((v, i) => v === 0 && layer.before[i] !== 0).length;
  const before = `Before pruning: ${count(layer.before.length)} weights`;
  const after = `After pruning: ${count(kept.length)} kept (the ${count(pruned)} set to 0 are not drawn)`;
  return [
    ...histogram(layer.before, BINS, domain).map((b) => ({ ...b, stage: before, order: 0, choice })),
    ...histogram(kept, BINS, domain).map((b) => ({ ...b, stage: after, order: 1, choice })),
  ];
}

const thresholdNote = (layer: PrunedLayerWeights) => {
  const threshold = magnitudeThreshold(layer);
  return threshold === null
    ? `no |w| threshold (${layer.criterion ?? 'no criterion'} pruning)`
    : `red lines mark ±threshold (|w| = ${threshold.toPrecision(4)})`;
};

/**
 * Figure 1: the distribution before pruning and after, one panel each, for each configuration the
 * picker offers. The "after" panel draws the kept weights only and names how many were set to 0:
 * drawn, the pruned weights' spike at 0 (2,940 of 8,400 in the paper) flattens every other bar.
 */
export function weightsBeforeAfterChart(layerName: string, choices: readonly Choice<PrunedLayerWeights>[], total = choices.length): Chart {
  const rows = choices.flatMap((c) => beforeAfterRows(c.value, c.label));
  const rules = choices.flatMap((c) => {
    const t = magnitudeThreshold(c.value);
    return t === null
      ? []
      : [
          { t: -t, choice: c.label },
          { t, choice: c.label },
        ];
  });
  const first = choices[0].value;
  return {
    id: chartId('weights', layerName),
    title: `Figure 1 — ${layerName} weight distribution before and after pruning`,
    caption: `Histogram of the ${first.before.length.toLocaleString('en-US')} weights of layer "${layerName}" (${choices[0].label}: ${thresholdNote(first)}); the lower panel shows the weights pruning kept, on the same axis.${pickerNote(choices.length, total)}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values: rows },
      params:
        choices.length > 1
          ? [
              pickerParam(
                'weights_pick',
                choices.map((c) => c.label),
              ),
            ]
          : [],
      transform: choices.length > 1 ? [pickedOnly('weights_pick')] : [],
      facet: {
        row: {
          field: 'stage',
          type: 'nominal',
          title: null,
          sort: { field: 'order' },
          header: { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontSize: 12 },
        },
      },
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
            ? [
                {
                  data: { values: rules },
                  transform: choices.length > 1 ? [pickedOnly('weights_pick')] : [],
                  mark: { type: 'rule' as const, color: '#d62728', strokeDash: [4, 3] },
                  encoding: { x: { field: 't', type: 'quantitative' as const } },
                },
              ]
            : []),
        ],
      },
    },
  };
}

/** Figure 2: the original distribution split into weights kept and weights pruned, per configuration picked. */
export function keptVersusPrunedChart(layerName: string, choices: readonly Choice<PrunedLayerWeights>[], total = choices.length): Chart {
  const rows = choices.flatMap(({ label, value: layer }) => {
    const domain = domainOf(layer.before);
    const kept = layer.before.filter((_, i) => layer.after[i] !== 0);
    const pruned = layer.before.filter((_, i) => layer.after[i] === 0);
    return [
      ...histogram(kept, BINS, domain).map((b) => ({ ...b, fate: 'kept', weights: kept.length, choice: label })),
      ...histogram(pruned, BINS, domain).map((b) => ({ ...b, fate: 'pruned', weights: pruned.length, choice: label })),
    ];
  });
  return {
    id: chartId('weights', layerName, 'fate'),
    title: `Figure 2 — which ${layerName} weights were kept`,
    caption: `The same weights before pruning, coloured by their fate (${choices[0].label}): magnitude pruning removes the band around zero.${pickerNote(choices.length, total)}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 640,
      height: 220,
      data: { values: rows },
      params: [
        { name: 'fate_pick', select: { type: 'point', fields: ['fate'] }, bind: 'legend' },
        ...(choices.length > 1
          ? [
              pickerParam(
                'fate_config_pick',
                choices.map((c) => c.label),
              ),
            ]
          : []),
      ],
      transform: choices.length > 1 ? [pickedOnly('fate_config_pick')] : [],
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'start', type: 'quantitative', bin: { binned: true }, title: 'weight value (before pruning)' },
        x2: { field: 'end' },
        y: { field: 'count', type: 'quantitative', stack: true, title: 'weights' },
        color: { field: 'fate', type: 'nominal', scale: { domain: ['kept', 'pruned'], range: ['#2ca02c', '#d62728'] }, title: null },
        opacity: { condition: { param: 'fate_pick', value: 1 }, value: 0.2 },
        tooltip: [
          { field: 'fate' },
          { field: 'weights', title: 'weights in all' },
          { field: 'count', title: 'in this bin' },
          { field: 'start', format: '.4~g' },
        ],
      },
    },
  };
}
