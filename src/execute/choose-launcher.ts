// Which launcher runs a grid's tasks: the one given, this process (--workers 0), or piscina threads.
import type { RunOptions } from './run-options.ts';
import { availableParallelism } from 'node:os';
import { InProcessLauncher } from './in-process-launcher.ts';
import type { Launcher } from './launcher.ts';
import { PiscinaLauncher } from './piscina-launcher.ts';

export function chooseLauncher(options: RunOptions, tasks: number): Launcher {
  if (options.launcher) return options.launcher;
  if (options.workers === 0) return new InProcessLauncher();
  const threads = Math.max(1, Math.min(options.workers ?? availableParallelism(), tasks || 1));
  return new PiscinaLauncher(threads, options.workerMemoryMb);
}
