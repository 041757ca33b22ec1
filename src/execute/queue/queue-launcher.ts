// The submitting side of a grid on BullMQ: each group task becomes a job, whatever worker takes
// it runs it, and its events come back with the job's result for this process (the only one that
// writes the output directory) to store. A job's id is the group's training key, the runs it asks
// for and the backend, so submitting the same grid twice (or again after this process was killed)
// attaches to the jobs already queued, running or finished instead of adding new ones; finished
// jobs of the same training that an earlier submitter left uncollected are collected first.
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { shortHash } from '../../plugin/hash.ts';
import { runexpVersion } from '../../results/manifest.ts';
import { pinBackend } from '../backend.ts';
import type { GroupTask, Launcher, TaskEvent } from '../launcher.ts';
import { decodeEvent, encodeTask, type EncodedEvent, type JobData, type JobResult } from './codec.ts';
import { waitForJob } from './job-wait.ts';
import { QUEUE_NAME, type QueueConnection } from './connection.ts';
import { BundleStore } from './plugin-bundles.ts';

export const DEFAULT_ATTEMPTS = 3;

export function jobIdOf(task: GroupTask): string {
  const stack = task.stack?.map((g) => g.trainKey);
  return `${task.group.trainKey}-${shortHash({ pending: [...task.pending].sort(), backend: task.backend, ...(stack ? { stack } : {}) })}`;
}

export class QueueLauncher implements Launcher {
  readonly name = 'bullmq';
  /** The submitter runs nothing itself; the workers are wherever `runexp worker` runs. */
  readonly workers = 0;
  /** Every group is queued at once; as many run as there are workers out there. */
  readonly concurrent = Infinity;
  readonly where: string;
  private readonly queue: Queue;
  private readonly bundles: BundleStore;
  /** Completed jobs in the queue when this submitter started, by training key: possibly never collected. */
  private leftovers?: Promise<Map<string, Job<JobData, JobResult>[]>>;
  private readonly redis: Redis;
  private closing = false;
  private readonly version = runexpVersion();
  private watchdog?: NodeJS.Timeout;

  constructor(
    private readonly connection: QueueConnection,
    private readonly attempts = DEFAULT_ATTEMPTS,
    /** Where to say that no worker is taking the jobs, and after how long without one. */
    private readonly idle: { log: (message: string) => void; seconds: number } = { log: () => {}, seconds: Infinity },
  ) {
    this.where = `through the queue at ${connection.shown}`;
    this.queue = new Queue(QUEUE_NAME, { connection: connection.options });
    this.queue.on('error', () => {}); // it reconnects by itself; waiting on a job says so once (job-wait.ts)
    this.redis = new Redis(connection.options);
    // It reconnects by itself, and the jobs' waits hold their commands until it has: say so once.
    let outage = false;
    this.redis.on('error', (err: Error) => {
      if (!outage) this.idle.log(`runexp: cannot reach Redis at ${connection.shown} (${err.message}); waiting for it`);
      outage = true;
    });
    this.redis.on('ready', () => {
      if (outage) this.idle.log(`runexp: Redis at ${connection.shown} answers again`);
      outage = false;
    });
    this.bundles = new BundleStore(this.redis);
  }

  /**
   * A submitter waits on its jobs; with no `runexp worker` connected it would wait in silence.
   * Every few seconds it asks Redis which workers are connected, and once none has been for
   * `idle.seconds` it says so, with the command that starts one (again every 5 minutes).
   */
  private watchWorkers(): void {
    if (this.watchdog || !Number.isFinite(this.idle.seconds)) return;
    let lastSeen = Date.now();
    let lastSaid = 0;
    this.watchdog = setInterval(
      () => {
        this.queue
          .getWorkers()
          .then((workers) => {
            const now = Date.now();
            if (workers.length > 0) lastSeen = now;
            else if (now - lastSeen >= this.idle.seconds * 1000 && now - lastSaid >= 300_000) {
              lastSaid = now;
              this.idle.log(
                `runexp: no worker has been connected to ${this.connection.shown} for ${Math.round((now - lastSeen) / 1000)} s; the jobs wait until one is. Start one on any machine with runexp installed: runexp worker --queue ${this.connection.shown}`,
              );
            }
          })
          .catch(() => {}); // Redis down: waiting on the job reports it
      },
      Math.min(10_000, (this.idle.seconds * 1000) / 3),
    );
    this.watchdog.unref();
  }

  async run(local: GroupTask, onEvent: (event: TaskEvent) => void): Promise<void> {
    this.watchWorkers();
    const task = { ...local, backend: pinBackend(local.backend) };
    // What an earlier submitter left: its finished runs are stored now; the caller sends the rest again.
    if ((await this.collectLeftovers(task, onEvent)) > 0) return;
    const bundles = await this.bundles.refsFor(task.group, task.specDir);
    const jobId = jobIdOf(task);
    // Kept until collected: a finished job's result is this grid's only copy until it is stored.
    const add = () =>
      this.queue.add(task.group.trainKey, encodeTask(task, this.version, bundles), {
        jobId,
        attempts: this.attempts,
        backoff: { type: 'fixed', delay: 1000 },
        removeOnComplete: false,
        removeOnFail: false,
      });
    const job = await add();
    // Failed for good on an earlier submission: running the grid again tries again, as it does
    // for failed runs without a queue.
    if (await job.isFailed()) await job.retry('failed');
    const requeue = async () => {
      await this.bundles.storeAgain(bundles);
      await add();
    };
    const outcome = await waitForJob({
      queue: this.queue,
      jobId,
      requeue,
      closing: () => this.closing,
      log: this.idle.log,
      shown: this.connection.shown,
    });
    if (outcome.state === 'closed') return;
    // A job that fails for good (a worker that crashed on it `attempts` times, a worker refusing
    // it): the caller records its runs as failed.
    if (outcome.state === 'failed') throw new Error(outcome.reason);
    for (const event of outcome.result.events) onEvent(decodeEvent(event));
    // Stored now, so the result has done its work; unless this grid is stopping (interrupted, or
    // its results cannot be written), in which case the events were not stored: keep them for the
    // next submission to collect.
    if (!this.closing) await job.remove().catch(() => {});
  }

  /**
   * Stores the finished runs and trainings of completed jobs of this task's training that no
   * submitter collected (one stopped by a full disk, or killed after its jobs finished) and
   * removes those jobs; returns how many of the task's pending runs they finished.
   */
  private async collectLeftovers(task: GroupTask, onEvent: (event: TaskEvent) => void): Promise<number> {
    this.leftovers ??= this.queue.getCompleted(0, -1).then((jobs) => {
      const byKey = new Map<string, Job<JobData, JobResult>[]>();
      for (const job of jobs) byKey.set(job.name, [...(byKey.get(job.name) ?? []), job]);
      return byKey;
    });
    const jobs = (await this.leftovers).get(task.group.trainKey) ?? [];
    const useful = (e: EncodedEvent) =>
      e.type === 'training' || (e.type === 'run' && e.record.status === 'ok' && task.pending.includes(e.record.runId));
    let finished = 0;
    for (const job of jobs.splice(0)) {
      const events = (job.returnvalue?.events ?? []).filter(useful);
      for (const event of events) onEvent(decodeEvent(event));
      finished += events.filter((e) => e.type === 'run').length;
      if (!this.closing) await job.remove().catch(() => {});
    }
    return finished;
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    await Promise.allSettled([this.queue.close(), this.redis.quit()]);
  }
}
