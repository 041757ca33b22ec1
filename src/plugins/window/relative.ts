// Windows in a relative representation: the paper's network, fed something other than price
// levels. Prices only enter as ratios to a known price, so a model trained on 2016–2020 sees test
// inputs in the range it learned from, instead of levels it never saw. Each representation says
// what one window's inputs and target are, and how a model output maps back to a price; this file
// cuts the windows, MinMax-scales them with the range of the training split's windows (inputs and
// targets together, so a ReLU output can reach every target), and maps predictions back to prices,
// so every metric stays comparable with the price-level models.
import { extrapolation, trainingTargets } from '../../plugin/kit/data.ts';
import type { Series, WindowedData, WindowRequest, WindowSet } from '../../plugin/index.ts';

export interface Representation {
  kind: string;
  /** The `lookback` inputs of the window whose target is at index t (its last known price is at t − horizon). */
  inputs(prices: readonly number[], t: number, lookback: number, horizon: number): number[];
  target(prices: readonly number[], t: number, horizon: number): number;
  /** The price a model output means, given the last known price. */
  toPrice(value: number, lastKnown: number): number;
  /** The earliest index a window's inputs reach back to, for a window starting at `start`. */
  reachesBack: number;
}

interface RawSet {
  x: number[][];
  y: number[];
  anchors: number[];
  targets: number[];
  dates: string[];
}

function cut(series: Series, rep: Representation, from: number, to: number, lookback: number, horizon: number): RawSet {
  const set: RawSet = { x: [], y: [], anchors: [], targets: [], dates: [] };
  for (let t = from; t < to; t++) {
    const start = t - horizon - lookback + 1;
    if (start - rep.reachesBack < 0) {
      throw new Error(
        `the ${rep.kind} representation needs ${rep.reachesBack} price(s) before each window, and the window for ${series.dates[t]} starts at the first price of ${series.ticker}; use fewer training days or a later test.end`,
      );
    }
    set.x.push(rep.inputs(series.values, t, lookback, horizon));
    set.y.push(rep.target(series.values, t, horizon));
    set.anchors.push(series.values[t - horizon]);
    set.targets.push(series.values[t]);
    set.dates.push(series.dates[t]);
  }
  return set;
}

export function relativeWindows(req: WindowRequest, rep: Representation): WindowedData {
  const { series, lookback, horizon } = req;
  const { firstTarget, firstValidationTarget } = trainingTargets(req.train, lookback, horizon, req.validationSplit);
  const raw = {
    train: cut(series, rep, firstTarget, firstValidationTarget, lookback, horizon),
    validation: cut(series, rep, firstValidationTarget, req.train.to, lookback, horizon),
    test: cut(series, rep, req.test.from, req.test.to, lookback, horizon),
  };
  // The scaler learns from the training split only: validation and test never shape it.
  let min = Infinity;
  let max = -Infinity;
  for (const v of [...raw.train.x.flat(), ...raw.train.y]) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min || 1;
  const scale = (v: number) => (v - min) / range;
  const windows = (set: RawSet): WindowSet => ({
    x: Float32Array.from(set.x.flat(), scale),
    y: Float32Array.from(set.y, scale),
    count: set.y.length,
    targets: Float64Array.from(set.targets),
    dates: set.dates,
  });
  const data = { train: windows(raw.train), validation: windows(raw.validation), test: windows(raw.test) };
  return {
    lookback,
    features: 1,
    ...data,
    toPrice: (scaled, split) => Float64Array.from(scaled, (v, i) => rep.toPrice(v * range + min, raw[split].anchors[i])),
    scaler: { kind: rep.kind, fitOn: 'train', min, max, testInputs: extrapolation(data.train, data.test) },
  };
}
