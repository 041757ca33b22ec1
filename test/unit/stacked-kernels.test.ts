// The stacked product's kernel (stacked-matmul.wat) on a heap of its own, against float32 sums
// written out term by term: every output from +0 in order of k, one rounded product and one rounded
// add per term (float64 then Math.fround rounds each exactly as float32 does). With zero terms left
// out, where they may be (the .wat says why), the bits must not move: −0, subnormal, overflowing and
// non-finite values included. And the transpose beside it (stacked-elementwise.wat).
import { readFileSync } from 'node:fs';
import { mulberry32 } from '../../src/plugin/random.ts';

const instance = (file: string, memory: WebAssembly.Memory) =>
  new WebAssembly.Instance(new WebAssembly.Module(readFileSync(new URL(`../../src/plugin/layers/${file}`, import.meta.url))), {
    env: { memory },
  }).exports as Record<string, (...args: number[]) => number>;

const memory = new WebAssembly.Memory({ initial: 64 });
const { matmul } = instance('stacked-matmul.wasm', memory);
const { transpose } = instance('stacked-elementwise.wasm', memory);

/** A bump allocator over the test's heap: each call gets fresh, 16-byte aligned room. */
let top = 16;
function place(values: ArrayLike<number>): number {
  const offset = top;
  new Float32Array(memory.buffer, offset, values.length).set(values);
  top += Math.ceil((values.length * 4) / 16) * 16 + 16;
  return offset;
}
const room = (floats: number) => place(new Float32Array(floats));
const bitsAt = (offset: number, count: number) => Array.from(new Uint32Array(memory.buffer, offset, count));
const bitsOf = (values: Float32Array) => Array.from(new Uint32Array(values.buffer));

interface Case {
  seeds: number;
  m: number;
  k: number;
  n: number;
  transposed: boolean;
  a: Float32Array; // [seeds, m, k], or [seeds, k, m] when transposed
  b: Float32Array; // [seeds, k, n]
}

/** c[s] summed term by term in float32, from +0 and in order of k. */
function reference({ seeds, m, k, n, transposed, a, b }: Case): Float32Array {
  const c = new Float32Array(seeds * m * n);
  for (let s = 0; s < seeds; s++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let t = 0; t < k; t++) {
          const x = transposed ? a[s * m * k + t * m + i] : a[s * m * k + i * k + t];
          sum = Math.fround(sum + Math.fround(x * b[s * k * n + t * n + j]));
        }
        c[s * m * n + i * n + j] = sum;
      }
  return c;
}

/** The kernel's c, and what it returned (how many seeds left zero terms or rows out). */
function run(task: Case, skipZeros: boolean): { c: number[]; skipped: number } {
  const { seeds, m, k, n, transposed, a, b } = task;
  // c starts as NaN, so that an output the kernel forgets to write shows.
  const c = place(new Float32Array(seeds * m * n).fill(Number.NaN));
  const scratch = room(2 * m + 3 * k + 4);
  const skipped = matmul(place(a), place(b), c, seeds, m, k, n, transposed ? 1 : 0, 4 * m * k, 4 * k * n, scratch, skipZeros ? 1 : 0);
  return { c: bitsAt(c, seeds * m * n), skipped };
}

/** Values that test the sums: signed zeros, subnormals, ordinary values, some so large that products overflow. */
function drawValue(random: () => number): number {
  const r = random();
  if (r < 0.03) return 1e-42 * (random() - 0.5); // subnormal
  if (r < 0.05) return 3e30 * (random() - 0.5); // products overflow to ±Inf
  if (r < 0.08) return random() < 0.5 ? 0 : -0;
  return random() - 0.5;
}

/**
 * A case whose a has, seed by seed: nothing zero (seed 0), columns of zeros (+0 and −0 mixed) that
 * a product may leave out (seed 1), and rows and columns of zeros (seed 2 on).
 */
function zeroCase(m: number, k: number, n: number, transposed: boolean, seed: number, seeds = 3): Case {
  const random = mulberry32(seed);
  const a = Float32Array.from({ length: seeds * m * k }, () => drawValue(random));
  const b = Float32Array.from({ length: seeds * k * n }, () => drawValue(random));
  const zero = () => (random() < 0.5 ? 0 : -0);
  for (let s = 1; s < seeds; s++) {
    const at = (i: number, t: number) => s * m * k + (transposed ? t * m + i : i * k + t);
    for (let t = 0; t < k; t++) if (t % 3 === s % 3) for (let i = 0; i < m; i++) a[at(i, t)] = zero();
    if (s >= 2) for (let i = 0; i < m; i += 2) for (let t = 0; t < k; t++) a[at(i, t)] = zero();
  }
  return { seeds, m, k, n, transposed, a, b };
}

/** How many seeds' a holds a row or a column of zeros. */
function seedsWithZeros({ seeds, m, k, transposed, a }: Case): number {
  let count = 0;
  for (let s = 0; s < seeds; s++) {
    const at = (i: number, t: number) => a[s * m * k + (transposed ? t * m + i : i * k + t)];
    const zeroRow = Array.from({ length: m }, (_, i) => Array.from({ length: k }, (_, t) => at(i, t)).every((v) => v === 0));
    const zeroColumn = Array.from({ length: k }, (_, t) => Array.from({ length: m }, (_, i) => at(i, t)).every((v) => v === 0));
    if (zeroRow.some(Boolean) || zeroColumn.some(Boolean)) count++;
  }
  return count;
}

