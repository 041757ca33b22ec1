// Does a verdict hold its size? Simulated test periods and seeds, fed through the code the report
// uses (judge() for verdicts, summarizeSeeds() for every band over seeds), to measure how often a
// true "no difference" is called significant, how often a real 30% difference is found, and how
// often a 95% interval covers the truth. `npm run calibrate` prints the full table; a unit test
// runs a small version.
//
// Designs (all with T test days of AR(1) errors, coefficient ρ, unit variance):
//   vs baseline  — a seedless baseline b_t = √c z_t + √(1−c) η_t against a model whose seed s has
//                  a_s,t = √c z_t + √(r_s − c) ε_s,t: z is what every forecaster shares (the day's
//                  surprise), η and ε are each one's own errors, and MSE(a_s)/MSE(b) = r_s;
//   vs model     — two seeded models, the second like a compact copy of the first (its own errors
//                  correlated 0.8 with the first's), as compact vs original.
// The seeds' true ratios are r_s = r · exp(σ ξ_s), ξ standard normal (cut at ±2.5), so the ratio a
// verdict estimates, the geometric mean over seeds, is r exactly: 1 for size, 1.3 for power.
// Bands: positive values over seeds drawn lognormal (σ = 0.5 and 1), the band covering the
// population's geometric mean.
import { mulberry32 } from '../plugin/random.ts';
import type { OkRecord } from '../results/record.ts';
import { arithmeticSummary, summarizeSeeds } from '../evaluation/seed-summary.ts';
import { meanSquare } from '../evaluation/seeds-days.ts';
import { judge, type ErrorsOf } from './verdict.ts';

export interface Design {
  kind: 'vs baseline' | 'vs model';
  rho: number;
  seeds: number;
  /** Spread of the seeds' log MSE ratios. */
  seedSpread: number;
}

export interface DesignResult extends Design {
  /** Share of true nulls (ratio 1) rejected at 5%. */
  size: number;
  /** Share of ratio-1.3 cases rejected at 5%. */
  power: number;
  /** Share of 95% intervals that cover the true ratio (both ratios). */
  coverage: number;
  /** The t-test of log MSE across seeds on the same data, for comparison: its size. */
  acrossSeedsSize: number;
}

export interface BandResult {
  seeds: number;
  sigma: number;
  /** The report's band (geometric mean, t on logs) covering the geometric mean. */
  coverage: number;
  /** An arithmetic t interval covering the arithmetic mean, for comparison. */
  arithmeticCoverage: number;
}

const SHARED = 0.25;
const SIBLING_CORRELATION = 0.8;

