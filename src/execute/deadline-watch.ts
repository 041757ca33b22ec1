// The outside half of a stage timeout for a worker thread (see plugin/deadlines.ts): the launcher
// keeps the deadlines of the stages its thread is running, and when one passes (the thread never
// got a turn to fail the stage itself) it fails the runs at stake and stops the thread.
import type { RunRecord } from '../results/record.ts';
import { failedRecord } from '../results/record.ts';
import { ErrorCode } from '../plugin/errors.ts';
import { firstToPass } from '../plugin/deadlines.ts';
import type { GroupTask, StageDeadline } from './launcher.ts';

/**
 * How long past a deadline the outside timer waits: a thread that still gets turns fails the
 * stage itself, with its own record, a moment after the deadline.
 */
export const GRACE_SECONDS = 3;

export class DeadlineWatch {
  private timer: NodeJS.Timeout | undefined;
  private readonly reported = new Set<string>();

  /** `expire` receives the failed records of the runs at stake, then must stop the thread. */
  constructor(
    private readonly task: GroupTask,
    private readonly expire: (records: RunRecord[]) => void,
  ) {}

  /** A run's record arrived: that run is no longer at stake. */
  reportedRun(runId: string): void {
    this.reported.add(runId);
  }

  /** The deadlines of the stages the thread is running now (none: it is between stages). */
  set(running: StageDeadline[]): void {
    this.clear();
    const first = firstToPass(running);
    if (!first) return;
    this.timer = setTimeout(() => this.expire(this.failures(first)), first.expiresAt + GRACE_SECONDS * 1000 - Date.now());
    this.timer.unref();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private failures({ stage, plugin, seconds, runIds }: StageDeadline): RunRecord[] {
    const error = {
      code: ErrorCode.TIMEOUT,
      message: `the ${stage} plugin "${plugin}" did not finish within ${seconds} s; its thread was stopped`,
      hint: `if it is just slow, raise timeouts.${stage} (seconds) in the spec; a plugin in an endless loop needs fixing`,
      stage,
      plugin,
    };
    const { trainKey, runs } = this.task.group;
    return runs
      .filter((run) => runIds.includes(run.runId) && !this.reported.has(run.runId))
      .map((run) => failedRecord({ runId: run.runId, trainKey, params: run.params }, error));
  }
}