test.each([
  ['a layer forward, [32, 70]·[70, 120]', 32, 70, 120, false],
  ['a kernel gradient, [32, 70]ᵀ·[32, 120]', 70, 32, 120, true],
  ['an input gradient, [32, 120]·[120, 70]', 32, 120, 70, false],
  ['ragged: 7 rows, 13 columns', 7, 9, 13, false],
  ['ragged and transposed: 6 rows, 3 columns', 6, 11, 3, true],
  ['one row', 1, 12, 5, false],
  ['one term (an outer product)', 5, 1, 6, false],
])('%s: the float32 sums to the bit, with zero terms and rows left out or not', (_name, m, k, n, transposed) => {
  // Three draws of the small shapes, one of the layer-sized ones (their term-by-term reference is slow).
  for (const seed of (m as number) * (k as number) * (n as number) > 10_000 ? [1] : [1, 2, 3]) {
    const task = zeroCase(m as number, k as number, n as number, transposed as boolean, seed);
    const expected = bitsOf(reference(task));
    const dense = run(task, false);
    const skipping = run(task, true);
    expect(dense.c).toEqual(expected);
    expect(skipping.c).toEqual(expected);
    expect(dense.skipped).toBe(0);
    // b is finite here, so every seed with a row or column of zeros in a leaves it out (seeds 1 and 2
    // at least); an outer product (one term) has nothing to leave out.
    expect(skipping.skipped).toBe(k === 1 ? 0 : seedsWithZeros(task));
    expect(skipping.skipped).toBeGreaterThanOrEqual(k === 1 ? 0 : 2);
  }
});

test('zero terms are left out where b is finite; a seed whose b is not runs whole, and NaN where that makes it', () => {
  const m = 8;
  const k = 10;
  const n = 9;
  const seeds = 4;
  const random = mulberry32(7);
  const a = Float32Array.from({ length: seeds * m * k }, () => random() - 0.5);
  const b = Float32Array.from({ length: seeds * k * n }, () => random() - 0.5);
  const zeroColumn = (s: number, t: number) => {
    for (let i = 0; i < m; i++) a[s * m * k + i * k + t] = i % 2 ? -0 : 0;
  };
  // Seed 0: column 3 of a is zero, b finite: left out. Seed 1: the same, but b's row 3 holds Inf:
  // 0·Inf is NaN, so every output of that column is NaN and the seed must run whole.
  zeroColumn(0, 3);
  zeroColumn(1, 3);
  b[1 * k * n + 3 * n + 4] = Number.POSITIVE_INFINITY;
  // Seed 2: column 5 zero, NaN in b's row 6 (a term kept): still left out, NaN where it belongs.
  zeroColumn(2, 5);
  b[2 * k * n + 6 * n + 2] = Number.NaN;
  // Seed 3: row 4 of a is zero, and b holds −Inf somewhere: the row is NaN there, so it runs whole.
  for (let t = 0; t < k; t++) a[3 * m * k + 4 * k + t] = 0;
  b[3 * k * n + 7 * n + 1] = Number.NEGATIVE_INFINITY;
  const task = { seeds, m, k, n, transposed: false, a, b };
  const expected = reference(task);
  const result = run(task, true);
  expect(result.c).toEqual(bitsOf(expected));
  expect(result.skipped).toBe(2); // seeds 0 and 2
  expect(Number.isNaN(expected[1 * m * n + 0 * n + 4])).toBe(true);
  expect(Number.isNaN(expected[3 * m * n + 4 * n + 1])).toBe(true);
  expect(Number.isNaN(expected[2 * m * n + 0 * n + 2])).toBe(true);
});

test('the skips are counted per seed: columns, rows, both, none', () => {
  const m = 4;
  const k = 8;
  const n = 8;
  const a = new Float32Array(4 * m * k).fill(1);
  const b = new Float32Array(4 * k * n).fill(2);
  for (let i = 0; i < m; i++) a[0 * m * k + i * k + 2] = 0; // seed 0: a column
  for (let t = 0; t < k; t++) a[1 * m * k + 1 * k + t] = -0; // seed 1: a row
  // seed 2: nothing zero; seed 3: a row and a column
  for (let t = 0; t < k; t++) a[3 * m * k + 3 * k + t] = 0;
  for (let i = 0; i < m; i++) a[3 * m * k + i * k + 5] = 0;
  const task = { seeds: 4, m, k, n, transposed: false, a, b };
  const result = run(task, true);
  expect(result.skipped).toBe(3);
  // Hand-computed: 1·2 summed over the terms left: 7 terms → 14, 8 → 16; a row of zeros → +0.
  const c = new Float32Array(new Uint32Array(result.c).buffer);
  expect(c[0]).toBe(14);
  expect(Object.is(c[1 * m * n + 1 * n], 0)).toBe(true);
  expect(c[1 * m * n]).toBe(16);
  expect(c[2 * m * n]).toBe(16);
  expect(c[3 * m * n]).toBe(14);
});

test.each([
  [1, 1],
  [3, 5],
  [4, 4],
  [70, 120],
  [32, 1],
  [9, 6],
])('transpose of [3, %i, %i]: every bit moved, NaN payloads and −0 included', (rows, cols) => {
  const seeds = 3;
  const random = mulberry32(rows * 100 + cols);
  const bits = Uint32Array.from({ length: seeds * rows * cols }, () => Math.floor(random() * 2 ** 32));
  bits[0] = 0x80000000; // −0
  if (bits.length > 1) bits[1] = 0x7fc01234; // a NaN with a payload
  const x = place(new Float32Array(bits.buffer));
  const out = room(seeds * rows * cols);
  transpose(x, out, seeds, rows, cols);
  const got = bitsAt(out, seeds * rows * cols);
  const expected: number[] = [];
  for (let s = 0; s < seeds; s++)
    for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) expected.push(bits[s * rows * cols + i * cols + j]);
  expect(got).toEqual(expected);
});
