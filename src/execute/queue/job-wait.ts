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
        log(
          `runexp: job ${jobId} is no longer in Redis (it restarted without persistence, or another submitter collected the job): queued again`,
        );
        await requeue();
      } else {
        const state = await job.getState();
        // `job` may have been read before it finished, without its result: read it again. A
        // finished job's result and state are written at once, so this read has both, unless the
        // job was collected (and perhaps queued again) meanwhile: then the next poll sees to it.
        const finished = state === 'completed' || state === 'failed' ? await Job.fromId<unknown, JobResult>(queue, jobId) : undefined;
        if (state === 'completed' && finished?.returnvalue) return { state, result: finished.returnvalue };
        if (state === 'failed' && finished?.finishedOn) return { state, reason: finished.failedReason };
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
