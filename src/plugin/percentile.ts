// Percentiles with linear interpolation between order statistics — numpy.percentile's default,
// which is what the paper's P35(|W|) refers to.

/**
 * The p-th percentile (0–100) of the values, interpolating linearly between order statistics as
 * numpy.percentile does (the paper's P35(|W|)).
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) throw new Error('percentile of an empty set');
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile must be in [0, 100], got ${p}`);
  const sorted = Float64Array.from(values).sort();
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}
