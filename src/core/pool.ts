// The piscina pool. Each worker thread starts from worker-entry.js, which registers tsx so the
// TypeScript worker, the built-in plugins and a user's .ts plugins load.
import { Piscina } from 'piscina';

const WORKER = new URL('./worker-entry.js', import.meta.url).href;

export function createPool(threads: number, workerMemoryMb?: number): Piscina {
  return new Piscina({
    filename: WORKER,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    // A worker that outgrows its heap is stopped (ERR_WORKER_OUT_OF_MEMORY) instead of the process.
    ...(workerMemoryMb ? { resourceLimits: { maxOldGenerationSizeMb: workerMemoryMb } } : {}),
  });
}
