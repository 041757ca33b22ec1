// Seeds trained as one computation (src/plugins/train/stacked.ts) against the same seeds trained
// one by one: the same weights, losses, epochs and redraws, to the last bit. And the pieces that
// make that hold: the stacked product sums as tf.matMul (XNNPACK) does, per seed.
import { paperArchitecture, paperWindows } from '../../bench/paper-architecture.ts';
import { loadBackend } from '../../src/execute/backend.ts';
import { seedStacks } from '../../src/plan/seed-stacks.ts';
import type { TrainGroup } from '../../src/plan/types.ts';
import type { Architecture, Tf, TrainRequest, TrainResult, WindowedData } from '../../src/plugin/index.ts';
import { disposeModel } from '../../src/plugin/kit/model.ts';
import { maskHooks, type WeightMask } from '../../src/plugin/kit/prune.ts';
import { canStackMatMul, stackedBiasedMatMul, stackedColumnSums, stackedMatMul, stackedReluGradient } from '../../src/plugin/kit/model.ts';
import { mulberry32 } from '../../src/plugin/random.ts';
import { trainingEvents } from '../../src/plugin/training-events.ts';
import { trainerOptions } from '../../src/plugins/train/options.ts';
import tfjs from '../../src/plugins/train/tfjs.ts';

let tf: Tf;
let data: WindowedData;
beforeAll(async () => {
  tf = (await loadBackend('wasm')).tf;
  data = await paperWindows();
});

const bits = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync(), (v) => (Object.is(v, -0) ? '-0' : String(v)));

test.each([
  ['a product', [32, 70], [70, 120], false, false],
  ['Xᵀ·dZ', [32, 70], [32, 120], true, false],
  ['dZ·Wᵀ', [32, 120], [70, 120], false, true],
  ['a one-column output', [7, 120], [120, 1], false, false],
  ['a one-column output from many rows (computed transposed)', [32, 120], [120, 1], false, false],
  ['a one-column Xᵀ·dZ (computed transposed)', [32, 120], [32, 1], true, false],
  ['ragged rows and columns', [13, 5], [5, 11], false, false],
])('stackedMatMul: %s is tf.matMul per seed, to the bit', (_name, aShape, bShape, transposeA, transposeB) => {
  expect(canStackMatMul(tf)).toBe(true);
  const seeds = 3;
  const random = mulberry32(5);
  const draw = (shape: number[]) =>
    tf.tensor(
      Float32Array.from({ length: seeds * shape[0] * shape[1] }, () => random() - 0.5),
      [seeds, ...shape],
    );
  const a = draw(aShape as number[]);
  const b = draw(bShape as number[]);
  const stacked = stackedMatMul(tf, a, b, transposeA as boolean, transposeB as boolean);
  for (let s = 0; s < seeds; s++) {
    const own = (t: typeof a) => tf.reshape(tf.slice(t, [s, 0, 0], [1, ...t.shape.slice(1)]), t.shape.slice(1));
    const alone = tf.matMul(own(a) as never, own(b) as never, transposeA as boolean, transposeB as boolean);
    expect(bits(own(stacked))).toEqual(bits(alone));
  }
});

test('stackedMatMul: one input shared by every seed (the validation windows)', () => {
  const x = tf.tensor([[1, 2, 3]], [1, 1, 3]);
  const w = tf.tensor([1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 1], [2, 3, 2]);
  // seed 0: [1,2,3]·[[1,0],[0,0],[1,0]] = [4, 0]; seed 1: [1,2,3]·[[0,0],[2,0],[0,1]] = [4, 3]
  expect(Array.from(stackedMatMul(tf, x, w).dataSync())).toEqual([4, 0, 4, 3]);
});

