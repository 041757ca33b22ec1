// Direction of change: does a forecast say correctly whether the price goes up or down? A forecast
// of no change says nothing about direction, so those days are left out, and a forecast that never
// moves (persistence) has no directional accuracy at all (null, shown as n/a) rather than 0.
import { normalUpperTail } from './distributions.ts';

export interface DirectionResult {
  /** Hits among the days where the forecast moved; null when it never moved. */
  accuracy: number | null;
  /** Days where the forecast and the price both moved (predicted ≠ last known price ≠ actual). */
  days: number;
  /** Pesaran–Timmermann (1992) test that forecast and actual directions are independent. */
  pesaranTimmermann: { statistic: number; pValue: number } | null;
}

/**
 * Directional accuracy and the Pesaran–Timmermann test, over the days where both the forecast
 * and the price moved (a day without a price move is neither up nor down, so it cannot be called
 * right or wrong; the two outcomes must be binary).
 * PT's statistic is (P − P*) / √(V(P) − V(P*)) with P the hit rate, P* the hit rate expected if the
 * two directions were independent, and is standard normal under independence; the p-value is
 * one-sided (better than chance). With no variation in either direction the test is undefined (null).
 */
export function direction(predicted: ArrayLike<number>, actual: ArrayLike<number>, previous: ArrayLike<number>): DirectionResult {
  let n = 0;
  let hits = 0;
  let predictedUp = 0;
  let actualUp = 0;
  for (let i = 0; i < actual.length; i++) {
    const move = Math.sign(predicted[i] - previous[i]);
    const truth = Math.sign(actual[i] - previous[i]);
    if (move === 0 || truth === 0) continue;
    n++;
    if (move === truth) hits++;
    if (move > 0) predictedUp++;
    if (truth > 0) actualUp++;
  }
  if (n === 0) return { accuracy: null, days: 0, pesaranTimmermann: null };
  const p = hits / n;
  const px = predictedUp / n;
  const py = actualUp / n;
  const pStar = py * px + (1 - py) * (1 - px);
  const varP = (pStar * (1 - pStar)) / n;
  const varPStar =
    ((2 * py - 1) ** 2 * px * (1 - px)) / n + ((2 * px - 1) ** 2 * py * (1 - py)) / n + (4 * py * px * (1 - py) * (1 - px)) / n ** 2;
  const spread = varP - varPStar;
  if (!(spread > 0)) return { accuracy: p, days: n, pesaranTimmermann: null };
  const statistic = (p - pStar) / Math.sqrt(spread);
  return { accuracy: p, days: n, pesaranTimmermann: { statistic, pValue: normalUpperTail(statistic) } };
}
