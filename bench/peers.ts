// The peers runexp is measured against in `npm run bench`, in one process tree and one run:
// PyTorch (Debian's python3-torch, when present) training and predicting with the paper's model on
// the same windows; ONNX Runtime predicting with that model exported by runexp; and the figures
// the issue tracks: a user's install size and the paper's spec.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildModel } from '../src/plugin/kit/model.ts';
import { exportOnnx, onnxSession } from '../src/plugin/kit/onnx.ts';
import { mulberry32 } from '../src/plugin/kit/data.ts';
import { trainingEvents } from '../src/plugin/training-events.ts';
import type { Architecture, Tf, WindowedData } from '../src/plugin/index.ts';
import tfjs from '../src/plugins/train/tfjs.ts';
import { paperArchitecture } from './paper-architecture.ts';

const PYTHON = '/usr/bin/python3';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface PeerResult {
  runexpTrainSeconds: number;
  pytorchTrainSeconds: number;
  runexpPredictMs: number;
  pytorchPredictMs: number;
  torch: string;
}

/** Whether python3 with torch is here; a reason when not. */
export function pytorchMissing(): string | undefined {
  if (!existsSync(PYTHON)) return `no ${PYTHON}`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'python3 has no torch (apt-get install python3-torch libopenblas0-pthread)';
}

/** How the peers train (PyTorch's script does the same): 50 epochs, batch 32, Adam 0.001, MSE, no early stopping. */
export const PEER_TRAINING = {
  epochs: 50,
  batchSize: 32,
  optimizer: 'adam',
  learningRate: 0.001,
  loss: 'meanSquaredError',
  earlyStopping: false,
  redrawDeadInit: 0,
} as const;

/** The peer models: the paper's CNN, and an LSTM(32) and a GRU(32) forecaster (a recurrent layer, then Dense(1)). */
export type PeerModel = 'paper' | 'lstm' | 'gru';
const PEER_ARCHITECTURES: Record<PeerModel, Architecture> = {
  paper: paperArchitecture('linear'),
  lstm: {
    name: 'lstm32',
    layers: [
      { type: 'lstm', units: 32 },
      { type: 'dense', units: 1 },
    ],
  },
  gru: {
    name: 'gru32',
    layers: [
      { type: 'gru', units: 32 },
      { type: 'dense', units: 1 },
    ],
  },
};

/**
 * Trains a peer model (linear output, 50 epochs, batch 32, no early stopping) with runexp's
 * trainer and with PyTorch on one thread, interleaved `repeats` times, and times a 20,000-window
 * prediction in one batch in each. Medians.
 */
export async function pytorchPeer(tf: Tf, data: WindowedData, repeats = 3, kind: PeerModel = 'paper'): Promise<PeerResult> {
  const dir = mkdtempSync(join(tmpdir(), 'runexp-peer-'));
  const input = join(dir, 'windows.json');
  writeFileSync(
    input,
    JSON.stringify({
      x: Array.from(data.train.x),
      y: Array.from(data.train.y),
      lookback: data.lookback,
      epochs: 50,
      repeats: 1,
      model: kind,
      units: 32,
    }),
  );
  const runexp: number[] = [];
  const pytorch: number[] = [];
  const pytorchPredict: number[] = [];
  let torch = '';
  let model: Awaited<ReturnType<typeof tfjs.run>>['model'] | undefined;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const trained = await tfjs.run(
      { data, architecture: PEER_ARCHITECTURES[kind], seed: 11 + i, events: trainingEvents([]) },
      PEER_TRAINING,
      { tf, seed: 11 + i, random: mulberry32(11 + i), log: () => {} },
    );
    runexp.push((performance.now() - t0) / 1000);
    model?.dispose();
    model = trained.model;
    const peer = spawnSync(PYTHON, [resolve('bench/pytorch_peer.py'), input], {
      encoding: 'utf8',
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
    });
    if (peer.status !== 0) throw new Error(`the PyTorch peer failed: ${peer.stderr}`);
    const out = JSON.parse(peer.stdout.trim().split('\n').at(-1)!) as { trainSeconds: number[]; predictMs: number; torch: string };
    pytorch.push(out.trainSeconds[0]);
    pytorchPredict.push(out.predictMs);
    torch = out.torch;
  }
  const x = tf.randomUniform([20_000, data.lookback, 1], 0, 1, 'float32', 1);
  const predict: number[] = [];
  for (let i = 0; i < 18; i++) {
    const t0 = performance.now();
    tf.tidy(() => (model!.predict(x, { batchSize: 20_000 }) as InstanceType<Tf['Tensor']>).dataSync());
    if (i >= 3) predict.push(performance.now() - t0);
  }
  x.dispose();
  model!.dispose();
  return {
    runexpTrainSeconds: median(runexp),
    pytorchTrainSeconds: median(pytorch),
    runexpPredictMs: median(predict),
    pytorchPredictMs: median(pytorchPredict),
    torch,
  };
}

