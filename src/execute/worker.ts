// The code that runs a group task on a worker: start the tfjs backend once per thread, then run
// the task and post its events. Shared by every launcher, so all of them give identical records.
import { loadBackend, type LoadedBackend } from './backend.ts';
import { runGroupTask } from './group.ts';
import { runStackTask } from './stack-task.ts';
import type { GroupTask, TaskEvent } from './launcher.ts';

let backend: Promise<LoadedBackend> | undefined;

/** Runs a task; `retire` says why this thread should be replaced before it takes more work. */
export async function runTask(task: GroupTask, emit: (event: TaskEvent) => void): Promise<{ backend: string; retire?: string }> {
  backend ??= loadBackend(task.backend);
  const { tf, name } = await backend;
  const { retire } = task.stack ? await runStackTask(task, tf, emit) : await runGroupTask(task, tf, name, emit);
  return { backend: name, retire };
}
