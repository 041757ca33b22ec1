// Resampling for intervals that do not assume normal errors. Test days are dependent (a loss
// differential's lag-1 autocorrelation is about 0.5 here), so days are resampled in moving blocks
// (Künsch 1989); seeds are independent trainings, so they are resampled one by one. Resampling
// both gives an interval that covers the two sources of variance at once: which test days came,
// and which initialisation the training got. Seeded: the same inputs give the same interval.
import { mulberry32 } from '../plugin/random.ts';

export const DEFAULT_REPLICATES = 2000;
export const BOOTSTRAP_SEED = 20_260_101;

/** The rule of thumb for a moving block's length: ⌈n^(1/3)⌉ (7 for 250 days). */
export function defaultBlockLength(n: number): number {
  return Math.max(1, Math.ceil(n ** (1 / 3)));
}

/** n day indices made of blocks of `blockLength` consecutive days, each starting anywhere it fits. */
export function movingBlockIndices(n: number, blockLength: number, random: () => number): Int32Array {
  const length = Math.min(blockLength, n);
  const out = new Int32Array(n);
  for (let filled = 0; filled < n; ) {
    const start = Math.floor(random() * (n - length + 1));
    for (let k = 0; k < length && filled < n; k++) out[filled++] = start + k;
  }
  return out;
}

/** The 2.5th and 97.5th percentiles (linear interpolation between order statistics, numpy's default). */
export function percentileInterval(values: readonly number[]): { lo: number; hi: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const pos = q * (sorted.length - 1);
    const below = Math.floor(pos);
    const above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (pos - below) * (sorted[above] - sorted[below]);
  };
  return { lo: at(0.025), hi: at(0.975) };
}

export interface BootstrapOptions {
  replicates?: number;
  blockLength?: number;
  seed?: number;
}

export interface RatioInterval {
  /** The geometric mean over seeds of MSE(a) / MSE(b), on all days. */
  ratio: number;
  lo: number;
  hi: number;
  replicates: number;
  blockLength: number;
}

const meanSquare = (errors: readonly number[], days: Int32Array) => {
  let s = 0;
  for (let k = 0; k < days.length; k++) s += errors[days[k]] ** 2;
  return s / days.length;
};

/**
 * MSE ratio of model a to model b, with a 95% percentile interval from resampling seeds and
 * moving blocks of test days together. `a[s]`, `b[s]` are seed s's errors on the same test days.
 */
export function mseRatioInterval(a: readonly (readonly number[])[], b: readonly (readonly number[])[], options: BootstrapOptions = {}): RatioInterval {
  const seeds = a.length;
  const n = a[0].length;
  const replicates = options.replicates ?? DEFAULT_REPLICATES;
  const blockLength = options.blockLength ?? defaultBlockLength(n);
  const random = mulberry32(options.seed ?? BOOTSTRAP_SEED);
  const allDays = Int32Array.from({ length: n }, (_, i) => i);
  const logRatio = (s: number, days: Int32Array) => Math.log(meanSquare(a[s], days) / meanSquare(b[s], days));
  let point = 0;
  for (let s = 0; s < seeds; s++) point += logRatio(s, allDays) / seeds;
  const stats: number[] = [];
  for (let r = 0; r < replicates; r++) {
    const days = movingBlockIndices(n, blockLength, random);
    let sum = 0;
    for (let k = 0; k < seeds; k++) sum += logRatio(Math.floor(random() * seeds), days);
    stats.push(sum / seeds);
  }
  const { lo, hi } = percentileInterval(stats);
  return { ratio: Math.exp(point), lo: Math.exp(lo), hi: Math.exp(hi), replicates, blockLength };
}

/** A 95% percentile interval of the mean of positive values (seeds): it cannot go below zero. */
export function meanBootstrapInterval(values: readonly number[], options: BootstrapOptions = {}): { lo: number; hi: number } {
  if (values.length < 2) return { lo: values[0], hi: values[0] };
  const random = mulberry32(options.seed ?? BOOTSTRAP_SEED);
  const means: number[] = [];
  for (let r = 0; r < (options.replicates ?? DEFAULT_REPLICATES); r++) {
    let sum = 0;
    for (let k = 0; k < values.length; k++) sum += values[Math.floor(random() * values.length)];
    means.push(sum / values.length);
  }
  return percentileInterval(means);
}
