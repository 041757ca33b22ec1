// `runexp worker --queue URL`: takes group tasks from the queue and runs them on this host's own
// worker threads (the CPU-bound training never blocks this thread, which keeps renewing the job's
// lock in Redis). A worker killed mid-job stops renewing it; BullMQ sees the job stalled and
// another worker runs it again from the start. Nothing here writes an output directory.
import { hostname } from 'node:os';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { counted } from '../../plugin/shorten.ts';
import { failpoint } from '../../results/failpoints.ts';
import { runexpVersion } from '../../results/manifest.ts';
import { requireBackend } from '../backend.ts';
import type { GroupTask, Launcher, TaskEvent } from '../launcher.ts';
import { PiscinaLauncher } from '../piscina-launcher.ts';
import { driveGroup } from '../drive-group.ts';
import { decodeTask, encodeEvent, type JobData, type JobResult } from './codec.ts';
import { QUEUE_NAME, type QueueConnection } from './connection.ts';
import { fetchBundles } from './plugin-bundles.ts';
import { RedisTrouble } from './redis-trouble.ts';

export interface QueueWorkerOptions {
  workers: number;
  /** Seconds a job's lock lasts without renewal: a killed worker's job is taken over after about this long. */
  lockSeconds: number;
  log: (message: string) => void;
}

/**
 * Runs one job's task to the end exactly as a local run does (drive-group.ts): a thread replaced
 * mid-task gets the rest again, with the trainings it reported meanwhile; a thread that dies fails
 * its runs with the cause. The events go back to the submitter as the job's result. A stack
 * task (stack-task.ts) runs once.
 */
async function runQueuedTask(launcher: Launcher, task: GroupTask): Promise<TaskEvent[]> {
  const events: TaskEvent[] = [];
  // A stack of seeds' trainings has no runs to drive: it runs once, and whatever it could not
  // train its groups train alone (a worker that died on it loses nothing but the time).
  if (task.stack) {
    await launcher.run(task, (e) => events.push(e)).catch(() => {});
    return events;
  }
  const trained = () => Object.fromEntries(events.flatMap((e) => (e.type === 'training' ? [[e.key, e.files]] : [])));
  await driveGroup(
    launcher,
    (pending) => ({ ...task, pending, cachedTrainings: { ...task.cachedTrainings, ...trained() } }),
    task.pending,
    (e) => events.push(e),
    () => false,
  );
  return events;
}

export async function startQueueWorker(connection: QueueConnection, options: QueueWorkerOptions): Promise<{ close(): Promise<void> }> {
  const launcher = new PiscinaLauncher(options.workers);
  const host = hostname();
  const version = runexpVersion(); // read once, not per job
  const redis = new Redis(connection.options); // for plugin bundles
  redis.on('error', () => {}); // it reconnects by itself; the worker's own connection reports the outage
  const worker = new Worker<JobData, JobResult>(
    QUEUE_NAME,
    async (job) => {
      if (job.data.runexp !== version) {
        // Another version may compute other numbers: refuse rather than mix them into one grid.
        throw new UnrecoverableError(
          `this worker (${host}) runs runexp ${version}, the grid was submitted with runexp ${job.data.runexp}: run the same version on every machine`,
        );
      }
      const { backend } = job.data.task;
      await requireBackend(backend).catch((err: Error) => {
        throw new UnrecoverableError(`this worker (${host}) cannot run the grid's backend "${backend}": ${err.message}`);
      });
      options.log(
        `runexp worker: job ${job.id} (${job.data.task.stack ? `${counted(job.data.task.stack.length, 'seed')} trained as one` : `${counted(job.data.task.pending.length, 'run')} of training ${job.data.task.group.trainKey}`}), attempt ${job.attemptsMade + 1}`,
      );
      failpoint('queue-job'); // tests: a job that fails on every attempt
      const bundled = await fetchBundles(job.data.bundles, redis);
      const events = await runQueuedTask(launcher, decodeTask(job.data, bundled));
      return { events: events.map(encodeEvent), host };
    },
    {
      connection: connection.options,
      concurrency: options.workers,
      lockDuration: options.lockSeconds * 1000,
      stalledInterval: options.lockSeconds * 1000,
      maxStalledCount: 2,
    },
  );
  worker.on('failed', (job, err) => options.log(`runexp worker: job ${job?.id} failed: ${err.message}`));
  const trouble = new RedisTrouble(worker, options.log);
  worker.on('error', (err) => trouble.failed(err));
  worker.on('active', () => trouble.answered());
  redis.on('ready', () => trouble.answered()); // reconnected after an outage
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await Promise.allSettled([launcher.close(), redis.quit()]);
    },
  };
}
