// Benchmarks, reported as ratios against a baseline measured in the same process (absolute
// times drift on shared machines). `npm run bench` prints a markdown table.
//   0. training the paper's model: runexp's trainer vs model.fit on wasm's own kernels (before issue 11);
//   1. training the paper's model: wasm backend vs the pure-JS cpu backend;
//   2. inference on 20,000 windows: the compact (35% zeros) vs the original model, same backend;
//   3. a small grid end to end: 2 workers vs 1 worker; the same for two long trainings, and the
//      machine's ceiling for them (two separate processes at once vs one alone);
//   3b. the same grid through BullMQ on a local Redis, 1 and 2 worker processes (bench/queue.ts);
//   4. structured compaction: measured speedup against the MAC ratio (bench/structured.ts);
//   5. peers and tracked figures (bench/peers.ts): PyTorch training and prediction when python3 has
//      torch, ONNX Runtime prediction on the exported model, experiments/paper.yaml fresh and rerun,
//      a user's install size;
//   6. studies in minutes (bench/studies.ts): 10 seeds stacked vs one after another, paper-rigorous.yaml
//      with and without stacking (time, peak memory) and its report. The last line is JSON.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildModel } from '../src/plugin/kit/model.ts';
import { mulberry32 } from '../src/plugin/kit/data.ts';
import { trainingEvents } from '../src/plugin/training-events.ts';
import type { Tf } from '../src/plugin/index.ts';
import { loadBackend } from '../src/execute/backend.ts';
import { useXnnpackForTransposedMatMul } from '../src/execute/wasm-matmul.ts';
import { paperArchitecture, paperWindows } from './paper-architecture.ts';
import { onnxruntimePeer, paperYamlSeconds, pytorchMissing, pytorchPeer, userInstall } from './peers.ts';
import { queueRows } from './queue.ts';
import { studyFigures } from './studies.ts';
import { structuredSpeedRows } from './structured.ts';
import tfjs from '../src/plugins/train/tfjs.ts';
import { trainEpoch, validationLoss } from '../src/plugins/train/loop.ts';
import magnitude from '../src/plugins/prune/magnitude.ts';

const PAPER = paperArchitecture('linear');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ctx = (tf: Tf, seed: number) => ({ tf, seed, random: mulberry32(seed), log: () => {} });

async function trainSeconds(backend: 'wasm' | 'cpu'): Promise<number> {
  const { tf } = await loadBackend(backend);
  await tf.setBackend(backend);
  const data = await paperWindows();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = await tfjs.run(
      { data, architecture: PAPER, seed: 11 + i, events: trainingEvents([]) },
      {
        epochs: 20,
        batchSize: 32,
        optimizer: 'adam',
        learningRate: 0.001,
        loss: 'meanSquaredError',
        earlyStopping: false,
        redrawDeadInit: 5,
      },
      ctx(tf, 11 + i),
    );
    times.push((performance.now() - t0) / 1000);
    r.model.dispose();
  }
  return median(times);
}

/**
 * The trainer as it is against the way it trained before issue 11 (the baseline): model.fit with
 * tfjs's Adam on wasm's own matmul kernel. In one process and interleaved. Adam in WebAssembly is
 * bit-identical to tfjs's; the tape-free gradients and the XNNPACK matmul for transposed inputs
 * change the last bits, and the weights stay within 1e-5 (test/unit/training-loop.test.ts).
 */
async function loopVersusFitSeconds(): Promise<{ fit: number; loop: number }> {
  const { tf } = await loadBackend('wasm');
  const data = await paperWindows();
  const x = tf.tensor3d(data.train.x, [data.train.count, data.lookback, data.features]);
  const y = tf.tensor2d(data.train.y, [data.train.count, 1]);
  const xVal = tf.tensor3d(data.validation.x, [data.validation.count, data.lookback, data.features]);
  const yVal = tf.tensor2d(data.validation.y, [data.validation.count, 1]);
  const once = async (how: 'fit' | 'loop') => {
    const model = buildModel(tf, PAPER, [14, 1], 11);
    model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
    useXnnpackForTransposedMatMul(tf, how === 'loop');
    const t0 = performance.now();
    for (let epoch = 0; epoch < 20; epoch++) {
      if (how === 'fit') await model.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, validationData: [xVal, yVal], verbose: 0 });
      else {
        await trainEpoch(tf, model, 'meanSquaredError', x, y, 32);
        validationLoss(tf, model, 'meanSquaredError', xVal, yVal, 32);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    model.optimizer.dispose();
    model.dispose();
    return seconds;
  };
  const fit: number[] = [];
  const loop: number[] = [];
  for (let i = 0; i < 3; i++) {
    fit.push(await once('fit'));
    loop.push(await once('loop'));
  }
  useXnnpackForTransposedMatMul(tf, true);
  tf.dispose([x, y, xVal, yVal]);
  return { fit: median(fit), loop: median(loop) };
}