function generator(seed: number) {
  const random = mulberry32(seed);
  const normal = () => {
    let u = 0;
    while (u === 0) u = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const ar1 = (n: number, rho: number) => {
    const x = new Array<number>(n);
    x[0] = normal();
    for (let t = 1; t < n; t++) x[t] = rho * x[t - 1] + Math.sqrt(1 - rho * rho) * normal();
    return x;
  };
  return { normal, ar1, cut: () => Math.max(-2.5, Math.min(2.5, normal())) };
}

type Gen = ReturnType<typeof generator>;

/** One simulated test period: each seed's errors of the first and second forecaster. */
function simulate(g: Gen, design: Design, ratio: number, days: number): { first: number[][]; second: number[][] } {
  const z = g.ar1(days, design.rho);
  const shared = (t: number) => Math.sqrt(SHARED) * z[t];
  const first: number[][] = [];
  const second: number[][] = [];
  if (design.kind === 'vs baseline') {
    const eta = g.ar1(days, design.rho);
    const baseline = z.map((_, t) => shared(t) + Math.sqrt(1 - SHARED) * eta[t]);
    for (let s = 0; s < design.seeds; s++) {
      const r = ratio * Math.exp(design.seedSpread * g.cut());
      const own = g.ar1(days, design.rho);
      first.push(z.map((_, t) => shared(t) + Math.sqrt(r - SHARED) * own[t]));
      second.push(baseline);
    }
  } else {
    for (let s = 0; s < design.seeds; s++) {
      const original = Math.exp(0.3 * g.cut());
      const r = ratio * Math.exp(design.seedSpread * g.cut());
      const compact = r * (SHARED + original) - SHARED;
      const own = g.ar1(days, design.rho);
      const apart = g.ar1(days, design.rho);
      second.push(z.map((_, t) => shared(t) + Math.sqrt(original) * own[t]));
      first.push(
        z.map(
          (_, t) => shared(t) + Math.sqrt(compact) * (SIBLING_CORRELATION * own[t] + Math.sqrt(1 - SIBLING_CORRELATION ** 2) * apart[t]),
        ),
      );
    }
  }
  return { first, second };
}

/** The simulated seeds as run records, so the verdict is the report's own: compact vs original, or compact vs persistence. */
function verdictOf(sim: { first: number[][]; second: number[][] }, design: Design, days: number) {
  const errors = new Map<string, Record<'original' | 'compact' | 'persistence', number[]>>();
  const runs = sim.first.map((compact, s) => {
    const other = sim.second[s];
    // vs baseline: the second forecaster is persistence, and the original is a copy of the compact model.
    const set =
      design.kind === 'vs baseline' ? { original: compact, compact, persistence: other } : { original: other, compact, persistence: other };
    errors.set(String(s), set);
    return {
      runId: String(s),
      trainKey: String(s),
      params: { ticker: 'SIM', days, testEnd: 'end', architecture: 'sim', seed: s, pruner: 'sim', prune: {}, train: {}, window: {} },
      data: { test: { start: 'start', end: 'end', days } },
      original: { mse: meanSquare(set.original) },
      compact: { mse: meanSquare(set.compact) },
      baselines: { persistence: { mse: meanSquare(set.persistence) } },
    } as unknown as OkRecord;
  });
  const errorsOf: ErrorsOf = (run) => errors.get(run.runId);
  const key = design.kind === 'vs baseline' ? 'compactVsPersistence' : 'compactVsOriginal';
  return judge(runs, errorsOf).find((c) => c.key === key)!;
}

/** Size, power and coverage of the verdict test in one design. */
export function calibrateDesign(design: Design, options: { replicates: number; days?: number; seed?: number }): DesignResult {
  const days = options.days ?? 250;
  const g = generator(options.seed ?? 22);
  let rejectedNull = 0;
  let rejectedAlternative = 0;
  let covered = 0;
  let acrossSeedsRejected = 0;
  for (let i = 0; i < options.replicates; i++) {
    for (const ratio of [1, 1.3]) {
      const c = verdictOf(simulate(g, design, ratio, days), design, days);
      const rejected = c.test.pValue < 0.05;
      if (ratio === 1) {
        rejectedNull += Number(rejected);
        acrossSeedsRejected += Number(c.acrossSeeds.pValue < 0.05);
      } else rejectedAlternative += Number(rejected);
      covered += Number(c.test.lo <= ratio && ratio <= c.test.hi);
    }
  }
  const n = options.replicates;
  return {
    ...design,
    size: rejectedNull / n,
    power: rejectedAlternative / n,
    coverage: covered / (2 * n),
    acrossSeedsSize: acrossSeedsRejected / n,
  };
}

/** Coverage of the report's band over seeds (and of an arithmetic t interval, for comparison), lognormal seeds. */
export function calibrateBand(seeds: number, sigma: number, options: { replicates: number; seed?: number }): BandResult {
  const g = generator(options.seed ?? 23);
  let covered = 0;
  let arithmeticCovered = 0;
  // μ = 0: the geometric mean is 1, the arithmetic mean exp(σ²/2).
  const arithmeticMean = Math.exp((sigma * sigma) / 2);
  for (let i = 0; i < options.replicates; i++) {
    const values = Array.from({ length: seeds }, () => Math.exp(sigma * g.normal()));
    const band = summarizeSeeds(values, true);
    covered += Number(band.lo <= 1 && 1 <= band.hi);
    const t = arithmeticSummary(values);
    arithmeticCovered += Number(t.lo <= arithmeticMean && arithmeticMean <= t.hi);
  }
  return { seeds, sigma, coverage: covered / options.replicates, arithmeticCoverage: arithmeticCovered / options.replicates };
}

export const DESIGNS: Design[] = (['vs baseline', 'vs model'] as const).flatMap((kind) =>
  [0, 0.25].flatMap((seedSpread) => [0, 0.5, 0.7].flatMap((rho) => [3, 5, 10].map((seeds) => ({ kind, rho, seeds, seedSpread })))),
);

export const BANDS = [3, 5, 10].flatMap((seeds) => [0.5, 1].map((sigma) => ({ seeds, sigma })));

/** The headline: worst cases over the designs with ρ ≤ 0.5 (the goals: size ≤ 0.07, coverage ≥ 0.93). */
export function worstCases(designs: readonly DesignResult[], bands: readonly BandResult[]) {
  const inScope = designs.filter((d) => d.rho <= 0.5);
  return {
    verdictSize: Math.max(...inScope.map((d) => d.size)),
    verdictPower: Math.min(...inScope.map((d) => d.power)),
    intervalCoverage: Math.min(...inScope.map((d) => d.coverage)),
    meanBandCoverage: Math.min(...bands.map((b) => b.coverage)),
  };
}
