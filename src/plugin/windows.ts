// Sliding windows over a (scaled) series: the building block for window plugins.
import type { WindowSet } from './api.ts';

/**
 * Windows whose targets are at indices [fromTarget, toTarget): inputs are the `lookback` values
 * ending `horizon` days before each target.
 */
export function makeWindows(
  scaled: ArrayLike<number>,
  prices: ArrayLike<number>,
  dates: readonly string[],
  fromTarget: number,
  toTarget: number,
  lookback: number,
  horizon: number,
): WindowSet {
  const count = Math.max(0, toTarget - fromTarget);
  const x = new Float32Array(count * lookback);
  const y = new Float32Array(count);
  const targets = new Float64Array(count);
  const targetDates: string[] = [];
  for (let w = 0; w < count; w++) {
    const t = fromTarget + w;
    const start = t - horizon - lookback + 1;
    if (start < 0) throw new Error(`window for target ${t} starts before the series (index ${start})`);
    for (let k = 0; k < lookback; k++) x[w * lookback + k] = scaled[start + k];
    y[w] = scaled[t];
    targets[w] = prices[t];
    targetDates.push(dates[t]);
  }
  return { x, y, count, dates: targetDates, targets };
}

/** Number of windows with targets inside [from, to) whose inputs also lie inside it. */
export function windowCount(from: number, to: number, lookback: number, horizon: number): number {
  return Math.max(0, to - from - lookback - horizon + 1);
}

/** Training windows are split chronologically: the last `validationSplit` share validates. */
export function splitCounts(windows: number, validationSplit: number): { train: number; validation: number } {
  const validation = Math.ceil(windows * validationSplit);
  return { train: windows - validation, validation };
}

/**
 * Where the training segment's targets start and where the validation split's targets start:
 * the chronological split that window plugins, the grid checks and the baselines all share.
 */
export function trainingTargets(train: { from: number; to: number }, lookback: number, horizon: number, validationSplit: number) {
  const split = splitCounts(windowCount(train.from, train.to, lookback, horizon), validationSplit);
  const firstTarget = train.from + lookback + horizon - 1;
  return { ...split, firstTarget, firstValidationTarget: firstTarget + split.train };
}

/**
 * How far the test inputs reach outside the range the model was trained on: the range of the
 * training windows' inputs, of the test windows' inputs, and the share of test input values
 * outside the former. A model mostly predicting outside its training range extrapolates, and
 * conclusions drawn from it (about pruning, say) are confounded with that.
 */
export function extrapolation(
  train: WindowSet,
  test: WindowSet,
): { trainRange: [number, number]; testRange: [number, number]; outsideShare: number } {
  const range = (x: Float32Array): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of x) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi];
  };
  const trainRange = range(train.x);
  let outside = 0;
  for (const v of test.x) if (v < trainRange[0] || v > trainRange[1]) outside++;
  return { trainRange, testRange: range(test.x), outsideShare: test.x.length ? outside / test.x.length : 0 };
}