async function inferenceMs(batchSize: number): Promise<{ original: number; compact: number }> {
  const { tf } = await loadBackend('wasm');
  await tf.setBackend('wasm');
  const original = buildModel(tf, PAPER, [14, 1], 3);
  const data = { lookback: 14, features: 1 } as never;
  const pruned = await magnitude.run(
    {
      model: original,
      dense: original,
      architecture: PAPER,
      data,
      seed: 3,
      train: () => Promise.reject(new Error('one-shot pruning does not train')),
    },
    { percentile: 35, layers: 'first-dense', scope: 'layer' },
    ctx(tf, 3),
  );
  const x = tf.randomUniform([20_000, 14, 1], 0, 1, 'float32', 1);
  const time = (model: typeof original, batchSize: number) => {
    for (let i = 0; i < 3; i++) tf.tidy(() => (model.predict(x, { batchSize }) as InstanceType<Tf['Tensor']>).dataSync());
    const ts: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      tf.tidy(() => (model.predict(x, { batchSize }) as InstanceType<Tf['Tensor']>).dataSync());
      ts.push(performance.now() - t0);
    }
    return median(ts);
  };
  // Interleave to share any drift in machine load between the two.
  const a = time(original, batchSize);
  const b = time(pruned.model, batchSize);
  const a2 = time(original, batchSize);
  return { original: (a + a2) / 2, compact: b };
}

const GRID_SPEC = `name: bench\nseeds: [1, 3]\ndata: {ticker: SPY, days: [600, 800, 1000]}\ntest: {days: 50}\narchitectures:\n  paper:\n    - {type: conv1d, filters: 5, kernelSize: 1, activation: relu}\n    - {type: flatten}\n    - {type: dense, units: 120, activation: relu}\n    - {type: dense, units: 1}\ntrain: {plugin: tfjs, epochs: 40, earlyStopping: false, redrawDeadInit: 5}\nprune: {plugin: magnitude, percentile: [20, 35, 50]}\nmeasure: {plugin: standard, warmup: 1, repeats: 5}\n`;
// Two long trainings (8,000 windows, 20 epochs), where start-up and JIT warm-up hardly count.
const LONG_SPEC = (seeds: string) =>
  `name: long\nseeds: ${seeds}\ndata: {ticker: ^GSPC, days: 10000}\ntest: {days: 50}\narchitectures:\n  paper:\n    - {type: conv1d, filters: 5, kernelSize: 1, activation: relu}\n    - {type: flatten}\n    - {type: dense, units: 120, activation: relu}\n    - {type: dense, units: 1}\ntrain: {plugin: tfjs, epochs: 20, earlyStopping: false, redrawDeadInit: 5}\nprune: {plugin: magnitude, percentile: 35}\nmeasure: {plugin: standard, warmup: 1, repeats: 5}\n`;

/** Wall seconds until every one of some `runexp` processes, started together (one per spec), has finished. */
/**
 * Seeds are not stacked here (`--stack-seeds 1`): these rows measure how work spreads over
 * workers, and a stack puts the seeds of one model on one worker (bench/studies.ts measures that).
 */
