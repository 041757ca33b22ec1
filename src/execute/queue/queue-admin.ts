// `runexp queue status|retry-failed|clean --queue URL`: what is queued, and the two things a user
// does about it.
import { Queue } from 'bullmq';
import { QUEUE_NAME, type QueueConnection } from './connection.ts';

const STATES = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;

/** One short-lived connection to the queue per command. */
async function withQueue<T>(connection: QueueConnection, use: (queue: Queue) => Promise<T>): Promise<T> {
  const queue = new Queue(QUEUE_NAME, { connection: connection.options });
  queue.on('error', () => {}); // a command that fails says why; these are the reconnects behind it
  try {
    return await use(queue);
  } finally {
    await queue.close();
  }
}

export async function queueStatus(connection: QueueConnection): Promise<string> {
  return withQueue(connection, async (queue) => {
    const counts = await queue.getJobCounts(...STATES);
    const workers = await queue.getWorkers();
    const failed = await queue.getFailed(0, 9);
    const lines = [
      `queue "${QUEUE_NAME}" at ${connection.shown}`,
      `jobs: ${STATES.map((s) => `${counts[s] ?? 0} ${s}`).join(', ')}`,
      `workers connected: ${workers.length}`,
      ...failed.map((job) => `failed ${job.id} (${job.attemptsMade} attempts): ${job.failedReason}`),
    ];
    return lines.join('\n');
  });
}

/** Sends every failed job back to the queue; their submitters, waiting or run again, collect them. */
export async function retryFailed(connection: QueueConnection): Promise<number> {
  return withQueue(connection, async (queue) => {
    const failed = await queue.getFailed();
    for (const job of failed) await job.retry('failed');
    return failed.length;
  });
}

/**
 * Removes finished and failed jobs. Completed jobs hold results a killed submitter has not stored
 * yet, so they go only with `completed: true`.
 */
export async function cleanQueue(connection: QueueConnection, options: { completed: boolean }): Promise<number> {
  return withQueue(connection, async (queue) => {
    const removed = await queue.clean(0, 100_000, 'failed');
    const done = options.completed ? await queue.clean(0, 100_000, 'completed') : [];
    return removed.length + done.length;
  });
}
