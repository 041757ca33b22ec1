import { loadBackend } from './src/execute/backend.ts';
import { paperArchitecture, paperWindows } from './bench/paper-architecture.ts';
import { trainingEvents } from './src/plugin/training-events.ts';
import { mulberry32 } from './src/plugin/random.ts';
import tfjs from './src/plugins/train/tfjs.ts';
import { trainerOptions } from './src/plugins/train/options.ts';
const { tf } = await loadBackend('wasm');
const data = await paperWindows();
const arch = paperArchitecture('linear');
const options = trainerOptions.parse({ epochs: 50, earlyStopping: false });
const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const req = (seed: number) => ({ data, architecture: arch, seed, events: trainingEvents([]) });
const ctx = (seed: number) => ({ tf, seed, random: mulberry32(seed), log: () => {} });
if (process.argv[2] === 'alone') {
  const t0 = performance.now();
  for (const s of seeds.slice(0, 3)) (await tfjs.run(req(s), options, ctx(s))).model.dispose();
  console.log('alone per seed', ((performance.now() - t0) / 3).toFixed(0));
}
const t0 = performance.now();
const r = (await tfjs.runStacked!(seeds.map(req), options, seeds.map(ctx)))!;
console.log('stacked per seed', ((performance.now() - t0) / 10).toFixed(0));
