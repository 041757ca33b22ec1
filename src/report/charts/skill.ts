// Skill against the naive forecast across the grid: for every configuration, 1 − MSE/MSE_naive
// of both models (mean and 95% interval over seeds) and of the drift and linear baselines.
// Left of the zero line means worse than "tomorrow = today".
import type { TopLevelSpec } from 'vega-lite';
import { arithmeticSummary } from '../../evaluation/seed-summary.ts';
import { groupBy } from '../aggregate.ts';
import { MODELS, type OkRecord } from '../load.ts';
import type { Chart } from './chart.ts';

/**
 * Ticks for the symlog axis: 0 and ±powers of ten inside the data. Vega's own ticks on a symlog
 * scale crowd the far end ("−600−250−150" printed over each other); decades are evenly spaced.
 * Data within ±10 lies mostly in the scale's linear part, where vega's ticks do not crowd.
 */
export function symlogTicks(lo: number, hi: number): number[] | undefined {
  if (Math.max(-lo, hi) < 10) return undefined;
  const ticks = [0];
  for (let p = 1; p <= -lo; p *= 10) ticks.unshift(-p);
  for (let p = 1; p <= hi; p *= 10) ticks.push(p);
  return ticks;
}

export function skillChart(runs: readonly OkRecord[], configLabel: (run: OkRecord) => string, configKey: (run: OkRecord) => string): Chart {
  const rows = [...groupBy(runs, configKey).values()].flatMap((group) => {
    const config = configLabel(group[0]);
    const models = MODELS.map((m) => ({ config, forecast: m, ...arithmeticSummary(group.map((r) => r.forecast[m].skill)) }));
    const baselines = (['drift', 'linear'] as const).map((b) => ({
      config,
      forecast: `${b} (baseline)`,
      ...arithmeticSummary([group[0].baselines[b].skill]),
    }));
    return [...models, ...baselines];
  });
  const configs = [...new Set(rows.map((r) => r.config))];
  const values = rows.flatMap((r) => [r.lo, r.mean, r.hi]).filter(Number.isFinite);
  const ticks = symlogTicks(Math.min(0, ...values), Math.max(0, ...values));
  // Shared by the point and interval layers (not the zero line, which has no configuration).
  const byConfig = {
    y: { field: 'config', type: 'nominal', sort: configs, title: null, axis: { labelLimit: 420 } },
    yOffset: { field: 'forecast', type: 'nominal' },
    color: {
      field: 'forecast',
      type: 'nominal',
      scale: {
        domain: ['original', 'compact', 'drift (baseline)', 'linear (baseline)'],
        range: ['#1f77b4', '#ff7f0e', '#8c8c8c', '#2ca02c'],
      },
      title: null,
    },
    opacity: { condition: { param: 'skill_pick', value: 1, empty: true }, value: 0.15 },
  };
  return {
    id: 'skill',
    title: 'Skill against the naive forecast, across the grid',
    caption:
      'Skill = 1 − MSE / MSE of persistence ("tomorrow = today") on the same test days; 0 is persistence, below 0 is worse. Models: mean and 95% t interval over seeds (none with one seed); baselines need no seed.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 560,
      height: { step: 16 },
      data: { values: rows },
      layer: [
        {
          mark: { type: 'rule', color: '#999' },
          data: { values: [{ zero: 0 }] },
          encoding: { x: { field: 'zero', type: 'quantitative' } },
        },
        {
          params: [{ name: 'skill_pick', select: { type: 'point', fields: ['forecast'] }, bind: 'legend' }],
          mark: { type: 'point', filled: true, size: 60, tooltip: true },
          // symlog: linear near 0 (where useful models live), logarithmic for the far-off failures.
          encoding: {
            ...byConfig,
            x: {
              field: 'mean',
              type: 'quantitative',
              title: 'skill vs persistence (symlog scale)',
              scale: { type: 'symlog' },
              axis: { ...(ticks ? { values: ticks } : {}), labelOverlap: 'greedy' },
            },
          },
        },
        {
          mark: { type: 'rule', strokeWidth: 2 },
          encoding: { ...byConfig, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } },
        },
      ],
    } as unknown as TopLevelSpec,
  };
}
