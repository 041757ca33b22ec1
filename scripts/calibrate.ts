// `npm run calibrate [-- --replicates N]`: size, power and coverage of the report's verdicts and
// bands over simulated seeds and test days (src/report/calibration.ts), a row per design, then
// the worst cases as one JSON line.
import { parseArgs } from 'node:util';
import { BANDS, calibrateBand, calibrateDesign, DESIGNS, worstCases } from '../src/report/calibration.ts';
import { calibrateSharpe, SHARPE_DESIGNS } from '../src/report/sharpe-calibration.ts';

const { values } = parseArgs({ options: { replicates: { type: 'string', default: '2000' } } });
const replicates = Number(values.replicates);
if (!Number.isInteger(replicates) || replicates < 10) {
  console.error(`--replicates must be a whole number ≥ 10, got ${values.replicates}`);
  process.exit(2);
}
const started = Date.now();
const f = (x: number) => x.toFixed(3);
console.log(`Verdict test (seeds and days), ${replicates} simulated test periods of 250 days per design and ratio; 5% level.`);
console.log('design       | seed spread | rho | seeds | size  | power (ratio 1.3) | 95% coverage | t across seeds: size');
const designs = DESIGNS.map((design) => {
  const r = calibrateDesign(design, { replicates });
  console.log(
    `${r.kind.padEnd(12)} | ${String(r.seedSpread).padEnd(11)} | ${String(r.rho).padEnd(3)} | ${String(r.seeds).padEnd(5)} | ${f(r.size)} | ${f(r.power).padEnd(17)} | ${f(r.coverage).padEnd(12)} | ${f(r.acrossSeedsSize)}`,
  );
  return r;
});
console.log(
  `\nBands over seeds (lognormal seeds), ${replicates * 5} draws each: the report's geometric band covering the geometric mean; an arithmetic t interval covering the mean, for comparison.`,
);
console.log('seeds | sigma | band coverage | arithmetic t coverage');
const bands = BANDS.map(({ seeds, sigma }) => {
  const b = calibrateBand(seeds, sigma, { replicates: replicates * 5 });
  console.log(`${String(seeds).padEnd(5)} | ${String(sigma).padEnd(5)} | ${f(b.coverage).padEnd(13)} | ${f(b.arithmeticCoverage)}`);
  return b;
});
console.log(
  `\nSharpe ratio test (trading on the forecasts), ${replicates} simulated markets of 250 days per design: two strategies per seed holding the market on their own random days; 5% level.`,
);
console.log('seeds | volatility rho | size  | power (10% of days foreseen)');
const sharpe = SHARPE_DESIGNS.map((design) => {
  const r = calibrateSharpe(design, { replicates });
  console.log(`${String(r.seeds).padEnd(5)} | ${String(r.rho).padEnd(14)} | ${f(r.size)} | ${f(r.power)}`);
  return r;
});
console.log(
  `\nWorst cases over the designs with rho ≤ 0.5 (goals: size ≤ 0.07, coverage ≥ 0.93), and the Sharpe test's largest size; ${((Date.now() - started) / 1000).toFixed(0)} s.`,
);
console.log(JSON.stringify({ ...worstCases(designs, bands), sharpeSize: Math.max(...sharpe.map((r) => r.size)) }));