/**
 * Predicting 20,000 windows in one batch with the paper's model: tfjs (the backend given) against
 * ONNX Runtime on one thread running the model as runexp exports it, interleaved, medians of 15.
 */
export async function onnxruntimePeer(tf: Tf): Promise<{ runexpPredictMs: number; onnxPredictMs: number; maxAbsDifference: number }> {
  const model = buildModel(tf, paperArchitecture('linear'), [14, 1], 3);
  const random = mulberry32(5);
  const rows = 20_000;
  const windows = Float32Array.from({ length: rows * 14 }, () => random());
  const x = tf.tensor3d(windows, [rows, 14, 1]);
  const session = await onnxSession(exportOnnx(model));
  const tfjsOnce = () => tf.tidy(() => (model.predict(x, { batchSize: rows }) as InstanceType<Tf['Tensor']>).dataSync() as Float32Array);
  const runexp: number[] = [];
  const onnx: number[] = [];
  let maxAbsDifference = 0;
  for (let i = 0; i < 18; i++) {
    let t0 = performance.now();
    const a = tfjsOnce();
    const tfjsMs = performance.now() - t0;
    t0 = performance.now();
    const b = await session.predict(windows, rows, 14, 1);
    const onnxMs = performance.now() - t0;
    if (i < 3) continue;
    runexp.push(tfjsMs);
    onnx.push(onnxMs);
    for (let j = 0; j < a.length; j++) maxAbsDifference = Math.max(maxAbsDifference, Math.abs(a[j] - b[j]));
  }
  await session.release();
  x.dispose();
  model.dispose();
  return { runexpPredictMs: median(runexp), onnxPredictMs: median(onnx), maxAbsDifference };
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/**
 * A user's install, measured by doing it: `npm ci --omit=dev` of this checkout's package.json and
 * lock into an empty folder (from npm's cache where it can), in MB of 10^6 bytes (apparent size)
 * and seconds; `skipped`, with the reason, where npm cannot install.
 */
export function userInstall(): { megabytes: number; seconds: number } | { skipped: string } {
  const dir = mkdtempSync(join(tmpdir(), 'runexp-install-'));
  for (const file of ['package.json', 'package-lock.json', '.npmrc']) if (existsSync(file)) copyFileSync(file, join(dir, file));
  const t0 = performance.now();
  const npm = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: dir,
    encoding: 'utf8',
  });
  const seconds = (performance.now() - t0) / 1000;
  try {
    if (npm.status !== 0) return { skipped: `npm ci failed: ${npm.stderr.trim().split('\n').at(-1)}` };
    return { megabytes: folderBytes(join(dir, 'node_modules')) / 1e6, seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Wall time of `runexp experiments/paper.yaml --no-report` on a fresh output folder (default
 * workers), then of the same command again, when every run is already done.
 */
export function paperYamlSeconds(): { fresh: number; cached: number } {
  const out = mkdtempSync(join(tmpdir(), 'runexp-paper-'));
  const once = () => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [resolve('bin/runexp.js'), resolve('experiments/paper.yaml'), '--no-report', '--out', out], {
      env: { ...process.env, CI: 'true' },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`experiments/paper.yaml failed: ${r.stderr}`);
    return (performance.now() - t0) / 1000;
  };
  const fresh = once();
  return { fresh, cached: once() };
}
