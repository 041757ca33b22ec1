// A small, fast version of `npm run calibrate`: the report's verdict test holds its size where the
// across-seeds t-test it replaced does not, finds a real difference, and its intervals and the
// bands over seeds cover what they claim. Seeded: the same numbers every run.
import { calibrateBand, calibrateDesign } from '../../src/report/calibration.ts';

test('against a seedless baseline with seeds that agree, the t-test across seeds rejects true nulls; the verdict test does not', () => {
  const result = calibrateDesign({ kind: 'vs baseline', rho: 0.5, seeds: 10, seedSpread: 0 }, { replicates: 150 });
  // The across-seeds t-test sees no test-day variance: it rejected 34% in issue 22's simulation.
  expect(result.acrossSeedsSize).toBeGreaterThan(0.3);
  expect(result.size).toBeLessThanOrEqual(0.08);
  expect(result.coverage).toBeGreaterThanOrEqual(0.92);
  expect(result.power).toBeGreaterThan(0.4);
});

test('seeded: the same design gives the same numbers', () => {
  const design = { kind: 'vs model', rho: 0, seeds: 3, seedSpread: 0 } as const;
  expect(calibrateDesign(design, { replicates: 10 })).toEqual(calibrateDesign(design, { replicates: 10 }));
});

test('compact vs original with seeds that disagree, at 3 seeds: size held, intervals cover', () => {
  const result = calibrateDesign({ kind: 'vs model', rho: 0.5, seeds: 3, seedSpread: 0.25 }, { replicates: 150 });
  expect(result.size).toBeLessThanOrEqual(0.08);
  expect(result.coverage).toBeGreaterThanOrEqual(0.92);
});

test("the report's band over 3 lognormal seeds covers the geometric mean; an arithmetic t interval misses the mean", () => {
  const band = calibrateBand(3, 1, { replicates: 1000 });
  expect(band.coverage).toBeGreaterThanOrEqual(0.93);
  expect(band.arithmeticCoverage).toBeLessThan(0.88);
});
