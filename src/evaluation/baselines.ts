// Baseline forecasts on exactly the test windows the models see, from the raw price series:
//   persistence  ŷ_t = y_{t−h}                                   ("tomorrow = today")
//   drift        ŷ_t = y_{t−h} + h · (mean daily change over the training segment)
//   linear       ridge regression on the same lookback window, fitted on the training split;
//                inputs and target are divided by the window's last price, so one model fits
//                every price level (closed form, no dependency). Its penalty λ is chosen on the
//                validation split (chooseRidge), as the network's early stopping is. With input
//                features it sees them too, over the same window and transformed as the model
//                sees them (standardised on the training windows): the same information.

import { featureValue, type FeatureColumn } from './feature-values.ts';

export interface BaselineRequest {
  values: readonly number[];
  /** Training segment [from, to) and the first target of the validation split. */
  train: { from: number; to: number; firstValidationTarget: number };
  test: { from: number; to: number };
  lookback: number;
  horizon: number;
  /** Ridge penalty, relative to the number of training windows (default 1e-4; see chooseRidge). */
  ridge?: number;
  /** The input features beside the price (the series' `features`), aligned with `values`. */
  features?: readonly FeatureColumn[];
  /** Which targets have a window (intraday: within its session, sessions.ts); all when absent. */
  keep?: (t: number) => boolean;
}

export type BaselineName = 'persistence' | 'drift' | 'linear';
export const BASELINES: readonly BaselineName[] = ['persistence', 'drift', 'linear'];

export function baselineForecasts(req: BaselineRequest): Record<BaselineName, number[]> {
  const { values, lookback, horizon } = req;
  const targets = Array.from({ length: req.test.to - req.test.from }, (_, i) => req.test.from + i).filter(req.keep ?? (() => true));
  const last = (t: number) => values[t - horizon];
  const slope = (values[req.train.to - 1] - values[req.train.from]) / (req.train.to - req.train.from - 1);
  const rows = ridgeRows(req);
  const weights = fitRelativeRidge(req, rows);
  const linear = (t: number) => ridgePrediction(weights, rows, values[t - horizon], t, lookback);
  return {
    persistence: targets.map(last),
    drift: targets.map((t) => last(t) + horizon * slope),
    linear: targets.map(linear),
  };
}

/** The ridge model's price forecast for target t: its row's prediction (relative), times the last price. */
function ridgePrediction(weights: readonly number[], rows: (t: number) => number[], anchor: number, t: number, lookback: number): number {
  const row = rows(t);
  // The intercept first, then the inputs in order: the sum as it has always been added up.
  let y = weights[lookback];
  for (let i = 0; i < row.length; i++) if (i !== lookback) y += weights[i] * row[i];
  return y * anchor;
}

/**
 * The ridge model's inputs for target t: the window over its last price, an intercept, and each
 * feature over the same window, standardised with its mean and spread over the training windows.
 */
function ridgeRows(req: Omit<BaselineRequest, 'test' | 'ridge'>): (t: number) => number[] {
  const { values, lookback, horizon } = req;
  const features = req.features ?? [];
  const start = (t: number) => t - horizon - lookback + 1;
  const first = req.train.from + lookback + horizon - 1;
  const scales = features.map((f) => {
    const xs: number[] = [];
    for (let t = first; t < req.train.firstValidationTarget; t++) for (let k = 0; k < lookback; k++) xs.push(featureValue(f, start(t) + k));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length) || 1;
    return { mean, sd };
  });
  return (t) => {
    const anchor = values[t - horizon];
    const row = [...Array.from({ length: lookback }, (_, k) => values[start(t) + k] / anchor), 1];
    features.forEach((f, j) => {
      for (let k = 0; k < lookback; k++) row.push((featureValue(f, start(t) + k) - scales[j].mean) / scales[j].sd);
    });
    return row;
  };
}

/**
 * Relative penalties chooseRidge tries, 1e-8 … 10 times the number of windows. Never 0: the
 * window's last price over itself is always 1, the same column as the intercept.
 */
export const RIDGE_CANDIDATES = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10] as const;

/**
 * The relative ridge penalty with the smallest MSE (in prices) on the validation split's targets,
 * fitted on the training split: the baseline gets the same tuning data the network's early
 * stopping gets, and never sees the test period.
 */
export function chooseRidge(req: Omit<BaselineRequest, 'test' | 'ridge'>): { ridge: number; validationMse: number } {
  const { values, horizon } = req;
  const rows = ridgeRows(req);
  let best = { ridge: 1e-4, validationMse: Infinity };
  for (const ridge of RIDGE_CANDIDATES) {
    const weights = fitRelativeRidge({ ...req, ridge, test: { from: 0, to: 0 } }, rows);
    let sum = 0;
    let n = 0;
    for (let t = req.train.firstValidationTarget; t < req.train.to; t++) {
      if (req.keep && !req.keep(t)) continue;
      sum += (values[t] - ridgePrediction(weights, rows, values[t - horizon], t, req.lookback)) ** 2;
      n++;
    }
    const mse = sum / n;
    if (mse < best.validationMse) best = { ridge, validationMse: mse };
  }
  return best;
}

/** Ridge regression of y_t / y_{t−h} on the rows (the window / y_{t−h}, features), over the training split's targets. */
function fitRelativeRidge(req: BaselineRequest, rows: (t: number) => number[]): number[] {
  const { values, lookback, horizon } = req;
  const first = req.train.from + lookback + horizon - 1;
  const p = rows(first).length;
  const xtx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xty = new Array<number>(p).fill(0);
  let n = 0;
  for (let t = first; t < req.train.firstValidationTarget; t++) {
    if (req.keep && !req.keep(t)) continue;
    const row = rows(t);
    const y = values[t] / values[t - horizon];
    for (let i = 0; i < p; i++) {
      xty[i] += row[i] * y;
      for (let j = 0; j < p; j++) xtx[i][j] += row[i] * row[j];
    }
    n++;
  }
  const lambda = (req.ridge ?? 1e-4) * n;
  // Every weight but the intercept (column `lookback`) is penalised.
  for (let i = 0; i < p; i++) if (i !== lookback) xtx[i][i] += lambda;
  return solve(xtx, xty);
}

/** Solves A x = b by Gaussian elimination with partial pivoting. */
export function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    if (Math.abs(m[col][col]) < 1e-300) throw new Error('singular system in the linear baseline');
    for (let r = col + 1; r < n; r++) {
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let c = r + 1; c < n; c++) s -= m[r][c] * x[c];
    x[r] = s / m[r][r];
  }
  return x;
}
