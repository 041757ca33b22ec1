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
