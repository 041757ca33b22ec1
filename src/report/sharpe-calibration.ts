// Does the Sharpe ratio test (evaluation/sharpe-test.ts) hold its size? Simulated markets fed
// through the test the report uses: a market of T days with AR(1) volatility clustering (the
// squared-return autocorrelation a real index has), and per seed two strategies that hold it on
// days chosen by their own coin (probability q_s of being long, drawn per seed around 0.6: seeds
// differ). Under the null both strategies' expected Sharpe ratios are equal; for power the first
// one sees a little of the next day's sign. `npm run calibrate` prints the table.
import { sharpeTest } from '../evaluation/sharpe-test.ts';
import { mulberry32 } from '../plugin/random.ts';

export interface SharpeDesign {
  seeds: number;
  /** AR(1) coefficient of the market's log volatility. */
  rho: number;
}

export interface SharpeDesignResult extends SharpeDesign {
  /** Share of equal-Sharpe cases rejected at 5%. */
  size: number;
  /** Share rejected when the first strategy's position follows the next day's sign 55% of the time. */
  power: number;
}

export const SHARPE_DESIGNS: readonly SharpeDesign[] = [1, 3, 10].flatMap((seeds) => [0, 0.9].map((rho) => ({ seeds, rho })));

export function calibrateSharpe(design: SharpeDesign, options: { replicates: number; days?: number }): SharpeDesignResult {
  const days = options.days ?? 250;
  const random = mulberry32(1000 + design.seeds * 10 + Math.round(design.rho * 10));
  const normal = () => Math.sqrt(-2 * Math.log(random() || 1e-300)) * Math.cos(2 * Math.PI * random());
  let rejectedNull = 0;
  let rejectedSkill = 0;
  for (let rep = 0; rep < options.replicates; rep++) {
    let logVol = 0;
    const market = Array.from({ length: days }, () => {
      logVol = design.rho * logVol + Math.sqrt(1 - design.rho ** 2) * 0.5 * normal();
      return 0.0003 + 0.01 * Math.exp(logVol - 0.125) * normal();
    });
    const hold = (q: number, skill: number) => market.map((m) => ((random() < skill ? m > 0 : random() < q) ? m : 0));
    const qs = Array.from({ length: design.seeds }, () => Math.min(0.95, Math.max(0.05, 0.6 + 0.1 * normal())));
    const second = qs.map((q) => hold(q, 0));
    if (
      sharpeTest(
        qs.map((q) => hold(q, 0)),
        second,
        252,
      ).pValue < 0.05
    )
      rejectedNull++;
    if (
      sharpeTest(
        qs.map((q) => hold(q, 0.1)),
        second,
        252,
      ).pValue < 0.05
    )
      rejectedSkill++;
  }
  return { ...design, size: rejectedNull / options.replicates, power: rejectedSkill / options.replicates };
}
