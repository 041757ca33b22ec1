// Verdicts judged together: one family per question, each distinct test once, Holm within the
// family, the verdict following the adjusted p, and every p named by the test that made it.
import { seedsAndDaysTest } from '../../src/evaluation/seeds-days.ts';
import { holm } from '../../src/evaluation/multiple-testing.ts';
import { mulberry32 } from '../../src/plugin/random.ts';
import type { OkRecord } from '../../src/results/record.ts';
import { comparisonsOf, judge, type ErrorsOf } from '../../src/report/verdict.ts';
import { byConfiguration } from '../../src/plan/labels.ts';
import { pooledComparisons } from '../../src/report/comparisons.ts';

const DAYS = 40;
const noise = (seed: number, scale: number) => {
  const random = mulberry32(seed);
  return Array.from({ length: DAYS }, () => scale * (random() - 0.5));
};
const persistence = noise(1, 2);
const mse = (e: number[]) => e.reduce((s, x) => s + x * x, 0) / e.length;

/** A run with its errors per day: the original shared by every pruner of its seed, as in a grid. */
function grid() {
  const errors = new Map<string, Record<'original' | 'compact' | 'persistence', number[]>>();
  const runs: OkRecord[] = [];
  for (const seed of [1, 2, 3]) {
    const original = noise(100 + seed, 2.4);
    for (const [pruner, percentile, scale] of [
      ['magnitude', 35, 1.3],
      ['magnitude', 50, 2],
      ['random', 35, 4],
    ] as const) {
      const compact = original.map((e, t) => e * scale + noise(1000 * seed + percentile + scale, 0.3)[t]);
      const runId = `${pruner}${percentile}-${seed}`;
      errors.set(runId, { original, compact, persistence });
      runs.push({
        runId,
        trainKey: `train-${seed}`,
        params: {
          ticker: 'SPY',
          days: 100,
          testEnd: '2025-12-31',
          architecture: 'paper',
          seed,
          pruner,
          prune: { percentile },
          train: {},
          window: {},
        },
        data: { test: { start: '2025-11-01', end: '2025-12-31', days: DAYS } },
        original: { mse: mse(original) },
        compact: { mse: mse(compact) },
        baselines: { persistence: { mse: mse(persistence) } },
      } as unknown as OkRecord);
    }
  }
  return { runs, errorsOf: ((run: OkRecord) => errors.get(run.runId)) as ErrorsOf, errors };
}

test('families per question, each distinct test once, Holm within the family', () => {
  const { runs, errorsOf, errors } = grid();
  const comparisons = judge(runs, errorsOf);
  // 3 configurations × (compact vs original, original vs persistence, compact vs persistence) + magnitude 35% against the random pruner at 35%.
  expect(comparisons).toHaveLength(3 * 3 + 1);
  const sizes = Object.fromEntries(comparisons.map((c) => [c.family, c.familySize]));
  // vs persistence: one shared original + three compacts = 4 distinct tests, not 6 entries.
  expect(sizes).toEqual({ 'compact vs original': 3, 'vs persistence': 4, 'vs random control': 1 });
  const originals = comparisons.filter((c) => c.key === 'originalVsPersistence');
  expect(new Set(originals.map((c) => c.id)).size).toBe(1);
  expect(new Set(originals.map((c) => c.holm)).size).toBe(1);
  // Runs are stored in the order they finish: one configuration's seeds in another order than the next's is the same test.
  const first35 = runs.filter((r) => r.runId.startsWith('magnitude35'));
  const reordered = judge([...first35, ...runs.filter((r) => !first35.includes(r)).reverse()], errorsOf);
  expect(Object.fromEntries(reordered.map((c) => [c.family, c.familySize]))).toEqual(sizes);

  // The test is the seeds-and-days test on the stored errors.
  const first = comparisons[0];
  const expected = seedsAndDaysTest(
    first.runs.map((r) => errors.get(r.runId)!.compact),
    first.runs.map((r) => errors.get(r.runId)!.original),
  );
  expect(first.key).toBe('compactVsOriginal');
  expect(first.test.pValue).toBe(expected.pValue);
  expect(first.test.name).toBe('seeds-and-days t (log MSE ratio)');

  // Holm by hand over the family's three distinct p-values.
  const family = comparisons.filter((c) => c.family === 'compact vs original');
  const adjusted = holm(family.map((c) => c.test.pValue));
  family.forEach((c, i) => expect(c.holm).toBeCloseTo(adjusted[i], 14));
  for (const c of comparisons) {
    // A family of one needs no adjustment, and its text shows none.
    if (c.familySize > 1) expect(c.text).toContain(`of ${c.familySize} in '${c.family}'`);
    else expect(c.text).not.toContain('Holm');
    expect(c.text.includes(': worse (') || c.text.includes(': better (')).toBe(c.holm < 0.05);
  }
});

