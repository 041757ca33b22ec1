// The mask machinery every pruning method shares, on hand-computed cases: exact counts, ties
// broken by index, layer and global scope, random controls with the same counts.
import { keepAllBut, lowestIndexes, masksFromScores, prunedCount, randomMasksLike } from '../../src/plugin/masks.ts';
import { mulberry32 } from '../../src/plugin/random.ts';
import { polynomialSparsity } from '../../src/plugins/prune/gradual.ts';
import { unitNorms } from '../../src/plugins/prune/structured.ts';
import { efficiencyOf } from '../../src/evaluation/efficiency.ts';
import type { ModelReport } from '../../src/plugin/api.ts';

test('exact counts: sparsity s of n removes round(s·n)', () => {
  expect(prunedCount(8400, 0.35)).toBe(2940); // the paper: 8,400 → 5,460
  expect(prunedCount(768, 0.7)).toBe(538);
  expect(prunedCount(5, 0.5)).toBe(3); // Math.round(2.5)
});

test('lowest scores first; equal scores in index order; -Infinity before everything', () => {
  expect(Array.from(lowestIndexes([3, 1, 2, 1], 2))).toEqual([1, 3]);
  expect(Array.from(keepAllBut([0.5, -Infinity, 0.2, 0.9], 2))).toEqual([1, 0, 0, 1]);
  expect(Array.from(keepAllBut([0, 0, 0, 0], 2))).toEqual([0, 0, 1, 1]);
});

test('layer scope removes the same share of each layer; global scope ranks all together', () => {
  const scores = new Map<string, number[]>([
    ['a', [1, 2, 3, 4]],
    ['b', [10, 20]],
  ]);
  const layer = masksFromScores(scores, 0.5, 'layer');
  expect(layer.map((m) => [m.layer, Array.from(m.keep)])).toEqual([
    ['a', [0, 0, 1, 1]],
    ['b', [0, 1]],
  ]);
  const global = masksFromScores(scores, 0.5, 'global');
  expect(global.map((m) => [m.layer, Array.from(m.keep)])).toEqual([
    ['a', [0, 0, 0, 1]],
    ['b', [1, 1]],
  ]);
});

test('a random control prunes as many values per layer, elsewhere, the same for the same seed', () => {
  const masks = masksFromScores(new Map([['a', Array.from({ length: 100 }, (_, i) => i)]]), 0.3, 'layer');
  const control = randomMasksLike(masks, mulberry32(7));
  const zeros = (keep: Uint8Array) => keep.filter((k) => k === 0).length;
  expect(zeros(control[0].keep)).toBe(30);
  expect(Array.from(control[0].keep)).toEqual(Array.from(randomMasksLike(masks, mulberry32(7))[0].keep));
  expect(Array.from(control[0].keep)).not.toEqual(Array.from(masks[0].keep));
});

test("gradual pruning follows tfmot's PolynomialDecay", () => {
  const o = { initialSparsity: 0, sparsity: 0.8, beginStep: 0, endStep: 100, power: 3 };
  expect(polynomialSparsity(0, o)).toBe(0);
  expect(polynomialSparsity(50, o)).toBeCloseTo(0.7, 12); // 0.8 − 0.8·0.5³
  expect(polynomialSparsity(100, o)).toBe(0.8);
  expect(polynomialSparsity(250, o)).toBe(0.8);
  expect(polynomialSparsity(75, { ...o, initialSparsity: 0.2, beginStep: 50 })).toBeCloseTo(0.8 - 0.6 * 0.5 ** 3, 12);
});

test('structured pruning scores units by the norm of their incoming weights', () => {
  // Kernel [in 2 × units 3], row-major: unit u's weights are at u and 3 + u.
  const kernel = Float32Array.from([1, -2, 3, 4, 5, -6]);
  expect(Array.from(unitNorms(kernel, 3, 'l1', false))).toEqual([5, 7, 9]);
  expect(Array.from(unitNorms(kernel, 3, 'l1', true))).toEqual([2.5, 3.5, 4.5]);
  const l2 = unitNorms(kernel, 3, 'l2', false);
  [17, 29, 45].forEach((s, i) => expect(l2[i]).toBeCloseTo(Math.sqrt(s), 12));
});

test('efficiency: theoretical from MACs, measured from latency, and the share realised', () => {
  const report = (macs: number, nonzeroMacs: number, medianMs: number, bytes: number) =>
    ({
      macs,
      nonzeroMacs,
      latency: { batchSize: 1024, medianMs, p10Ms: 0, p90Ms: 0, repeats: 3 },
      size: { denseBytes: bytes, sparseBytes: bytes, gzipBytes: bytes },
    }) as unknown as ModelReport;
  const e = efficiencyOf(report(100, 100, 10, 400), report(50, 25, 8, 200))!;
  expect(e).toMatchObject({
    theoreticalSpeedup: 2,
    sparseTheoreticalSpeedup: 4,
    measuredSpeedup: 1.25,
    latencyBatch: 1024,
    realisedShare: 0.625,
    sizeRatio: { dense: 2, sparse: 2, gzip: 2 },
  });
  expect(efficiencyOf({ ...report(1, 1, 1, 1), latency: undefined } as ModelReport, report(1, 1, 1, 1))).toBeUndefined();
});
