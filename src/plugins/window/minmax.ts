// MinMax scaling to [0, 1] and sliding windows, as in the paper. `fitOn` says which prices the
// scaler learns its min and max from:
//   train        — the training split only, applied to validation and test (leakage-free default);
//   per-dataset  — the paper's way: the training data and the test data each scaled by their own
//                  min/max (the test scaler sees the test period's range: a look-ahead leak).
import { z } from 'zod';
import { definePlugin } from '../../plugin/index.ts';
import { extrapolation, makeWindows, trainingTargets } from '../../plugin/kit/data.ts';

function minMax(values: ArrayLike<number>, from: number, to: number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = from; i < to; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  return { min, max };
}

function scaleWith(values: readonly number[], { min, max }: { min: number; max: number }): Float64Array {
  const range = max - min || 1;
  return Float64Array.from(values, (v) => (v - min) / range);
}

export default definePlugin({
  slot: 'window',
  name: 'minmax',
  description: 'MinMax scaling to [0, 1] and sliding windows (lookback → horizon).',
  options: z.strictObject({
    fitOn: z
      .enum(['train', 'per-dataset'])
      .default('train')
      .describe('train: fit on the training split (no leakage); per-dataset: as the paper'),
  }),
  run: (req, options) => {
    const { series, lookback, horizon } = req;
    const { firstTarget, firstValidationTarget: firstValTarget } = trainingTargets(req.train, lookback, horizon, req.validationSplit);
    const testInputsFrom = req.test.from - lookback - horizon + 1;

    // Prices each scaler is fitted on.
    const trainFit =
      options.fitOn === 'train'
        ? minMax(series.values, req.train.from, firstValTarget)
        : minMax(series.values, req.train.from, req.train.to);
    const testFit = options.fitOn === 'train' ? trainFit : minMax(series.values, testInputsFrom, req.test.to);

    const trainScaled = scaleWith(series.values, trainFit);
    const testScaled = testFit === trainFit ? trainScaled : scaleWith(series.values, testFit);
    const fits = { train: trainFit, validation: trainFit, test: testFit };

    const train = makeWindows(trainScaled, series.values, series.dates, firstTarget, firstValTarget, lookback, horizon);
    const test = makeWindows(testScaled, series.values, series.dates, req.test.from, req.test.to, lookback, horizon);
    return {
      lookback,
      features: 1,
      train,
      validation: makeWindows(trainScaled, series.values, series.dates, firstValTarget, req.train.to, lookback, horizon),
      test,
      toPrice: (scaled, split) => {
        const { min, max } = fits[split];
        const range = max - min || 1;
        return Float64Array.from(scaled, (v) => v * range + min);
      },
      scaler: { kind: 'minmax', fitOn: options.fitOn, train: trainFit, test: testFit, testInputs: extrapolation(train, test) },
    };
  },
});
