// Waiting on a queued job by asking Redis, rather than on BullMQ's event stream: a wait that
// notices what events cannot tell. A job that vanished (Redis restarted without persistence,
// another submitter collected and removed it) is queued again; a command Redis refuses is said
// once, then waited out quietly; a submitter that is closing stops waiting at once.
import { Job, type Queue } from 'bullmq';
import type { JobResult } from './codec.ts';

/** How often a waiting submitter asks Redis about each of its jobs. */
const POLL_MS = 500;

export interface JobWait {
  queue: Queue;
  jobId: string;
  /** Puts the job back (with its plugin bundles) after it vanished. */
  requeue(): Promise<void>;
  closing(): boolean;
  log(message: string): void;
  /** The Redis URL as printed. */
  shown: string;
}

/** The outcome of a job that finished, or `closed` when the submitter stopped waiting. */
export type JobOutcome = { state: 'completed'; result: JobResult } | { state: 'failed'; reason: string } | { state: 'closed' };

export async function waitForJob({ queue, jobId, requeue, closing, log, shown }: JobWait): Promise<JobOutcome> {
  let outage: string | undefined;
  while (!closing()) {
    try {
      const job = await Job.fromId<unknown, JobResult>(queue, jobId);
      outage = undefined;
      if (!job) {
        log(`runexp: job ${jobId} is no longer in Redis (it restarted without persistence, or another submitter collected the job): queued again`);
        await requeue();
      } else {
        const state = await job.getState();
        if (state === 'completed') return { state, result: job.returnvalue };
        if (state === 'failed') return { state, reason: job.failedReason };
      }
    } catch (err) {
      if (closing()) break;
      if (!outage) log(`runexp: Redis at ${shown} refused a command (${(err as Error).message}); trying again`);
      outage = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return { state: 'closed' };
}
