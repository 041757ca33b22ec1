// A tfjs instance on the pure-JS cpu backend for unit tests (deterministic, no wasm start-up).
import { loadBackend } from '../../src/execute/backend.ts';
import type { StageContext, Tf } from '../../src/index.ts';
import { mulberry32 } from '../../src/plugin/random.ts';

export async function cpuTf(): Promise<Tf> {
  return (await loadBackend('cpu')).tf;
}

export function stageContext(tf: Tf, seed = 1): StageContext {
  return { tf, seed, random: mulberry32(seed), log: () => {} };
}

/** `req.train` for prune requests in tests of one-shot pruners, which never train. */
export async function noTraining(): Promise<never> {
  throw new Error('this test gives the pruner no trainer');
}
