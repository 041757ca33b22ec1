// Verdicts judged together: the raw test of each configuration, Holm over all of them, and a
// verdict that follows the adjusted p.
import { compareConfigurations, compareRuns } from '../../src/report/verdict.ts';
import type { OkRecord } from '../../src/results/record.ts';

// Only what the verdicts read: each model's MSE and persistence's, per seed.
const run = (original: number, compact: number, persistence: number) =>
  ({ original: { mse: original }, compact: { mse: compact }, baselines: { persistence: { mse: persistence } } }) as unknown as OkRecord;

test('several seeds: a t-test of log MSE, the sign from the mean log ratio', () => {
  // ln(compact/original) = ln 2, ln 4, ln 2: mean 0.9242, sd 0.4002, t = 4.0, df 2 → p = 0.0572 (scipy ttest_1samp)
  const [vsOriginal] = compareRuns([run(10, 20, 5), run(10, 40, 5), run(20, 40, 5)]);
  expect(vsOriginal.how).toBe('t-test of log MSE over 3 seeds');
  expect(vsOriginal.test.meanDifference).toBeCloseTo((Math.log(2) * 2 + Math.log(4)) / 3, 12);
  expect(vsOriginal.test.pValue).toBeCloseTo(0.0571909584179366, 10);
  expect(vsOriginal.text).toBe('compact vs original: no significant difference, p = 0.057 (t-test of log MSE over 3 seeds)');
});

test('over several configurations the verdict follows the Holm-adjusted p', () => {
  // Every original is 2× persistence across seeds with a little spread: p small; Holm over 6 comparisons.
  const a = [run(10, 11, 5), run(12, 12.5, 6), run(11, 12, 5.4)];
  const b = [run(10, 30, 5), run(12, 37, 6), run(11, 32, 5.4)];
  const [first, second] = compareConfigurations([a, b]);
  const raw = [...compareRuns(a), ...compareRuns(b)].map((c) => c.test.pValue);
  const sorted = [...raw].sort((x, y) => x - y);
  // Holm by hand for the smallest: 6 × p(1)
  const smallest = [...first, ...second].find((c) => c.test.pValue === sorted[0])!;
  expect(smallest.holm).toBeCloseTo(Math.min(1, 6 * sorted[0]), 12);
  for (const c of [...first, ...second]) {
    expect(c.holm).toBeGreaterThanOrEqual(c.test.pValue);
    expect(c.text).toContain(`Holm p = `);
    expect(c.text).toContain(' of 6 ');
    expect(c.text.includes(': worse,') || c.text.includes(': better,')).toBe(c.holm! < 0.05);
  }
});
