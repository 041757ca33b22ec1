// The piscina worker: starts a tfjs backend once per thread, then runs training groups. Only plain
// data arrives (the task) and leaves (one record per run, posted on the task's port).
import type { MessagePort } from 'node:worker_threads';
import { loadBackend, type BackendChoice, type LoadedBackend } from './backend.ts';
import { runGroup, type GroupTask, type RunRecord } from './pipeline.ts';

let backend: Promise<LoadedBackend> | undefined;

export interface WorkerTask extends Omit<GroupTask, 'backend'> {
  backendChoice: BackendChoice;
  port: MessagePort;
}

export type WorkerMessage = { type: 'record'; record: RunRecord } | { type: 'done' };

export default async function runTask(task: WorkerTask): Promise<{ backend: string }> {
  backend ??= loadBackend(task.backendChoice);
  const { tf, name } = await backend;
  try {
    await runGroup({ ...task, backend: name }, tf, (record) => task.port.postMessage({ type: 'record', record } satisfies WorkerMessage));
  } finally {
    task.port.postMessage({ type: 'done' } satisfies WorkerMessage);
    task.port.close();
  }
  return { backend: name };
}
