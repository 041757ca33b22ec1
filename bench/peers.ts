// The peers runexp is measured against in `npm run bench`, in one process tree and one run:
// PyTorch (Debian's python3-torch, when present) training and predicting with the paper's model on
// the same windows; and the figures the issue tracks: a user's install size and the paper's spec.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mulberry32, trainingEvents, type Tf, type WindowedData } from '../src/plugin/index.ts';
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

/**
 * Trains the paper's model (linear output, 50 epochs, batch 32, no early stopping) with runexp's
 * trainer and with PyTorch on one thread, interleaved `repeats` times, and times a 20,000-window
 * prediction in one batch in each. Medians.
 */
export async function pytorchPeer(tf: Tf, data: WindowedData, repeats = 3): Promise<PeerResult> {
  const dir = mkdtempSync(join(tmpdir(), 'runexp-peer-'));
  const input = join(dir, 'windows.json');
  writeFileSync(input, JSON.stringify({ x: Array.from(data.train.x), y: Array.from(data.train.y), lookback: data.lookback, epochs: 50, repeats: 1 }));
  const runexp: number[] = [];
  const pytorch: number[] = [];
  const pytorchPredict: number[] = [];
  let torch = '';
  let model;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const trained = await tfjs.run(
      { data, architecture: paperArchitecture('linear'), seed: 11 + i, events: trainingEvents([]) },
      { epochs: 50, batchSize: 32, optimizer: 'adam', learningRate: 0.001, loss: 'meanSquaredError', earlyStopping: false, redrawDeadInit: 0 },
      { tf, seed: 11 + i, random: mulberry32(11 + i), log: () => {} },
    );
    runexp.push((performance.now() - t0) / 1000);
    model?.dispose();
    model = trained.model;
    const peer = spawnSync(PYTHON, [resolve('bench/pytorch_peer.py'), input], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } });
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
  return { runexpTrainSeconds: median(runexp), pytorchTrainSeconds: median(pytorch), runexpPredictMs: median(predict), pytorchPredictMs: median(pytorchPredict), torch };
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
 * What `npm ci --omit=dev` installs, in MB: every package in package-lock.json not marked dev-only,
 * measured where it lies in node_modules (apparent size; `du` counts blocks and reads ~3% more).
 */
export function installMegabytes(): number {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  let bytes = 0;
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path || entry.dev || !existsSync(path)) continue;
    // Nested packages lie inside their parent's folder: count each file once.
    const nested = readdirSync(path).includes('node_modules') ? folderBytes(join(path, 'node_modules')) : 0;
    bytes += folderBytes(path) - nested;
  }
  return bytes / 1e6;
}

/**
 * Wall time of `runexp experiments/paper.yaml --no-report` on a fresh output folder (default
 * workers), then of the same command again, when every run is already done.
 */
export function paperYamlSeconds(): { fresh: number; cached: number } {
  const out = mkdtempSync(join(tmpdir(), 'runexp-paper-'));
  const once = () => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [resolve('bin/runexp.js'), resolve('experiments/paper.yaml'), '--no-report', '--out', out], { env: { ...process.env, CI: 'true' }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`experiments/paper.yaml failed: ${r.stderr}`);
    return (performance.now() - t0) / 1000;
  };
  const fresh = once();
  return { fresh, cached: once() };
}