async function gridSeconds(specs: string[], workers: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    specs.map((spec) => {
      const dir = mkdtempSync(join(tmpdir(), 'runexp-bench-'));
      writeFileSync(join(dir, 'spec.yaml'), spec);
      const child = spawn(
        process.execPath,
        [resolve('bin/runexp.js'), 'spec.yaml', '--no-report', '--workers', String(workers), '--stack-seeds', '1'],
        {
          cwd: dir,
          env: { ...process.env, CI: 'true' },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      return new Promise<void>((done, fail) =>
        child.on('close', (code) => (code === 0 ? done() : fail(new Error(`grid failed: ${stderr}`)))),
      );
    }),
  );
  return (performance.now() - t0) / 1000;
}

const loopVsFit = await loopVersusFitSeconds();
const wasm = await trainSeconds('wasm');
const cpu = await trainSeconds('cpu');
const oneBatch = await inferenceMs(20_000);
const batched = await inferenceMs(32);
const one = await gridSeconds([GRID_SPEC], 1);
const two = await gridSeconds([GRID_SPEC], 2);
const queued = await queueRows(GRID_SPEC, { one, two });
// Long trainings: 2 workers against 1, and the machine's own ceiling for two trainings at once
// (two separate processes, nothing shared but the cores).
const longOne = await gridSeconds([LONG_SPEC('[1, 3]')], 1);
const longTwo = await gridSeconds([LONG_SPEC('[1, 3]')], 2);
const alone = await gridSeconds([LONG_SPEC('[1]')], 0);
const twoProcesses = await gridSeconds([LONG_SPEC('[1]'), LONG_SPEC('[3]')], 0);
const structured = await structuredSpeedRows();
const pytorchSkipped = pytorchMissing();
const peer = pytorchSkipped ? undefined : await pytorchPeer((await loadBackend('wasm')).tf, await paperWindows());
// The recurrent kinds train on tfjs's tape (backprop.ts covers conv1d, flatten and dense).
const recurrentPeers = pytorchSkipped
  ? undefined
  : {
      lstm: await pytorchPeer((await loadBackend('wasm')).tf, await paperWindows(), 1, 'lstm'),
      gru: await pytorchPeer((await loadBackend('wasm')).tf, await paperWindows(), 1, 'gru'),
    };
const ort = await onnxruntimePeer((await loadBackend('wasm')).tf);
const paper = paperYamlSeconds();
// Studies in minutes (issue 28): stacked seeds against one after another, and a study both ways.
const studies = await studyFigures((await loadBackend('wasm')).tf, await paperWindows(), peer?.pytorchTrainSeconds);
const install = userInstall();
const rows = [
  [
    "train the paper model (1,000 windows, 20 epochs, wasm): model.fit on wasm's own kernels (before issue 11) / runexp's trainer",
    `${loopVsFit.fit.toFixed(2)} s / ${loopVsFit.loop.toFixed(2)} s`,
    `${(loopVsFit.fit / loopVsFit.loop).toFixed(2)}× faster, weights within 1e-5`,
  ],
  [
    'train the paper model (1,000 windows, 20 epochs): cpu / wasm',
    `${cpu.toFixed(2)} s / ${wasm.toFixed(2)} s`,
    `wasm ${(cpu / wasm).toFixed(2)}× faster`,
  ],
  [
    'predict 20,000 windows in one batch: compact (35% zeros) / original, wasm',
    `${oneBatch.compact.toFixed(1)} ms / ${oneBatch.original.toFixed(1)} ms`,
    `${(oneBatch.compact / oneBatch.original).toFixed(2)}×`,
  ],
  [
    'predict 20,000 windows in batches of 32: compact / original, wasm',
    `${batched.compact.toFixed(1)} ms / ${batched.original.toFixed(1)} ms`,
    `${(batched.compact / batched.original).toFixed(2)}×`,
  ],
  [
    'predict 20,000 windows, original: batches of 32 / one batch',
    `${batched.original.toFixed(1)} ms / ${oneBatch.original.toFixed(1)} ms`,
    `one batch ${(batched.original / oneBatch.original).toFixed(1)}× faster`,
  ],
  [
    'grid of 6 trainings, 18 runs: 1 worker / 2 workers',
    `${one.toFixed(1)} s / ${two.toFixed(1)} s`,
    `${(one / two).toFixed(2)}× faster with 2`,
  ],
  [
    '2 long trainings (8,000 windows, 20 epochs): 1 worker / 2 workers',
    `${longOne.toFixed(1)} s / ${longTwo.toFixed(1)} s`,
    `${(longOne / longTwo).toFixed(2)}× faster with 2`,
  ],
  [
    "the machine's ceiling: 1 long training alone ×2 / 2 separate processes at once",
    `${(2 * alone).toFixed(1)} s / ${twoProcesses.toFixed(1)} s`,
    `${((2 * alone) / twoProcesses).toFixed(2)}× at most`,
  ],
  ...queued.rows,
];
const peerRows = peer
  ? [
      [
        `train the paper model (1,000 windows, 50 epochs, batch 32): runexp wasm / PyTorch ${peer.torch}, 1 thread`,
        `${peer.runexpTrainSeconds.toFixed(2)} s / ${peer.pytorchTrainSeconds.toFixed(2)} s`,
        `runexp takes ${(peer.runexpTrainSeconds / peer.pytorchTrainSeconds).toFixed(2)}×`,
      ],
      [
        'predict 20,000 windows in one batch: runexp wasm / PyTorch',
        `${peer.runexpPredictMs.toFixed(1)} ms / ${peer.pytorchPredictMs.toFixed(1)} ms`,
        `runexp takes ${(peer.runexpPredictMs / peer.pytorchPredictMs).toFixed(2)}×`,
      ],
    ]
  : [['PyTorch peer', 'skipped', pytorchSkipped!]];
const recurrentRows = recurrentPeers
  ? Object.entries(recurrentPeers).map(([kind, r]) => [
      `train the ${kind.toUpperCase()}(32) forecaster (same windows, 50 epochs, batch 32): runexp wasm / PyTorch ${r.torch}, 1 thread`,
      `${r.runexpTrainSeconds.toFixed(2)} s / ${r.pytorchTrainSeconds.toFixed(2)} s`,
      `runexp takes ${(r.runexpTrainSeconds / r.pytorchTrainSeconds).toFixed(2)}×`,
    ])
  : [];
const trackRows = [
  [
    'predict 20,000 windows in one batch: runexp wasm / ONNX Runtime 1 thread (the same model, exported by runexp)',
    `${ort.runexpPredictMs.toFixed(1)} ms / ${ort.onnxPredictMs.toFixed(1)} ms`,
    `runexp takes ${(ort.runexpPredictMs / ort.onnxPredictMs).toFixed(2)}×; outputs within ${ort.maxAbsDifference.toExponential(1)}`,
  ],
  [
    '`runexp experiments/paper.yaml --no-report`: fresh / rerun with every run done',
    `${paper.fresh.toFixed(1)} s / ${paper.cached.toFixed(1)} s`,
    `rerun ${((100 * paper.cached) / paper.fresh).toFixed(1)}% of fresh`,
  ],
  ...studies.rows,
  'skipped' in install
    ? ["a user's install (`npm ci --omit=dev`)", 'skipped', install.skipped]
    : ["a user's install (`npm ci --omit=dev`)", `${install.megabytes.toFixed(1)} MB`, `${install.seconds.toFixed(1)} s from npm's cache`],
];
console.log(
  `| benchmark | times | ratio |\n|---|---|---|\n${[...rows, ...structured, ...peerRows, ...recurrentRows, ...trackRows].map((r) => `| ${r.join(' | ')} |`).join('\n')}`,
);
// The last line is for machines: the figures issues 11 and 13 track (null: not measured here).
console.log(
  JSON.stringify({
    trainVsPytorch: peer ? peer.runexpTrainSeconds / peer.pytorchTrainSeconds : null,
    predictVsPytorch: peer ? peer.runexpPredictMs / peer.pytorchPredictMs : null,
    lstmTrainVsPytorch: recurrentPeers ? recurrentPeers.lstm.runexpTrainSeconds / recurrentPeers.lstm.pytorchTrainSeconds : null,
    gruTrainVsPytorch: recurrentPeers ? recurrentPeers.gru.runexpTrainSeconds / recurrentPeers.gru.pytorchTrainSeconds : null,
    predictVsOnnxruntime: ort.runexpPredictMs / ort.onnxPredictMs,
    workers2vs1: one / two,
    workers2vs1LongTrainings: longOne / longTwo,
    twoProcessesCeiling: (2 * alone) / twoProcesses,
    ...queued.figures,
    paperYamlSeconds: paper.fresh,
    paperYamlCachedSeconds: paper.cached,
    ...studies.figures,
    installMegabytes: 'skipped' in install ? null : install.megabytes,
  }),
);
