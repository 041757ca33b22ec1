// The Model Confidence Set (Hansen, Lunde & Nason 2011, Econometrica 79(2)): the set of models that
// contains the best one with 90% confidence, given their daily losses on the same test days.
// Models are eliminated one at a time while the range statistic T_R = max |t_ij| rejects equal
// predictive ability; the eliminated model is the one with the largest max_j t_ij. Each model's
// MCS p-value is the largest test p-value up to its elimination (the last model left has 1).
// Variances and the null distribution come from a moving-block bootstrap of the days.
import { mulberry32 } from '../plugin/random.ts';
import { BOOTSTRAP_SEED, DEFAULT_REPLICATES, defaultBlockLength, movingBlockIndices, type BootstrapOptions } from './bootstrap.ts';

export interface McsModel {
  name: string;
  /** Mean loss over the test days. */
  meanLoss: number;
  pValue: number;
  /** In the set at the given level. */
  included: boolean;
  /** 1 for the first model eliminated; the last model left has the largest rank. */
  eliminationOrder: number;
}

export interface McsResult {
  models: McsModel[];
  level: number;
  replicates: number;
  blockLength: number;
}

const meanOver = (loss: readonly number[], days: ArrayLike<number>) => {
  let s = 0;
  for (let k = 0; k < days.length; k++) s += loss[days[k]];
  return s / days.length;
};

/** The MCS for bootstrap day-index samples given explicitly (what the reference test feeds in). */
export function mcsFromSamples(
  names: readonly string[],
  losses: readonly (readonly number[])[],
  samples: readonly ArrayLike<number>[],
  level = 0.1,
): Omit<McsResult, 'replicates' | 'blockLength'> {
  const m = names.length;
  const n = losses[0].length;
  const all = Array.from({ length: n }, (_, i) => i);
  const means = losses.map((l) => meanOver(l, all));
  const boot = samples.map((days) => losses.map((l) => meanOver(l, days)));
  const B = samples.length;
  // Bootstrap variance of each pairwise mean difference.
  const variance = (i: number, j: number) => boot.reduce((s, row) => s + (row[i] - row[j] - (means[i] - means[j])) ** 2, 0) / B;
  const v = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? 0 : variance(i, j))));
  const t = (i: number, j: number) => (v[i][j] > 0 ? (means[i] - means[j]) / Math.sqrt(v[i][j]) : 0);

  const alive = names.map((_, i) => i);
  const pValues = new Array<number>(m).fill(1);
  const order = new Array<number>(m).fill(m);
  let running = 0;
  let eliminated = 0;
  while (alive.length > 1) {
    let statistic = 0;
    for (const i of alive) for (const j of alive) if (i !== j) statistic = Math.max(statistic, Math.abs(t(i, j)));
    let exceed = 0;
    for (const row of boot) {
      let stat = 0;
      for (const i of alive)
        for (const j of alive)
          if (i !== j && v[i][j] > 0) stat = Math.max(stat, Math.abs(row[i] - row[j] - (means[i] - means[j])) / Math.sqrt(v[i][j]));
      if (stat >= statistic) exceed++;
    }
    running = Math.max(running, exceed / B);
    // The worst model: the largest t against any other still in the set.
    let worst = alive[0];
    let worstT = -Infinity;
    for (const i of alive) {
      const ti = Math.max(...alive.filter((j) => j !== i).map((j) => t(i, j)));
      if (ti > worstT) [worst, worstT] = [i, ti];
    }
    pValues[worst] = running;
    order[worst] = ++eliminated;
    alive.splice(alive.indexOf(worst), 1);
  }
  return {
    models: names.map((name, i) => ({
      name,
      meanLoss: means[i],
      pValue: pValues[i],
      included: pValues[i] >= level,
      eliminationOrder: order[i],
    })),
    level,
  };
}

/** The MCS at `level` (default 10%, the paper's choice) with a seeded moving-block bootstrap. */
export function modelConfidenceSet(
  names: readonly string[],
  losses: readonly (readonly number[])[],
  options: BootstrapOptions & { level?: number } = {},
): McsResult {
  const n = losses[0].length;
  const replicates = options.replicates ?? DEFAULT_REPLICATES;
  const blockLength = options.blockLength ?? defaultBlockLength(n);
  const random = mulberry32(options.seed ?? BOOTSTRAP_SEED);
  const samples = Array.from({ length: replicates }, () => movingBlockIndices(n, blockLength, random));
  return { ...mcsFromSamples(names, losses, samples, options.level), replicates, blockLength };
}
