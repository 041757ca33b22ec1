// The seam between "which runs" and "where they run". A launcher takes plain, serialisable group
// tasks and streams back events: trainings to cache and finished runs with their files. It never
// writes the output directory; the main thread's store does. piscina (worker threads) is one
// launcher, in-process (`--workers 0`) another, BullMQ on Redis (`--queue`, other machines) a third.
import type { Series } from '../plugin/api.ts';
import type { TrainGroup } from '../plan/types.ts';
import type { ArtifactFiles } from '../results/artifacts.ts';
import type { RunRecord } from '../results/record.ts';
import type { Timeouts } from '../spec/schema.ts';
import type { BackendChoice } from './backend.ts';
import type { Deadline } from '../plugin/deadlines.ts';

/** One training group and its pending runs, as a launcher sends it to a worker. */
export interface GroupTask {
  group: TrainGroup;
  series: Series;
  /** Ids of the group's runs that still need doing. */
  pending: string[];
  backend: BackendChoice;
  /** Where this machine keeps the spec: plugin files named relative to it are found there. */
  specDir: string;
  /** On a queue worker: the bundled code of the user's plugins, by sourceKey (see queue/plugin-bundles.ts). */
  bundledPlugins?: Record<string, string>;
  /** Trainings already cached, by key (the dense one, and pruners' own), for the task to reuse. */
  cachedTrainings: Record<string, ArtifactFiles>;
  /** The spec's `timeouts`: seconds each stage (and each plugin file's loading) may take. */
  timeouts: Timeouts;
  /**
   * A stacked training (stack-task.ts): these groups, `group` first, differ only in seed; their dense
   * models train as one computation and come back as `training` events. Such a task has no pending runs.
   */
  stack?: TrainGroup[];
  /** Trainings a stack made in this invocation: found in the cache, yet not "cached" in the records. */
  stackedTrainings?: string[];
  /**
   * At most this many trainings in a stack (`--stack-seeds`): the group's runs then meet at their
   * pruners' trainings, which train as stacks (interleave.ts). 1 or absent: each run after the other.
   */
  stackTrainings?: number;
}

/** What a task reports while it runs: a run's record, a log line, a training finished, a deadline passed. */
export type TaskEvent =
  /** A new training: cache its files under `key`. */
  | { type: 'training'; key: string; files: ArtifactFiles }
  /** A finished run: store its folder (when it has files), then its record. */
  | { type: 'run'; record: RunRecord; files?: ArtifactFiles }
  /** The task stopped early: its thread is not to be trusted with more work (see runGroupTask). */
  | { type: 'retire'; reason: string }
  /** A line a plugin logged (ctx.log), printed by the main thread between progress updates. */
  | { type: 'log'; message: string }
  /**
   * The deadlines of the stages running now (none: between stages), each with the runs that fail
   * if it passes. For the launcher: code that keeps running past its limit cannot stop itself, so
   * the thread running it is stopped from outside (see deadline-watch.ts).
   */
  | { type: 'deadline'; running: StageDeadline[] };

export interface StageDeadline extends Deadline {
  /** The runs that fail if the stage passes its deadline: one run's, or every pending run of the group (its window, its training). */
  runIds: string[];
}

/** Where a grid's tasks run: this process, piscina threads, or BullMQ workers (RunOptions.launcher). */
export interface Launcher {
  /** e.g. "piscina" or "in-process", recorded in the manifest. */
  readonly name: string;
  readonly workers: number;
  /** Where tasks run, for the start line ("on 2 workers" when absent). */
  readonly where?: string;
  /** Groups worked on at once, for progress reports (default: workers, at least 1). */
  readonly concurrent?: number;
  /**
   * Runs one task, calling `onEvent` in order as things finish. Resolves when the task is done,
   * possibly early: a task whose worker had to be replaced (a leak, a timeout) leaves the runs it
   * did not report for the caller to send again. Rejects when the worker running it died (the
   * caller fails the runs it did not report).
   */
  run(task: GroupTask, onEvent: (event: TaskEvent) => void): Promise<void>;
  /** Stops everything in flight and frees the workers. */
  close(): Promise<void>;
}
