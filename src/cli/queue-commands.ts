// `runexp worker` and `runexp queue …`: the commands that run on (or manage) the machines a
// queued grid is spread over. The submitting side is `runexp SPEC --queue URL` (main.ts).
import { availableParallelism } from 'node:os';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { checkRedis, parseQueueUrl } from '../execute/queue/connection.ts';
import { cleanQueue, queueStatus, retryFailed } from '../execute/queue/queue-admin.ts';
import { QueueLauncher } from '../execute/queue/queue-launcher.ts';
import { startQueueWorker } from '../execute/queue/queue-worker.ts';
import { handleSignals } from '../loader/signals.js';

const log = (message: string) => process.stderr.write(`${message}\n`);

function connectionOf(url: string | undefined) {
  if (!url) throw new RunexpError(ErrorCode.USAGE, 'missing --queue', 'e.g. --queue redis://localhost:6379');
  return parseQueueUrl(url);
}

/** The launcher for `runexp SPEC --queue URL`: Redis checked before anything is queued. */
export async function submitLauncher(url: string, attempts: number | undefined): Promise<QueueLauncher> {
  const connection = parseQueueUrl(url);
  await checkRedis(connection, log);
  // After 30 s without a connected worker the submitter says so (RUNEXP_QUEUE_IDLE_SECONDS to change it).
  const seconds = Number(process.env.RUNEXP_QUEUE_IDLE_SECONDS ?? 30);
  return new QueueLauncher(connection, attempts, { log, seconds: seconds > 0 ? seconds : 30 });
}

/** Runs until SIGINT/SIGTERM, then lets its jobs finish being handed back (BullMQ closes gracefully). */
export async function workerCommand(options: { queue?: string; workers?: number; lockSeconds?: number }): Promise<number> {
  const connection = connectionOf(options.queue);
  await checkRedis(connection, log);
  const workers = options.workers || availableParallelism();
  const worker = await startQueueWorker(connection, { workers, lockSeconds: options.lockSeconds ?? 30, log });
  log(`runexp worker: taking jobs from ${connection.shown} on ${workers} thread(s); Ctrl-C to stop`);
  await new Promise<void>((stop) => {
    const unhandle = handleSignals(() => {
      unhandle();
      stop();
    });
  });
  log('runexp worker: stopping');
  await worker.close();
  return 0;
}

const ACTIONS = ['status', 'retry-failed', 'clean'];

export async function queueCommand(action: string | undefined, options: { queue?: string; completed?: boolean }): Promise<number> {
  if (!ACTIONS.includes(action ?? ''))
    throw new RunexpError(
      ErrorCode.USAGE,
      `unknown queue action "${action ?? ''}"`,
      'use runexp queue status | retry-failed | clean [--completed] --queue URL',
    );
  const connection = connectionOf(options.queue);
  await checkRedis(connection, log);
  if (action === 'status') {
    process.stdout.write(`${await queueStatus(connection)}\n`);
    return 0;
  }
  if (action === 'retry-failed') {
    process.stdout.write(`${await retryFailed(connection)} failed job(s) sent back to the queue\n`);
    return 0;
  }
  process.stdout.write(`${await cleanQueue(connection, { completed: options.completed ?? false })} job(s) removed\n`);
  return 0;
}
