// The submitting side of a grid on BullMQ: each group task becomes a job, whatever worker takes
// it runs it, and its events come back with the job's result for this process (the only one that
// writes the output directory) to store. A job's id is the group's training key, the runs it asks
// for and the backend, so submitting the same grid twice (or again after this process was killed)
// attaches to the jobs already queued, running or finished instead of adding new ones.
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { shortHash } from '../../plugin/hash.ts';
import { runexpVersion } from '../../results/manifest.ts';
import { pinBackend } from '../backend.ts';
import type { GroupTask, Launcher, TaskEvent } from '../launcher.ts';
import { decodeEvent, encodeTask, type JobResult } from './codec.ts';
import { QUEUE_NAME, type QueueConnection } from './connection.ts';
import { BundleStore } from './plugin-bundles.ts';

export const DEFAULT_ATTEMPTS = 3;

export function jobIdOf(task: GroupTask): string {
  return `${task.group.trainKey}-${shortHash({ pending: [...task.pending].sort(), backend: task.backend })}`;
}

export class QueueLauncher implements Launcher {
  readonly name = 'bullmq';
  /** The submitter runs nothing itself; the workers are wherever `runexp worker` runs. */
  readonly workers = 0;
  /** Every group is queued at once; as many run as there are workers out there. */
  readonly concurrent = Infinity;
  readonly where: string;
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly bundles: BundleStore;
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
    this.events = new QueueEvents(QUEUE_NAME, { connection: connection.options });
    this.redis = new Redis(connection.options.url, connection.options);
    this.redis.on('error', () => {}); // it reconnects by itself; waiting on a job reports the outage
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
              this.idle.log(`runexp: no worker has been connected to ${this.connection.shown} for ${Math.round((now - lastSeen) / 1000)} s; the jobs wait until one is. Start one on any machine with runexp installed: runexp worker --queue ${this.connection.shown}`);
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
    const bundles = await this.bundles.refsFor(task.group, task.specDir);
    await this.events.waitUntilReady();
    // Kept until collected: a finished job's result is this grid's only copy until it is stored.
    const job = await this.queue.add(task.group.trainKey, encodeTask(task, this.version, bundles), {
      jobId: jobIdOf(task),
      attempts: this.attempts,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: false,
      removeOnFail: false,
    });
    // Failed for good on an earlier submission: running the grid again tries again, as it does
    // for failed runs without a queue.
    if (await job.isFailed()) await job.retry('failed');
    // A job that fails for good (a worker that crashed on it `attempts` times, a worker refusing
    // it) rejects here, and the caller records its runs as failed.
    const result = (await job.waitUntilFinished(this.events)) as JobResult;
    for (const event of result.events) onEvent(decodeEvent(event));
    // Stored now, so the result has done its work; unless this grid is stopping (interrupted, or
    // its results cannot be written), in which case the events were not stored: keep them for the
    // next submission to collect.
    if (!this.closing) await job.remove().catch(() => {});
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    await Promise.allSettled([this.events.close(), this.queue.close(), this.redis.quit()]);
  }
}
