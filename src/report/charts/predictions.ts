// Figure 4: predicted against actual prices over the test period, zoomable, for each
// configuration the picker offers.
import type { PredictionRow } from '../load.ts';
import { MODEL_COLORS, type Chart } from './chart.ts';
import { pickedOnly, pickerNote, pickerParam, type Choice } from './picker.ts';

export function predictionsChart(choices: readonly Choice<PredictionRow[]>[], total = choices.length): Chart {
  const values = choices.flatMap(({ label, value: rows }) =>
    rows.flatMap((r) => [
      { date: r.date, series: 'actual', price: r.actual, choice: label },
      { date: r.date, series: 'original', price: r.original, choice: label },
      { date: r.date, series: 'compact', price: r.compact, choice: label },
    ]),
  );
  const picking = choices.length > 1;
  return {
    id: 'predictions',
    title: 'Figure 4 — predicted vs actual prices over the test period',
    caption: `Next-day forecasts of the original and the compact model against the actual price (${choices[0].label}). Drag to pan, scroll to zoom, click the legend to highlight a series.${pickerNote(choices.length, total)}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 760,
      height: 300,
      data: { values },
      params: [
        { name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' },
        { name: 'series_pick', select: { type: 'point', fields: ['series'] }, bind: 'legend' },
        ...(picking
          ? [
              pickerParam(
                'predictions_pick',
                choices.map((c) => c.label),
              ),
            ]
          : []),
      ],
      transform: picking ? [pickedOnly('predictions_pick')] : [],
      mark: { type: 'line', strokeWidth: 1.5, tooltip: true },
      encoding: {
        x: { field: 'date', type: 'temporal', title: 'date' },
        y: { field: 'price', type: 'quantitative', scale: { zero: false }, title: 'adjusted close' },
        color: { field: 'series', type: 'nominal', scale: MODEL_COLORS, title: null },
        opacity: { condition: { param: 'series_pick', value: 1 }, value: 0.15 },
      },
    },
  };
}
