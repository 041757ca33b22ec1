// Runs group tasks one at a time in the calling thread (`--workers 0`): the same task code as a
// worker thread, so records are identical, with stack traces and breakpoints where you expect
// them. Closing stops it between tasks.
import type { GroupTask, Launcher, TaskEvent } from './launcher.ts';
import { runTask } from './worker.ts';
import { toSupervisor } from '../plugin/deadlines.ts';

export class InProcessLauncher implements Launcher {
  readonly name = 'in-process';
  readonly workers = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  run(task: GroupTask, onEvent: (event: TaskEvent) => void): Promise<void> {
    const next = this.queue.then(async () => {
      if (this.closed) return;
      // No thread to stop here: a stage's deadline goes to the supervisor, which stops runexp.
      const emit = (event: TaskEvent) => (event.type === 'deadline' ? toSupervisor(event.running) : !this.closed && onEvent(event));
      // This thread cannot be replaced; the caller is told, and the group's remaining runs go on here.
      const { retire } = await runTask(task, emit);
      if (retire) emit({ type: 'retire', reason: retire });
    });
    this.queue = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
