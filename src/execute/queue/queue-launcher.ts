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

  constructor(
    connection: QueueConnection,
    private readonly attempts = DEFAULT_ATTEMPTS,
  ) {
    this.where = `through the queue at ${connection.shown}`;
    this.queue = new Queue(QUEUE_NAME, { connection: connection.options });
    this.events = new QueueEvents(QUEUE_NAME, { connection: connection.options });
    this.redis = new Redis(connection.options.url, connection.options);
    this.redis.on('error', () => {}); // it reconnects by itself; waiting on a job reports the outage
    this.bundles = new BundleStore(this.redis);
  }

  async run(local: GroupTask, onEvent: (event: TaskEvent) => void): Promise<void> {
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
    await Promise.allSettled([this.events.close(), this.queue.close(), this.redis.quit()]);
  }
}
