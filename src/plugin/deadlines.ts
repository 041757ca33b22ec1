// The deadlines of the plugin code running now, announced to whoever can stop it from outside.
// A stage's own timer (withTimeout) fires only when its thread gets a turn; code that keeps the
// thread busy (a CPU loop, a trainer whose steps never yield to timers) never gives it one. So
// every stage also announces its deadline: inside a worker thread to the launcher, which stops
// the thread (execute/deadline-watch.ts); on runexp's main thread to the supervising process
// (loader/supervise.js), which stops runexp and says which plugin kept it busy.

import { withTimeout } from './timeout.ts';

export interface Deadline {
  /** The stage ("fetch", "prune", …), "load" for a plugin file's top level, or a whole command ("check-plugin"). */
  stage: string;
  plugin: string;
  seconds: number;
  /** When it passes, in ms since the epoch (Date.now()). */
  expiresAt: number;
}

type Sink = (running: readonly Deadline[]) => void;

/** Plugin code running now, outermost first: a plugin file can load during a stage, a stage runs within a command. */
const running: Deadline[] = [];

/** On runexp's main thread under bin/runexp.js: the supervising process. Elsewhere: nobody. */
export const toSupervisor: Sink = (list) => {
  if (typeof process.send === 'function' && process.connected) process.send({ type: 'deadlines', running: list });
};

let sink: Sink = toSupervisor;

/** Sends every change of the running deadlines to `next` until the returned function is called. */
export function watchDeadlines(next: Sink): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}

/**
 * Runs `fn` with a deadline of `seconds` from now (or at `expiresAt`, one it shares with the code
 * around it), announced while it runs.
 */
export async function underDeadline<T>(
  stage: string,
  plugin: string,
  seconds: number,
  fn: () => Promise<T>,
  expiresAt = Date.now() + seconds * 1000,
): Promise<T> {
  const deadline: Deadline = { stage, plugin, seconds, expiresAt };
  running.push(deadline);
  sink([...running]);
  try {
    return await fn();
  } finally {
    running.splice(running.lastIndexOf(deadline), 1);
    sink([...running]);
  }
}

/**
 * Runs plugin code under a limit both ways: its own timer rejects with `timedOut()` when the thread
 * gets a turn (a promise that never settles), and the announced deadline lets whoever watches from
 * outside stop code that never yields.
 */
export function limited<T>(stage: string, plugin: string, seconds: number, work: () => Promise<T> | T, timedOut: () => Error): Promise<T> {
  return underDeadline(stage, plugin, seconds, () => withTimeout(Promise.resolve().then(work), seconds, timedOut));
}

/** The plugin code running now, innermost last. */
export function runningNow(): readonly Deadline[] {
  return [...running];
}

/** Of a list of deadlines, the one that passes first (the outermost of those that pass together). */
export function firstToPass<D extends Deadline>(list: readonly D[]): D | undefined {
  return list.reduce<D | undefined>((first, d) => (!first || d.expiresAt < first.expiresAt ? d : first), undefined);
}
