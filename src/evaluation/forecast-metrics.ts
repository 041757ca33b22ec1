// Forecast quality beyond MSE/MAE/R²: scaled errors, skill against the naive forecast, errors
// on returns, and direction. All on prices, for models and baselines alike.
import { z } from 'zod';
import { mae, mse, r2, rmse } from '../plugin/metrics.ts';
import { jsonNumber } from '../plugin/model-report.ts';
import { direction } from './direction.ts';

export const forecastScoresSchema = z.object({
  mse: jsonNumber,
  rmse: jsonNumber,
  mae: jsonNumber,
  r2: jsonNumber,
  /** MAE divided by the in-sample MAE of the one-step naive forecast (Hyndman & Koehler). */
  mase: jsonNumber,
  /** 1 − MSE / MSE of persistence on the same targets; > 0 means better than "tomorrow = today". */
  skill: jsonNumber,
  /** Errors on simple returns: predicted return ŷ_t / y_{t−h} − 1 against the actual return. */
  returnMse: jsonNumber,
  returnMae: jsonNumber,
  /**
   * Share of the targets where the forecast moved (up or down from y_{t−h}) on which it moved the
   * way the price did; null for a forecast that never moves (persistence), which says nothing about
   * direction. (Records before issue 12 counted a no-change forecast as a miss.)
   */
  directionalAccuracy: jsonNumber.nullable(),
  /** Pesaran–Timmermann test of direction against chance (one-sided); null where undefined. */
  pesaranTimmermann: z.object({ statistic: jsonNumber, pValue: jsonNumber }).nullable().optional(),
});

export type ForecastScores = z.output<typeof forecastScoresSchema>;

export interface ScoringContext {
  actual: ArrayLike<number>;
  /** The last known price before each target, y_{t−h} (what persistence predicts). */
  previous: ArrayLike<number>;
  /** Mean absolute one-step change over the training segment (MASE's scale). */
  naiveScale: number;
}

/** Mean |y_t − y_{t−1}| over a segment of the series: the in-sample naive MAE. */
export function naiveScale(values: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let i = from + 1; i < to; i++) sum += Math.abs(values[i] - values[i - 1]);
  return sum / (to - from - 1);
}

/** Share of up moves among the targets: the base rate directional accuracy must beat. */
export function upDayRate(actual: ArrayLike<number>, previous: ArrayLike<number>): number {
  let ups = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] > previous[i]) ups++;
  return ups / actual.length;
}

export function scoreForecast(predicted: ArrayLike<number>, ctx: ScoringContext): ForecastScores {
  const { actual, previous } = ctx;
  const n = actual.length;
  const actualReturns = Array.from({ length: n }, (_, i) => actual[i] / previous[i] - 1);
  const predictedReturns = Array.from({ length: n }, (_, i) => predicted[i] / previous[i] - 1);
  const moves = direction(predicted, actual, previous);
  const modelMse = mse(actual, predicted);
  return {
    mse: modelMse,
    rmse: rmse(actual, predicted),
    mae: mae(actual, predicted),
    r2: r2(actual, predicted),
    mase: mae(actual, predicted) / ctx.naiveScale,
    skill: 1 - modelMse / mse(actual, previous),
    returnMse: mse(actualReturns, predictedReturns),
    returnMae: mae(actualReturns, predictedReturns),
    directionalAccuracy: moves.accuracy,
    pesaranTimmermann: moves.pesaranTimmermann,
  };
}
