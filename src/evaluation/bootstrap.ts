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

/**
 * The same draws as `movingBlockIndices`, kept as block starts: `replicates` samples of
 * ⌈n / blockLength⌉ starts each (the last block is cut at n days). A mean over a sample is then a
 * sum of block sums, each a difference of prefix sums (see `blockSampleMeans`).
 */
export function movingBlockStarts(n: number, blockLength: number, random: () => number, replicates: number): Int32Array {
  const length = Math.min(blockLength, n);
  const blocks = Math.ceil(n / length);
  const starts = new Int32Array(replicates * blocks);
  for (let i = 0; i < starts.length; i++) starts[i] = Math.floor(random() * (n - length + 1));
  return starts;
}

/**
 * Each sample's mean of `values` over its days, for samples given as block starts: O(blocks) per
 * sample instead of O(n). Equal to summing the sample's days one by one up to rounding (a few
 * ulps: each block's sum is a difference of two prefix sums).
 */
export function blockSampleMeans(values: ArrayLike<number>, starts: Int32Array, blockLength: number): Float64Array {
  const n = values.length;
  const length = Math.min(blockLength, n);
  const blocks = Math.ceil(n / length);
  const last = n - (blocks - 1) * length;
  const prefix = new Float64Array(n + 1);
  for (let t = 0; t < n; t++) prefix[t + 1] = prefix[t] + values[t];
  const means = new Float64Array(starts.length / blocks);
  for (let b = 0, k = 0; b < means.length; b++) {
    let sum = 0;
    for (let j = 0; j < blocks; j++, k++) {
      const start = starts[k];
      sum += prefix[start + (j === blocks - 1 ? last : length)] - prefix[start];
    }
    means[b] = sum / n;
  }
  return means;
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
