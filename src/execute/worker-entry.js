// Worker-thread entry for the piscina launcher. Plain JavaScript because Node 20 ignores
// `--import` in a worker's execArgv: register tsx here, then load the TypeScript worker.
// Events go back on the task's MessagePort in order, then an explicit "done" (a transferred
// port's 'close' event does not fire reliably in the parent).
import { deferLoaders, registerLoaders } from '../loader/register.js';

// From the compiled package, runexp's modules load natively and the hooks wait for a user's
// plugin (see cli/process.js).
const compiled = import.meta.url.endsWith('/src/execute/worker-entry.js') ? undefined : await import('./worker.ts');
if (compiled) deferLoaders();
else await registerLoaders();
const { runTask } = compiled ?? (await import('./worker.ts'));

// A task that asks to retire this thread (it leaked tensors, or a stage timed out) posts
// "retire" and waits: the parent then aborts the task, which makes piscina terminate this thread
// and start a fresh one. The wait is bounded, in case the parent is gone.
const RETIRE_WAIT_MS = 30_000;

export default async function run({ task, port }) {
  try {
    const result = await runTask(task, (event) => port.postMessage(event));
    if (result.retire) {
      port.postMessage({ type: 'retire', reason: result.retire });
      await new Promise((resolve) => setTimeout(resolve, RETIRE_WAIT_MS));
    }
    return result;
  } finally {
    port.postMessage({ type: 'done' });
    port.close();
  }
}
