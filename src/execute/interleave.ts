// A group's runs as coroutines that meet at their pruners' trainings, so that those trainings can
// run as one computation (a stack) instead of one after another. Only one run's code runs at a
// time: a run runs until it asks for a training (`req.train`) or ends, then the next; when every
// live run waits for a training, the trainings asked for are trained together and each run goes
// on in turn. Because the runs' code never overlaps, what a run's own code did can still be told
// apart — the tensors it left (its leak check) and the time its prune stage took (its timeout,
// which does not count the time it waited for the others).
import type { Tf, TrainResult } from '../plugin/api.ts';
import { underDeadline } from '../plugin/deadlines.ts';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';

export type Outcome<T> = { value: T } | { error: unknown };

/** What the runs asked for in one round, and for which runs (indexes), in run order. */
export interface Round<A> {
  asked: A[];
  runs: number[];
}

export interface Interleaving<T, A> {
  /** How many runs there are, and how many may wait for a training at once. */
  count: number;
  live: number;
  tf: Tf;
  /** The prune stage's limit for one run, in seconds (its own code and its trainings). */
  pruneSeconds: number;
  /**
   * One run, from start to end. `train` is its pruner's `req.train`; `pruneStage` wraps the
   * pruner's call, so that its time is counted only while it runs; `elapsedMs` is the run's own
   * time so far (its turns and its share of the rounds, not the others' turns).
   */
  body(index: number, train: (asked: A) => Promise<TrainResult>, pruneStage: PruneStage, elapsedMs: () => number): Promise<T>;
  /** Trains a round, stacked where it can: one result or error per request, in order. */
  trainRound(round: Round<A>): Promise<Array<TrainResult | Error>>;
  /** The runs whose code or trainings run now: they fail if a deadline passes. */
  atStake(runs: number[]): void;
  /**
   * A run ended, with the tensors its own code left behind (created and not freed, the models
   * trained for it counted as its own). Answer 'stop' to end here: the runs not ended are left.
   */
  ended(index: number, outcome: Outcome<T>, leftTensors: number): 'go on' | 'stop';
}

export type PruneStage = <R>(plugin: string, fn: () => Promise<R> | R) => Promise<R>;

interface Coroutine<T, A> {
  index: number;
  /** Wakes the scheduler: the run asked for a training or ended. */
  wake?: () => void;
  asked: Array<{ options: A; resolve(result: TrainResult): void; reject(error: unknown): void }>;
  outcome?: Outcome<T>;
  tensors: number;
  /** Its own time: the turns it ran and its share of the rounds it waited for. */
  ownMs: number;
  /** When its current turn began. */
  turnBegan?: number;
  /** While its pruner runs: the plugin's name, the ms its prune stage has used, and its clock. */
  prune?: { plugin: string; usedMs: number; fail(error: Error): void; stopClock?: () => void };
}

