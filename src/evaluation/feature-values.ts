// What a model (and the ridge baseline) sees of an input feature at one index of the series: its
// level, return, log-return or log (the spec's `transform`). Shared by the feature channels
// (execute/feature-channels.ts) and the ridge baseline (baselines.ts).
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import type { SeriesFeature } from '../plugin/api.ts';

export type FeatureColumn = Pick<SeriesFeature, 'name' | 'transform' | 'values'>;

export function featureValue(feature: FeatureColumn, i: number): number {
  const v = feature.values;
  if (feature.transform === 'level') return v[i];
  if (feature.transform === 'log') return Math.log(v[i]);
  if (i < 1)
    throw new RunexpError(
      ErrorCode.DATA,
      `the feature ${feature.name} (${feature.transform}) needs a value before the first window's first day`,
      'use fewer training days, or transform: level',
    );
  return feature.transform === 'return' ? v[i] / v[i - 1] - 1 : Math.log(v[i] / v[i - 1]);
}
