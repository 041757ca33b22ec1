// runexp's training loop against model.fit. The loop's arithmetic is fit's: the same seed, order,
// loss and epoch-loss averaging. Two parts differ in rounding only: the tape-free gradients
// (backprop.ts, checked against the tape in backprop.test.ts) and the wasm matmul wrapper, whose
// tolerance is tested here. Adam's update outside tfjs (adam.ts, adam.wat) is tfjs's to the last bit.
import { readFileSync } from 'node:fs';
import { paperArchitecture } from '../../bench/paper-architecture.ts';
import { compileWat, WAT_FILES } from '../../scripts/wat.ts';
import { loadBackend } from '../../src/execute/backend.ts';
import { useXnnpackForTransposedMatMul } from '../../src/execute/wasm-matmul.ts';
import { buildModel } from '../../src/plugin/kit/model.ts';
import { mulberry32 } from '../../src/plugin/kit/data.ts';
import type { Tf } from '../../src/plugin/index.ts';
import { WasmAdam } from '../../src/plugins/train/adam.ts';
import { trainEpoch, validationLoss } from '../../src/plugins/train/loop.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadBackend('wasm')).tf;
});

const architecture = paperArchitecture('linear');
const relative = (a: number, b: number) => Math.abs(a / b - 1);

test.each(['wasm', 'cpu'])("%s: Adam in WebAssembly is tfjs's AdamOptimizer to the last bit", async (backend) => {
  await tf.setBackend(backend);
  const random = mulberry32(13);
  const shapes = [[70, 120], [120], [5]];
  const start = shapes.map((shape) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() - 0.5));
  const variables = (prefix: string) => shapes.map((shape, i) => tf.variable(tf.tensor(start[i], shape), true, `${prefix}${i}`));
  const viaTfjs = variables('tfjs');
  const viaWasm = variables('wasm');
  const tfjsAdam = tf.train.adam(0.01);
  const wasmAdam = new WasmAdam(tf, tf.train.adam(0.01) as never);
  for (let step = 0; step < 25; step++) {
    // gradients over many magnitudes, zeros among them
    const grads = shapes.map((shape) =>
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () =>
        random() < 0.1 ? 0 : (random() - 0.5) * 10 ** Math.floor(random() * 8 - 4),
      ),
    );
    const named = (vars: typeof viaWasm) => Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(grads[i], shapes[i])]));
    const forTfjs = named(viaTfjs);
    const forWasm = named(viaWasm);
    tfjsAdam.applyGradients(forTfjs as never);
    wasmAdam.apply(viaWasm, forWasm);
    tf.dispose([...Object.values(forTfjs), ...Object.values(forWasm)]);
  }
  viaWasm.forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(Array.from(viaTfjs[i].dataSync())));
  tf.dispose([...viaWasm, ...viaTfjs]);
  tfjsAdam.dispose();
  await tf.setBackend('wasm');
});

test.each(['meanSquaredError', 'meanAbsoluteError'] as const)(
  '%s: the loop trains like model.fit, within 1e-5 after 7 epochs',
  async (loss) => {
    const random = mulberry32(7);
    // 203 windows: the last batch of 32 is partial (11), as it usually is.
    const x = tf.tensor3d(
      Float32Array.from({ length: 203 * 14 }, () => random()),
      [203, 14, 1],
    );
    const y = tf.tensor2d(
      Float32Array.from({ length: 203 }, () => random()),
      [203, 1],
    );
    const xVal = tf.tensor3d(
      Float32Array.from({ length: 45 * 14 }, () => random()),
      [45, 14, 1],
    );
    const yVal = tf.tensor2d(
      Float32Array.from({ length: 45 }, () => random()),
      [45, 1],
    );
    const viaFit = buildModel(tf, architecture, [14, 1], 5);
    const viaLoop = buildModel(tf, architecture, [14, 1], 5);
    for (const model of [viaFit, viaLoop]) model.compile({ optimizer: tf.train.adam(0.01), loss });
    await trainEpoch(tf, viaLoop, loss, x, y, 32); // the optimizer's state exists from here on
    await viaFit.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    const tensorsBefore = tf.memory().numTensors;
    for (let epoch = 0; epoch < 6; epoch++) {
      const history = await viaFit.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, validationData: [xVal, yVal], verbose: 0 });
      const trainLoss = await trainEpoch(tf, viaLoop, loss, x, y, 32);
      expect(relative(trainLoss, history.history.loss[0] as number)).toBeLessThan(1e-5);
      expect(relative(validationLoss(tf, viaLoop, loss, xVal, yVal, 32), history.history.val_loss[0] as number)).toBeLessThan(1e-5);
    }
    // neither the loop nor its optimizer leaves tensors behind
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const weights = (m: typeof viaFit) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));
    const fit = weights(viaFit);
    const scale = Math.max(...fit.map(Math.abs));
    expect(Math.max(...weights(viaLoop).map((w, i) => Math.abs(w - fit[i])))).toBeLessThan(1e-5 * scale);
    tf.dispose([x, y, xVal, yVal]);
    for (const model of [viaFit, viaLoop]) {
      model.optimizer.dispose();
      model.dispose();
    }
  },
);

