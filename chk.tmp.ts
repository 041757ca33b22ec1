import { loadBackend } from './src/execute/backend.ts';
import { paperArchitecture, paperWindows } from './bench/paper-architecture.ts';
import { trainingEvents } from './src/plugin/training-events.ts';
import { mulberry32 } from './src/plugin/random.ts';
import tfjs from './src/plugins/train/tfjs.ts';
import { trainerOptions } from './src/plugins/train/options.ts';
const { tf } = await loadBackend('wasm');
const data = await paperWindows();
const arch = paperArchitecture(process.argv[2] === 'linear' ? 'linear' : 'relu');
const options = trainerOptions.parse({ epochs: Number(process.argv[3] ?? 50) });
const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const req = (seed: number) => ({ data, architecture: arch, seed, events: trainingEvents([]) });
const ctx = (seed: number) => ({ tf, seed, random: mulberry32(seed), log: () => {} });
let t0 = performance.now();
const alone = [];
for (const s of seeds) alone.push(await tfjs.run(req(s), options, ctx(s)).catch((e) => e));
const aloneMs = performance.now() - t0;
t0 = performance.now();
const stacked = (await tfjs.runStacked!(seeds.map(req), options, seeds.map(ctx)))!;
const stackedMs = performance.now() - t0;
let mism = 0;
seeds.forEach((s, i) => {
  const a = alone[i],
    b = stacked[i];
  if (a instanceof Error || b instanceof Error) {
    console.log(s, 'errors', a?.message?.slice(0, 60), '|', b?.message?.slice(0, 60));
    if (!(a instanceof Error && b instanceof Error && a.message === b.message)) mism++;
    return;
  }
  const wa = a.model.getWeights().map((w: any) => Array.from(w.dataSync()));
  const wb = b.model.getWeights().map((w: any) => Array.from(w.dataSync()));
  const same =
    JSON.stringify(wa) === JSON.stringify(wb) &&
    JSON.stringify(a.loss) === JSON.stringify(b.loss) &&
    JSON.stringify(a.valLoss) === JSON.stringify(b.valLoss) &&
    a.epochs === b.epochs &&
    a.bestEpoch === b.bestEpoch &&
    a.redraws === b.redraws;
  if (!same) {
    mism++;
    console.log(s, 'DIFF', a.epochs, b.epochs, a.loss.slice(0, 3), b.loss.slice(0, 3), a.valLoss.slice(0, 2), b.valLoss.slice(0, 2));
  } else console.log(s, 'same', a.epochs, a.bestEpoch, a.redraws);
});
console.log({
  mism,
  aloneMs: Math.round(aloneMs),
  stackedMs: Math.round(stackedMs),
  ratio: (aloneMs / stackedMs).toFixed(2),
  tensors: tf.memory().numTensors,
});
