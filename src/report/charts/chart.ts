// What every report chart is: an id (file name), a title, a one-line caption, a Vega-Lite spec.
import type { TopLevelSpec } from 'vega-lite';
import type { OkRecord } from '../load.ts';

export interface Chart {
  /** Letters, digits, '.', '_' and '-' only (chartId): it names an HTML element and two files. */
  id: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

/**
 * A chart id from its parts: anything but letters, digits, '.', '_' and '-' becomes '-'. A weight's
 * label has a space ("lstm recurrentKernel"), and an element id with a space cannot be selected:
 * that chart was never drawn on the page.
 */
export const chartId = (...parts: string[]): string => parts.join('-').replace(/[^A-Za-z0-9._-]+/g, '-');

export const MODEL_COLORS = {
  domain: ['actual', 'original', 'compact'],
  range: ['#333333', '#1f77b4', '#ff7f0e'],
};

/** Colours for charts that show the two models only. */
export const MODEL_SCALE = { domain: ['original', 'compact'], range: ['#1f77b4', '#ff7f0e'] };

/** Mean and 95% interval rows, shared by the charts that aggregate over seeds. */
export interface AggregateRow {
  x: string | number;
  model: string;
  metric: string;
  mean: number;
  lo: number;
  hi: number;
  n: number;
  [key: string]: string | number;
}

/** Something a grid varies, to draw a metric against. */
export interface Axis {
  key: string;
  label: string;
  type: 'quantitative' | 'nominal' | 'ordinal';
  get(run: OkRecord): string | number | undefined;
  /** The run parameters (flattened, `slot.option`) this axis draws: every other varying one is a series of its own. */
  params: string[];
}