describe('transposed products on XNNPACK (src/execute/wasm-matmul.ts)', () => {
  afterAll(() => useXnnpackForTransposedMatMul(tf, true));

  test.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('transposeA=%s transposeB=%s: each product is within float32 rounding of the float64 sum', (transposeA, transposeB) => {
    const random = mulberry32(3);
    // a batch of 2 products of [32, 70] × [70, 120] (the paper's first Dense layer), stored transposed where asked
    const [m, k, n] = [32, 70, 120];
    const a = Float32Array.from({ length: 2 * m * k }, () => random() * 2 - 1);
    const b = Float32Array.from({ length: 2 * k * n }, () => random() * 2 - 1);
    const at = (x: Float32Array, batch: number, rows: number, cols: number, r: number, c: number, transposed: boolean) =>
      transposed ? x[batch * rows * cols + c * rows + r] : x[batch * rows * cols + r * cols + c];
    const product = tf.matMul(
      tf.tensor3d(a, transposeA ? [2, k, m] : [2, m, k]),
      tf.tensor3d(b, transposeB ? [2, n, k] : [2, k, n]),
      transposeA,
      transposeB,
    );
    const got = product.dataSync();
    let worst = 0;
    for (let batch = 0; batch < 2; batch++) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          let magnitude = 0;
          for (let p = 0; p < k; p++) {
            const term = at(a, batch, m, k, i, p, transposeA) * at(b, batch, k, n, p, j, transposeB);
            sum += term;
            magnitude += Math.abs(term);
          }
          // error relative to the sum of |terms|: the bound float32 summation guarantees is k·2⁻²⁴
          worst = Math.max(worst, Math.abs(got[(batch * m + i) * n + j] - sum) / magnitude);
        }
      }
    }
    expect(worst).toBeLessThan(k * 2 ** -24);
    product.dispose();
  });

  test("training on them stays within 1e-6 of wasm's own kernel after 5 epochs (the documented tolerance; measured 7e-8)", async () => {
    const random = mulberry32(9);
    const x = tf.tensor3d(
      Float32Array.from({ length: 203 * 14 }, () => random()),
      [203, 14, 1],
    );
    const y = tf.tensor2d(
      Float32Array.from({ length: 203 }, () => random()),
      [203, 1],
    );
    const trained = async (xnnpack: boolean) => {
      useXnnpackForTransposedMatMul(tf, xnnpack);
      const model = buildModel(tf, architecture, [14, 1], 5);
      model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
      const losses: number[] = [];
      for (let epoch = 0; epoch < 5; epoch++) losses.push(await trainEpoch(tf, model, 'meanSquaredError', x, y, 32));
      const weights = model.getWeights().flatMap((w) => Array.from(w.dataSync()));
      model.optimizer.dispose();
      model.dispose();
      return { losses, weights };
    };
    const plain = await trained(false);
    const fast = await trained(true);
    // the kernels really differ (else this test would prove nothing) ...
    expect(fast.weights).not.toEqual(plain.weights);
    // ... by float32 rounding only
    const scale = Math.max(...plain.weights.map(Math.abs));
    expect(Math.max(...fast.weights.map((w, i) => Math.abs(w - plain.weights[i])))).toBeLessThan(1e-6 * scale);
    fast.losses.forEach((loss, i) => expect(Math.abs(loss / plain.losses[i] - 1)).toBeLessThan(1e-6));
    tf.dispose([x, y]);
  });
});

test.each(WAT_FILES)('the committed binary of %s is what it compiles to', async (file) => {
  const built = await compileWat(file);
  expect(Buffer.from(readFileSync(file.replace(/\.wat$/, '.wasm'))).equals(Buffer.from(built))).toBe(true);
});
