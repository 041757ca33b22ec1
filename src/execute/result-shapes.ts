// What each stage returns, checked where it returns it: a wrong shape fails the run naming the
// plugin and the stage that produced it, in words, instead of surfacing later in another stage
// ("Cannot convert undefined or null to object", a short `y` blamed on the trainer, a null model
// crashing the worker as it is freed).
import type { LayersModel, WindowedData } from '../plugin/api.ts';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';

type Stage = 'window' | 'prune' | 'compact' | 'measure';

function shapeError(stage: Stage, plugin: string, what: string): RunexpError {
  return Object.assign(
    new RunexpError(ErrorCode.PLUGIN, `the ${stage} plugin returned ${what}`, `see the ${stage} slot's result type in runexp/plugin`),
    { stage, plugin },
  );
}

const isModel = (m: unknown): m is LayersModel =>
  typeof m === 'object' && m !== null && typeof (m as LayersModel).predict === 'function' && Array.isArray((m as LayersModel).layers);

/** `result.model` is a tfjs model (prune and compact results). */
export function requireModel(result: unknown, stage: 'prune' | 'compact', plugin: string): void {
  if (typeof result !== 'object' || result === null)
    throw shapeError(stage, plugin, `${result === null ? 'null' : typeof result} instead of an object with a model`);
  const model = (result as { model?: unknown }).model;
  if (!isModel(model))
    throw shapeError(
      stage,
      plugin,
      `a result whose model is ${model === null ? 'null' : typeof model === 'object' ? 'not a tfjs model' : typeof model}`,
    );
  if (stage === 'prune' && !Array.isArray((result as { layers?: unknown }).layers))
    throw shapeError(stage, plugin, 'a result without a layers list (what it pruned in which layer)');
}

/** Each split holds `count` windows of lookback × features values and `count` targets. */
export function requireWindows(data: WindowedData | null | undefined, plugin: string): void {
  if (typeof data !== 'object' || data === null)
    throw shapeError('window', plugin, `${data === null ? 'null' : typeof data} instead of windowed data`);
  for (const split of ['train', 'validation', 'test'] as const) {
    const set = data[split];
    if (!set || !Number.isInteger(set.count)) throw shapeError('window', plugin, `no ${split} windows (a set with x, y and count)`);
    const width = data.lookback * data.features;
    if (set.x?.length !== set.count * width)
      throw shapeError(
        'window',
        plugin,
        `${split}.x with ${set.x?.length ?? 0} values for ${set.count} windows of ${data.lookback} × ${data.features} (expected ${set.count * width})`,
      );
    if (set.y?.length !== set.count)
      throw shapeError('window', plugin, `${split}.y with ${set.y?.length ?? 0} targets for ${set.count} windows`);
  }
}

/** Reports for both models, and predictions of the same length as the actual prices. */
export function requireMeasurement(measured: unknown, plugin: string): void {
  const m = measured as {
    reports?: Record<string, unknown>;
    predictions?: { actual?: ArrayLike<number>; byModel?: Record<string, ArrayLike<number>> };
  } | null;
  if (typeof m !== 'object' || m === null)
    throw shapeError('measure', plugin, `${m === null ? 'null' : typeof m} instead of { reports, predictions }`);
  for (const model of ['original', 'compact']) {
    if (typeof m.reports?.[model] !== 'object' || m.reports[model] === null)
      throw shapeError('measure', plugin, `no report for the ${model} model (reports.${model})`);
    const predicted = m.predictions?.byModel?.[model];
    const expected = m.predictions?.actual?.length;
    if (typeof expected !== 'number') throw shapeError('measure', plugin, "no predictions.actual (the test period's prices)");
    if (!predicted || predicted.length !== expected)
      throw shapeError('measure', plugin, `${predicted?.length ?? 'no'} predictions for the ${model} model, for ${expected} test days`);
  }
}
