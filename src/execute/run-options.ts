// What runExperiment takes and what it returns (the programmatic API's types).
import type { RunRecord } from '../results/record.ts';
import type { BackendChoice } from './backend.ts';
import type { Launcher } from './launcher.ts';
import type { GridProgress } from './progress.ts';

/**
 * How to run an experiment (runExperiment): the spec (a file or an object), the output folder, workers,
 * backend, and callbacks for logs and progress.
 */
export interface RunOptions {
  /** A spec file's path, or the spec itself as an object (validated the same way). */
  spec: string | object;
  /** Where relative paths in a spec object resolve (plugins, CSV files); default: the current directory. */
  specDir?: string;
  /** The output folder; default runs/<experiment name>/. */
  out?: string;
  /** Worker threads; 0 runs every task in this thread (the in-process launcher). */
  workers?: number;
  /**
   * Seeds trained as one computation, at most (default 16; 1: each seed alone). The numbers are
   * the same either way; only the time differs.
   */
  stackSeeds?: number;
  fresh?: boolean;
  backend?: BackendChoice;
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** V8 heap limit of each worker thread, in MB (piscina resourceLimits). */
  workerMemoryMb?: number;
  /** Use this launcher instead of choosing one from `workers`. */
  launcher?: Launcher;
  /** Called once the manifest is written and again as runs and training groups finish (a live report). */
  onProgress?: (progress: GridProgress) => void;
}

/**
 * What runExperiment returns: where the results are, the counts of the grid's runs, and every run's latest
 * record.
 */
export interface RunSummary {
  outDir: string;
  total: number;
  reused: number;
  ok: number;
  failed: number;
  interrupted: boolean;
  /** The latest record of every run in the grid (reused and new). */
  records: RunRecord[];
  backends: string[];
}