test.each([
  ['ReLU', true, [32, 70], [70, 120]],
  ['linear', false, [32, 120], [120, 1]],
  ['ragged', true, [13, 5], [5, 11]],
])(
  'stackedBiasedMatMul (%s), stackedReluGradient, stackedColumnSums: the tfjs ops per seed, to the bit, −0 and NaN included',
  (_name, relu, aShape, bShape) => {
    const seeds = 3;
    const random = mulberry32(9);
    const draw = (shape: number[]) => Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => random() - 0.5);
    const [m, k] = aShape as number[];
    const n = (bShape as number[])[1];
    const aValues = draw([seeds, m, k]);
    // A row of zeros with a −0 bias gives z = −0 (ReLU: +0); a NaN gives NaN all along its row.
    aValues.fill(0, 0, k);
    aValues[k * 2] = Number.NaN;
    const a = tf.tensor(aValues, [seeds, m, k]);
    const b = tf.tensor(draw([seeds, k, n]), [seeds, k, n]);
    const biasValues = draw([seeds, n]);
    biasValues[0] = -0;
    const bias = tf.tensor(biasValues, [seeds, n]);
    const { z, output } = stackedBiasedMatMul(tf, a, b, bias, relu as boolean);
    const da = tf.tensor(draw([seeds, m, n]), [seeds, m, n]);
    const dz = relu ? stackedReluGradient(tf, da, z) : da;
    const sums = stackedColumnSums(tf, dz);
    const own = (t: typeof a, s: number) =>
      tf.reshape(tf.slice(t, [s, ...t.shape.slice(1).map(() => 0)], [1, ...t.shape.slice(1)]), t.shape.slice(1));
    for (let s = 0; s < seeds; s++) {
      const zAlone = tf.add(tf.matMul(own(a, s) as never, own(b, s) as never), own(bias, s));
      expect(bits(own(z, s))).toEqual(bits(zAlone));
      expect(bits(own(output, s))).toEqual(bits(relu ? tf.relu(zAlone) : zAlone));
      const dzAlone = relu ? tf.mul(own(da, s), tf.step(zAlone)) : own(da, s);
      expect(bits(own(dz, s))).toEqual(bits(dzAlone));
      expect(bits(own(sums, s))).toEqual(bits(tf.sum(dzAlone, 0)));
    }
    if (relu) {
      expect(bits(output).slice(0, 1)).toEqual(['0']); // relu(−0) is +0, as tf.relu gives
      expect(bits(dz).some((v) => v === '-0')).toBe(true); // a negative da times step 0 stays −0
    }
  },
);

const options = (o: Record<string, unknown>) => trainerOptions.parse(o);
const request = (seed: number, architecture: Architecture) => ({ data, architecture, seed, events: trainingEvents([]) });
const context = (seed: number) => ({ tf, seed, random: mulberry32(seed), log: () => {} });
const summary = (r: TrainResult | Error) =>
  r instanceof Error
    ? { error: r.message }
    : { ...r, model: r.model.getWeights().map(bits), timeMs: 0, peakTensorBytes: 0, stack: undefined };

test('three seeds stacked train as each does alone: weights, losses, best epoch, early stop, redraws', async () => {
  // Seed 9 needs a redrawn initialisation (its ReLU output starts dead); patience 2 stops seeds at
  // different epochs, so seeds leave the stack while others go on.
  const architecture = paperArchitecture('relu');
  const o = options({ epochs: 9, earlyStopping: { patience: 2 } });
  const seeds = [9, 4, 7];
  const alone = [];
  for (const seed of seeds) alone.push(await tfjs.run(request(seed, architecture), o, context(seed)));
  const stacked = (await tfjs.runStacked!(
    seeds.map((s) => request(s, architecture)),
    o,
    seeds.map(context),
  ))!;
  expect(stacked.map(summary)).toEqual(alone.map(summary));
  expect(alone.map((r) => r.redraws)).toContain(1);
  expect(new Set(alone.map((r) => r.epochs)).size).toBeGreaterThan(1);
  for (const r of stacked) expect(r).toMatchObject({ stack: { seeds: 3 } });
  [...alone, ...stacked].forEach((r) => (r as TrainResult).model.dispose());
}, 60_000);