test('the random control pairs the same seeds of the same settings, and a configuration lists its own comparisons', () => {
  const { runs, errorsOf } = grid();
  const comparisons = judge(runs, errorsOf);
  const [magnitude35, , random35] = byConfiguration(runs);
  const own = comparisonsOf(comparisons, magnitude35);
  expect(own.map((c) => c.key)).toEqual(['compactVsOriginal', 'originalVsPersistence', 'compactVsPersistence', 'compactVsControl']);
  // The random pruner at 4× the error is the control at 35%: the magnitude model is better than it.
  const control = own[3];
  expect(control.test.ratio).toBeLessThan(1);
  expect(control.text.startsWith('compact vs random control: better')).toBe(true);
  // The random pruner has no control of its own.
  expect(comparisonsOf(comparisons, random35).map((c) => c.key)).toEqual([
    'compactVsOriginal',
    'originalVsPersistence',
    'compactVsPersistence',
  ]);
});

test('without stored predictions the verdict says it only tested across seeds', () => {
  const { runs } = grid();
  const [c] = judge(runs, () => undefined);
  expect(c.test.name).toBe('t-test of log MSE across seeds only (stored predictions missing)');
  expect(c.test.pValue).toBe(c.acrossSeeds.pValue);
});

test('one seed: the interval over test days of that model, and the text says so', () => {
  const { runs, errorsOf } = grid();
  const [c] = judge(
    runs.filter((r) => r.params.seed === 1),
    errorsOf,
  );
  expect(c.test.seeds).toBe(1);
  expect(c.test.name).toContain('one seed: conditional on it');
  expect(Number.isNaN(c.acrossSeeds.lo)).toBe(true);
  expect(c.text).toContain('1 seed × 40 days');
});

test('walk-forward pooled over folds: the same families, the shared original against persistence counted once', () => {
  // Two folds of the grid above (each run once per fold, the same errors shifted): 3 configurations
  // share each seed's original, so 3 compact-vs-original tests, and 1 + 3 distinct tests against persistence.
  const { runs, errors } = grid();
  const folded = [1, 2].flatMap((fold) =>
    runs.map((r) => ({ ...r, runId: `${r.runId}-f${fold}`, params: { ...r.params, fold, testEnd: `2025-12-${fold}` } }) as OkRecord),
  );
  const errorsOf = ((run: OkRecord) => {
    const [id, fold] = run.runId.split('-f');
    const e = errors.get(id)!;
    const shift = (xs: number[]) => xs.map((x) => x * Number(fold));
    return { original: shift(e.original), compact: shift(e.compact), persistence: shift(e.persistence) };
  }) as ErrorsOf;
  const pooled = pooledComparisons(folded, errorsOf);
  expect(pooled).toHaveLength(9); // 3 configurations × 3 pairs
  const of = (first: string, second: string) => pooled.filter((c) => c.first === first && c.second === second);
  expect(of('compact', 'original').every((c) => c.family === 'compact vs original' && c.familySize === 3)).toBe(true);
  const vsPersistence = [...of('original', 'persistence'), ...of('compact', 'persistence')];
  expect(vsPersistence.every((c) => c.family === 'vs persistence' && c.familySize === 4)).toBe(true);
  // The three copies of the original's test are one test: the same p, the same adjusted p.
  const originals = of('original', 'persistence');
  expect(new Set(originals.map((c) => c.test.pValue)).size).toBe(1);
  expect(new Set(originals.map((c) => c.holm)).size).toBe(1);
  // Holm over exactly the four distinct p-values of the family.
  const distinct = [originals[0].test.pValue, ...of('compact', 'persistence').map((c) => c.test.pValue)];
  const adjusted = holm(distinct);
  expect(originals[0].holm).toBeCloseTo(adjusted[0], 12);
  of('compact', 'persistence').forEach((c, i) => expect(c.holm).toBeCloseTo(adjusted[i + 1], 12));
  expect(pooled.every((c) => c.folds === 2 && c.test.days === 2 * DAYS)).toBe(true);
});
