// The data plugins exchange: a price series, and the scaled windows cut from it. Plain data.

/** A daily price series, oldest first. Plain data. */
export interface Series {
  ticker: string;
  dates: string[];
  values: number[];
  /** sha256 of the bytes the series was read from (or of its canonical JSON). */
  checksum: string;
  /** Where it came from, e.g. "snapshot:data/snapshot/SPY.csv" or "yahoo (cached 2026-11-27)". */
  source: string;
  /**
   * Input features beside the price, aligned with `dates` (the spec's `data.features`, joined by
   * core): each becomes one more input channel after the window plugin has cut the price's.
   */
  features?: SeriesFeature[];
}

/** One more input column of a series (data.features), aligned with its dates. */
export interface SeriesFeature {
  /** e.g. "^VIX Adj Close", "SPY Volume". */
  name: string;
  transform: 'level' | 'return' | 'log-return' | 'log';
  values: number[];
}

/** A set of windows: `x` holds `count × lookback × features` values, `y` holds `count` targets. */
export interface WindowSet {
  x: Float32Array;
  y: Float32Array;
  count: number;
  /** The unscaled price of each target, for metrics in price units. */
  targets: Float64Array;
  /** The date of each target. */
  dates: string[];
}

/** What a window plugin is given: the series, the split, the lookback and horizon. */
export interface WindowRequest {
  series: Series;
  /** Index range [from, to) of the training segment (training + validation split) in the series. */
  train: { from: number; to: number };
  /** Index range [from, to) of the test targets; their input windows may reach back before `from`. */
  test: { from: number; to: number };
  lookback: number;
  horizon: number;
  validationSplit: number;
}

/**
 * A series cut into scaled windows and targets for training, validation and test, with what turns
 * predictions back into prices.
 */
export interface WindowedData {
  lookback: number;
  features: number;
  train: WindowSet;
  validation: WindowSet;
  test: WindowSet;
  /** Maps model outputs (scaled) back to prices for a split. */
  toPrice(scaled: ArrayLike<number>, split: 'train' | 'validation' | 'test'): Float64Array;
  /** Plain description of the scaling, stored with every result (e.g. {kind, fitOn, min, max}). */
  scaler: Record<string, unknown>;
}
