// One training group's pending runs, driven to the end through a launcher: sent again after an
// early end (a replaced worker), failed with the cause when its worker dies.
import { ErrorCode, serializeError } from '../plugin/errors.ts';
import { failedRecord, type FailedRecord } from '../results/record.ts';
import type { GroupTask, Launcher, TaskEvent } from './launcher.ts';

/**
 * Runs a group's pending runs as one task. A task that ends early because its worker was replaced
 * (a leak, a timeout) is sent again for the runs it did not report, with the trainings cached
 * meanwhile; each round reports at least one run, so this ends. If a worker dies, every run it
 * had not reported fails with the cause.
 */
export async function driveGroup(
  launcher: Launcher,
  taskOf: (pending: string[]) => GroupTask,
  pending: string[],
  onEvent: (e: TaskEvent) => void,
  stopped: () => boolean,
): Promise<void> {
  const reported = new Set<string>();
  let left = pending;
  const failLeft = (task: GroupTask, error: FailedRecord['error']) => {
    for (const run of task.group.runs.filter((r) => left.includes(r.runId) && !reported.has(r.runId))) {
      onEvent({ type: 'run', record: failedRecord({ runId: run.runId, trainKey: task.group.trainKey, params: run.params }, error) });
    }
  };
  while (left.length > 0 && !stopped()) {
    const task = taskOf(left);
    const before = reported.size;
    try {
      await launcher.run(task, (event) => {
        if (event.type === 'run') reported.add(event.record.runId);
        onEvent(event);
      });
    } catch (err) {
      if (!stopped()) failLeft(task, { ...serializeError(err), code: ErrorCode.WORKER, ...workerHint(err) });
      return;
    }
    // A task that ended early without reporting anything would loop for ever: fail its runs.
    if (reported.size === before)
      return failLeft(task, { code: ErrorCode.WORKER, message: 'the worker ended its task without reporting this run' });
    left = left.filter((id) => !reported.has(id));
  }
}

/** What to do about a worker that died: the one cause runexp can name is a heap that ran out. */
function workerHint(err: unknown): { hint?: string } {
  if ((err as { code?: string }).code !== 'ERR_WORKER_OUT_OF_MEMORY') return {};
  return {
    hint: 'the worker thread ran out of heap: raise --worker-memory (MB), run fewer --workers, or use smaller data or architectures',
  };
}
