// Adjusting p-values for the number of comparisons in one report: Holm (1979), which controls the
// family-wise error rate, and Benjamini–Hochberg (1995), which controls the false discovery rate.
// NaN p-values (tests that could not be run) are left out of the family and stay NaN.

function adjust(pValues: readonly number[], step: (sortedP: number[]) => number[]): number[] {
  const tested = pValues.map((p, i) => ({ p, i })).filter(({ p }) => !Number.isNaN(p));
  tested.sort((a, b) => a.p - b.p);
  const adjusted = step(tested.map(({ p }) => p));
  const out = pValues.map(() => NaN);
  tested.forEach(({ i }, rank) => (out[i] = adjusted[rank]));
  return out;
}

/** Holm's step-down adjustment: p_(k) · (m − k + 1), made monotone from the smallest up, capped at 1. */
export function holm(pValues: readonly number[]): number[] {
  return adjust(pValues, (sorted) => {
    const m = sorted.length;
    let running = 0;
    return sorted.map((p, k) => (running = Math.min(1, Math.max(running, p * (m - k)))));
  });
}

/** Benjamini–Hochberg step-up adjustment: p_(k) · m / k, made monotone from the largest down, capped at 1. */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  return adjust(pValues, (sorted) => {
    const m = sorted.length;
    const out = new Array<number>(m);
    let running = 1;
    for (let k = m - 1; k >= 0; k--) out[k] = running = Math.min(running, (sorted[k] * m) / (k + 1));
    return out;
  });
}