/** Runs every run; resolves when all ended or `ended` said stop. */
export async function interleave<T, A>(plan: Interleaving<T, A>): Promise<void> {
  const { tf } = plan;
  const live: Coroutine<T, A>[] = [];
  let next = 0;
  let resumes: Array<[Coroutine<T, A>, () => void]> = [];

  /** The pruner's clock runs while its code does: stopped at its limit, less what it used before. */
  const startClock = (c: Coroutine<T, A>) => {
    const prune = c.prune!;
    const left = Math.max(0, plan.pruneSeconds - prune.usedMs / 1000);
    const began = performance.now();
    let stopped!: () => void;
    const timer = setTimeout(() => prune.fail(timeoutError(prune.plugin, plan.pruneSeconds)), left * 1000);
    void underDeadline(
      'prune',
      prune.plugin,
      plan.pruneSeconds,
      () => new Promise<void>((resolve) => (stopped = resolve)),
      Date.now() + left * 1000,
    );
    prune.stopClock = () => {
      clearTimeout(timer);
      prune.usedMs += performance.now() - began;
      prune.stopClock = undefined;
      stopped();
    };
  };

  const pruneStage =
    (c: Coroutine<T, A>): PruneStage =>
    (plugin, fn) =>
      new Promise((resolve, reject) => {
        let done = false;
        const finish = () => {
          done = true;
          c.prune?.stopClock?.();
          c.prune = undefined;
        };
        c.prune = {
          plugin,
          usedMs: 0,
          fail: (error) => {
            if (done) return;
            finish();
            reject(error);
          },
        };
        startClock(c);
        Promise.resolve()
          .then(fn)
          .then(
            (value) => {
              if (done) return;
              finish();
              resolve(value);
            },
            (error) => {
              if (done) return;
              finish();
              reject(Object.assign(error instanceof Error ? error : new Error(String(error)), { stage: 'prune', plugin }));
            },
          );
      });

  const start = (c: Coroutine<T, A>) => () => {
    const train = (options: A) =>
      new Promise<TrainResult>((resolve, reject) => {
        if (c.outcome) return reject(new Error('req.train was called after its run ended'));
        c.prune?.stopClock?.();
        c.asked.push({ options, resolve, reject });
        c.wake?.();
      });
    const elapsedMs = () => c.ownMs + (c.turnBegan === undefined ? 0 : performance.now() - c.turnBegan);
    plan.body(c.index, train, pruneStage(c), elapsedMs).then(
      (value) => settle(c, { value }),
      (error) => settle(c, { error }),
    );
  };
  const settle = (c: Coroutine<T, A>, outcome: Outcome<T>) => {
    if (c.outcome) return;
    c.outcome = outcome;
    c.wake?.();
  };

  /** Runs c's code until it asks for a training or ends. */
  const step = async (c: Coroutine<T, A>, resume: () => void) => {
    plan.atStake([c.index]);
    const before = tf.memory().numTensors;
    const woken = new Promise<void>((wake) => {
      c.wake = wake;
    });
    if (c.prune) startClock(c);
    c.turnBegan = performance.now();
    resume();
    if (!c.outcome && c.asked.length === 0) await woken;
    c.ownMs += performance.now() - c.turnBegan;
    c.turnBegan = undefined;
    c.wake = undefined;
    c.tensors += tf.memory().numTensors - before;
  };

  while (true) {
    // Run every run that can go on, starting new ones while there is room, until all wait or end.
    while (true) {
      while (live.length < plan.live && next < plan.count) {
        const c: Coroutine<T, A> = { index: next++, asked: [], tensors: 0, ownMs: 0 };
        live.push(c);
        resumes.push([c, start(c)]);
      }
      const resume = resumes.shift();
      if (!resume) break;
      const [c] = resume;
      await step(c, resume[1]);
      if (!c.outcome) continue;
      live.splice(live.indexOf(c), 1);
      if (plan.ended(c.index, c.outcome, c.tensors) === 'stop') return;
    }
    if (live.length === 0) return;
    // Every live run waits for its trainings: train them all, then each run goes on in turn, its
    // answers handed over only when its turn comes (so that no two runs' code runs at once).
    const waiting = live.flatMap((c) => c.asked.map((a) => ({ c, a })));
    const round = { asked: waiting.map((w) => w.a.options), runs: waiting.map((w) => w.c.index) };
    plan.atStake([...new Set(round.runs)]);
    const before = tf.memory().numTensors;
    const began = performance.now();
    const results = await trainWithin(plan, round, live);
    const share = (performance.now() - began) / waiting.length;
    // The models trained for a run are its own: counted as if its code had made them.
    const made = tf.memory().numTensors - before;
    const models = results.filter((r) => !(r instanceof Error)).length;
    const answers = new Map<Coroutine<T, A>, Array<() => void>>(live.map((c) => [c, []]));
    waiting.forEach(({ c, a }, i) => {
      const result = results[i];
      c.ownMs += share;
      if (c.prune) c.prune.usedMs += share;
      if (!(result instanceof Error) && models > 0) c.tensors += Math.floor(made / models);
      answers.get(c)!.push(() => {
        if (!(result instanceof Error)) return a.resolve(result);
        // A round that ran out of time fails the prune stage of every run it was for, naming each one's pruner.
        if ((result as { code?: string }).code === ErrorCode.TIMEOUT && c.prune)
          c.prune.fail(timeoutError(c.prune.plugin, plan.pruneSeconds));
        a.reject(result);
      });
    });
    live.forEach((c) => {
      c.asked = [];
    });
    resumes = live.map((c) => [c, () => answers.get(c)!.forEach((answer) => answer())]);
  }
}

/** A round's trainings, under the deadline of the runs waiting for them: the time all of them have left. */
async function trainWithin<T, A>(
  plan: Interleaving<T, A>,
  round: Round<A>,
  live: readonly Coroutine<T, A>[],
): Promise<Array<TrainResult | Error>> {
  const waiting = live.filter((c) => round.runs.includes(c.index));
  const seconds = waiting.reduce((total, c) => total + Math.max(0, plan.pruneSeconds - (c.prune?.usedMs ?? 0) / 1000), 0);
  const plugin = waiting[0]?.prune?.plugin ?? 'prune';
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(plugin, plan.pruneSeconds)), seconds * 1000);
  });
  try {
    return await underDeadline('prune', plugin, seconds, () => Promise.race([plan.trainRound(round), timedOut]));
  } catch (err) {
    return round.asked.map(() => err as Error);
  } finally {
    clearTimeout(timer);
  }
}

function timeoutError(plugin: string, seconds: number): RunexpError {
  return Object.assign(
    new RunexpError(
      ErrorCode.TIMEOUT,
      `the prune plugin "${plugin}" did not finish within ${seconds} s`,
      'a promise in the plugin may never settle; if it is just slow, raise timeouts.prune (seconds) in the spec',
    ),
    { stage: 'prune', plugin },
  );
}
