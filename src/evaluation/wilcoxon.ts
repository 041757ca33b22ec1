// The Wilcoxon signed-rank test of paired samples: which of two models is better across seeds,
// without assuming the differences are normal (MSEs across seeds are skewed). Close to
// scipy.stats.wilcoxon's defaults (scipy 1.17): zero differences dropped ('wilcox'), ties given
// average ranks, and the normal approximation with the tie correction and no continuity
// correction above 50 pairs. One deliberate difference: with ties or zeros and up to 50 pairs,
// scipy switches to the normal approximation, while this uses the exact null distribution of the
// tied ranks' sign patterns (more accurate at the 3–50 seeds a grid has). Pairs that are all
// equal give p = 1, as scipy's.
import { normalTwoSided } from './distributions.ts';

export interface WilcoxonResult {
  /** min(W+, W−): the smaller of the rank sums of positive and negative differences. */
  statistic: number;
  /** Sum of the ranks of the positive differences (a − b > 0). */
  positiveRankSum: number;
  pValue: number;
  /** Pairs with a non-zero difference. */
  n: number;
  method: 'exact' | 'normal';
}

/** Average ranks (1-based) of |d|, and whether any value is tied. */
function ranks(values: readonly number[]): { rank: number[]; ties: number[] } {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const rank = new Array<number>(values.length);
  const ties: number[] = [];
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && order[end].v === order[start].v) end++;
    for (let k = start; k < end; k++) rank[order[k].i] = (start + 1 + end) / 2;
    if (end - start > 1) ties.push(end - start);
    start = end;
  }
  return { rank, ties };
}

/**
 * P(W+ ≤ w) under the null: every sign pattern of the given ranks is equally likely. Ranks are
 * whole or half numbers, so doubled they index an array of counts by rank sum.
 */
function exactCdf(w: number, rank: readonly number[]): number {
  const doubled = rank.map((r) => Math.round(2 * r));
  const max = doubled.reduce((a, b) => a + b, 0);
  let counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (const r of doubled) {
    const next = counts.slice();
    for (let s = r; s <= max; s++) next[s] += counts[s - r];
    counts = next;
  }
  let below = 0;
  for (let s = 0; s <= Math.round(2 * w); s++) below += counts[s];
  return below / 2 ** rank.length;
}

/** Two-sided Wilcoxon signed-rank test of a − b; `method` forces the exact or the normal null. */
export function wilcoxonSignedRank(
  a: readonly number[],
  b: readonly number[],
  method: 'auto' | 'exact' | 'normal' = 'auto',
): WilcoxonResult {
  if (a.length !== b.length) throw new Error('Wilcoxon: samples differ in length');
  const d = a.map((x, i) => x - b[i]).filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return { statistic: 0, positiveRankSum: 0, pValue: a.length === 0 ? NaN : 1, n, method: 'exact' };
  const { rank, ties } = ranks(d.map(Math.abs));
  const positiveRankSum = d.reduce((s, x, i) => s + (x > 0 ? rank[i] : 0), 0);
  const statistic = Math.min(positiveRankSum, (n * (n + 1)) / 2 - positiveRankSum);
  if (method === 'exact' || (method === 'auto' && n <= 50)) {
    return { statistic, positiveRankSum, pValue: Math.min(1, 2 * exactCdf(statistic, rank)), n, method: 'exact' };
  }
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - ties.reduce((s, t) => s + (t ** 3 - t), 0) / 48;
  const z = (statistic - (n * (n + 1)) / 4) / Math.sqrt(variance);
  return { statistic, positiveRankSum, pValue: normalTwoSided(z), n, method: 'normal' };
}
