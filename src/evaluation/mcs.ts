// The Model Confidence Set (Hansen, Lunde & Nason 2011, Econometrica 79(2)): the set of models that
// contains the best one with 90% confidence, given their daily losses on the same test days.
// Models are eliminated one at a time while the range statistic T_R = max |t_ij| rejects equal
// predictive ability; the eliminated model is the one with the largest max_j t_ij. Each model's
// MCS p-value is the largest test p-value up to its elimination (the last model left has 1).
// Variances and the null distribution come from a moving-block bootstrap of the days.
import { mulberry32 } from '../plugin/random.ts';
import {
  BOOTSTRAP_SEED,
  blockSampleMeans,
  DEFAULT_REPLICATES,
  defaultBlockLength,
  movingBlockStarts,
  type BootstrapOptions,
} from './bootstrap.ts';

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

const meanOver = (loss: ArrayLike<number>, days: ArrayLike<number>) => {
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
  const all = Int32Array.from({ length: losses[0].length }, (_, i) => i);
  const typed = losses.map((l) => Float64Array.from(l));
  const bootstrapMeans = typed.map((l) => Float64Array.from(samples, (days) => meanOver(l, days)));
  return mcsFromBootstrapMeans(
    names,
    typed.map((l) => meanOver(l, all)),
    bootstrapMeans,
    level,
  );
}

/**
 * The elimination itself, from each model's mean loss and its mean loss on each bootstrap sample
 * (`bootstrapMeans[i][b]`): however the samples were drawn and summed.
 */
function mcsFromBootstrapMeans(
  names: readonly string[],
  means: readonly number[],
  bootstrapMeans: readonly Float64Array[],
  level: number,
): Omit<McsResult, 'replicates' | 'blockLength'> {
  const m = names.length;
  const B = bootstrapMeans[0].length;
  // boot[b·m + i]: model i's mean loss on bootstrap sample b (one sample's models side by side).
  const boot = new Float64Array(B * m);
  bootstrapMeans.forEach((column, i) => column.forEach((value, b) => (boot[b * m + i] = value)));
  // For each pair i < j (|t| and its bootstrap counterpart are the same for j, i): the observed
  // difference, the bootstrap variance of the mean difference, its square root.
  const difference = (i: number, j: number) => means[i] - means[j];
  const v = Array.from({ length: m }, () => new Float64Array(m));
  const sd = Array.from({ length: m }, () => new Float64Array(m));
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      if (i === j) continue;
      const d = difference(i, j);
      let sum = 0;
      for (let b = 0; b < B; b++) sum += (boot[b * m + i] - boot[b * m + j] - d) ** 2;
      v[i][j] = sum / B;
      sd[i][j] = Math.sqrt(v[i][j]);
    }
  }
  const t = (i: number, j: number) => (v[i][j] > 0 ? difference(i, j) / sd[i][j] : 0);

  const alive = names.map((_, i) => i);
  const pValues = new Array<number>(m).fill(1);
  const order = new Array<number>(m).fill(m);
  let running = 0;
  let eliminated = 0;
  while (alive.length > 1) {
    // The pairs with a variance: i, j, observed difference, deviation.
    const pairI: number[] = [];
    const pairJ: number[] = [];
    const pairD: number[] = [];
    const pairS: number[] = [];
    let statistic = 0;
    for (let a = 0; a < alive.length; a++) {
      for (let c = a + 1; c < alive.length; c++) {
        const [i, j] = [alive[a], alive[c]];
        statistic = Math.max(statistic, Math.abs(t(i, j)));
        if (!(v[i][j] > 0)) continue;
        pairI.push(i);
        pairJ.push(j);
        pairD.push(difference(i, j));
        pairS.push(sd[i][j]);
      }
    }
    let exceed = 0;
    for (let b = 0; b < B; b++) {
      const row = b * m;
      let stat = 0;
      for (let p = 0; p < pairI.length; p++)
        stat = Math.max(stat, Math.abs(boot[row + pairI[p]] - boot[row + pairJ[p]] - pairD[p]) / pairS[p]);
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

/**
 * The bootstrap's day samples depend only on the number of days, the block length, the seed and
 * the count: every MCS of a report with the same test period draws the same ones, so they are
 * drawn once and shared (a report of 520 runs asks for them dozens of times). Kept as block
 * starts: a model's mean on each sample is then a sum of block sums (prefix sums), about
 * blockLength times fewer additions than summing every day, which made the MCS most of a report's time.
 */
const startsCache = new Map<string, Int32Array>();
function bootstrapStarts(n: number, blockLength: number, seed: number, replicates: number): Int32Array {
  const key = `${n}/${blockLength}/${seed}/${replicates}`;
  let starts = startsCache.get(key);
  if (!starts) {
    starts = movingBlockStarts(n, blockLength, mulberry32(seed), replicates);
    if (startsCache.size > 16) startsCache.clear();
    startsCache.set(key, starts);
  }
  return starts;
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
  const starts = bootstrapStarts(n, blockLength, options.seed ?? BOOTSTRAP_SEED, replicates);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const means = losses.map((l) => meanOver(l, all));
  const bootstrapMeans = losses.map((l) => blockSampleMeans(l, starts, blockLength));
  return { ...mcsFromBootstrapMeans(names, means, bootstrapMeans, options.level ?? 0.1), replicates, blockLength };
}