test("pruners' trainings stacked train as each does alone: starting weights, epoch limits, masks held", async () => {
  // What lottery levels, fine-tuning and SNIP ask for: from given weights (or a fresh seed), with
  // masks held, some with an epoch limit of their own; one seed without masks.
  const architecture = paperArchitecture('relu');
  const o = options({ epochs: 6, earlyStopping: { patience: 3 } });
  const start = (await tfjs.run({ ...request(3, architecture), epochs: 2 }, o, context(3))).model;
  const random = mulberry32(17);
  const mask = (share: number): WeightMask[] => [
    { layer: 'dense', weight: 'kernel', keep: Uint8Array.from({ length: 8400 }, () => (random() < share ? 0 : 1)) },
  ];
  const asked: Array<Partial<TrainRequest> & { seed: number }> = [
    { seed: 3, init: start, masks: mask(0.5) },
    { seed: 3, init: start, masks: mask(0.9), epochs: 2 },
    { seed: 5, masks: mask(0.35) },
    { seed: 3, init: start, epochs: 4 },
  ];
  const alone = [];
  for (const a of asked) {
    const events = trainingEvents(a.masks ? [maskHooks(tf, () => a.masks!)] : []);
    alone.push(await tfjs.run({ ...request(a.seed, architecture), ...a, masks: undefined, events, keepDead: true }, o, context(a.seed)));
  }
  const before = tf.memory().numTensors;
  const stacked = (await tfjs.runStacked!(
    asked.map((a) => ({ ...request(a.seed, architecture), ...a, keepDead: true })),
    o,
    asked.map((a) => context(a.seed)),
  ))!;
  expect(stacked.map(summary)).toEqual(alone.map(summary));
  expect(alone.map((r) => r.epochs)).toEqual([expect.any(Number), 2, expect.any(Number), 4]);
  // Every masked weight is +0 in the stacked results, as maskHooks leaves it.
  const kernel = (r: TrainResult) => r.model.getLayer('dense').getWeights()[0].dataSync();
  const held = (stacked[1] as TrainResult).model;
  expect(
    Array.from(kernel(stacked[1] as TrainResult))
      .filter((_, k) => !asked[1].masks![0].keep[k])
      .every((v) => Object.is(v, 0)),
  ).toBe(true);
  expect(held.getLayer('dense').getWeights()[0].size).toBe(8400);
  // The stack leaves nothing behind but the models it returns.
  stacked.forEach((r) => disposeModel((r as TrainResult).model));
  expect(tf.memory().numTensors).toBe(before);
  [...alone.map((r) => r.model), start].forEach((m) => disposeModel(m));
}, 60_000);

test('stacking falls back (undefined) where a layer kind has no stacked pass, or for another optimizer', async () => {
  const recurrent: Architecture = {
    name: 'lstm',
    layers: [
      { type: 'lstm', units: 4 },
      { type: 'dense', units: 1 },
    ] as never,
  };
  const before = tf.memory().numTensors;
  expect(
    await tfjs.runStacked!(
      [1, 2].map((s) => request(s, recurrent)),
      options({ epochs: 1 }),
      [1, 2].map(context),
    ),
  ).toBeUndefined();
  const paper = paperArchitecture('linear');
  expect(
    await tfjs.runStacked!(
      [1, 2].map((s) => request(s, paper)),
      options({ optimizer: 'sgd' }),
      [1, 2].map(context),
    ),
  ).toBeUndefined();
  expect(tf.memory().numTensors).toBe(before);
});

describe('seedStacks', () => {
  const paper = paperArchitecture('linear');
  const group = (seed: number, days = 1250, architecture: Architecture = paper): TrainGroup =>
    ({
      trainKey: `k${seed}-${days}`,
      datasetKey: 'SPY',
      seed,
      architecture,
      ranges: { train: { days } },
      runs: [],
    }) as unknown as TrainGroup;

  test('groups that differ only in seed stack; others do not', () => {
    const stacks = seedStacks([group(1), group(2), group(3, 500), group(4)], 16, 1);
    expect(stacks.map((s) => s.map((g) => g.trainKey))).toEqual([['k1-1250', 'k2-1250', 'k4-1250']]);
  });

  test('no stack for an architecture with a layer kind that has no stacked pass', () => {
    const lstm = {
      name: 'lstm',
      layers: [
        { type: 'lstm', units: 4 },
        { type: 'dense', units: 1 },
      ],
    } as unknown as Architecture;
    expect(seedStacks([group(1, 1250, lstm), group(2, 1250, lstm)], 16, 1)).toEqual([]);
  });

  test('cut into even stacks of at most the limit, and into one per worker when fewer', () => {
    const ten = Array.from({ length: 10 }, (_, i) => group(i));
    expect(seedStacks(ten, 4, 1).map((s) => s.length)).toEqual([4, 3, 3]);
    expect(seedStacks(ten, 16, 2).map((s) => s.length)).toEqual([5, 5]);
    expect(seedStacks(ten, 1, 2)).toEqual([]);
  });
});
