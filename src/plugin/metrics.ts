// Forecast error metrics on prices. Inputs are equal-length arrays of actual and predicted values.

function check(actual: ArrayLike<number>, predicted: ArrayLike<number>): void {
  if (actual.length !== predicted.length) throw new Error(`metric inputs differ in length: ${actual.length} vs ${predicted.length}`);
  if (actual.length === 0) throw new Error('metric inputs are empty');
}

/** Mean squared error of a forecast. */
export function mse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check(actual, predicted);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += (actual[i] - predicted[i]) ** 2;
  return sum / actual.length;
}

/** Root mean squared error of a forecast. */
export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  return Math.sqrt(mse(actual, predicted));
}

/** Mean absolute error of a forecast. */
export function mae(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check(actual, predicted);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i] - predicted[i]);
  return sum / actual.length;
}

/** Coefficient of determination, 1 − SS_res / SS_tot (as scikit-learn's r2_score). */
export function r2(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check(actual, predicted);
  let mean = 0;
  for (let i = 0; i < actual.length; i++) mean += actual[i];
  mean /= actual.length;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < actual.length; i++) {
    res += (actual[i] - predicted[i]) ** 2;
    tot += (actual[i] - mean) ** 2;
  }
  return tot === 0 ? (res === 0 ? 1 : 0) : 1 - res / tot;
}
