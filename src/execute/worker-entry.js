// Worker-thread entry for the piscina launcher. Plain JavaScript because Node 20 ignores
// `--import` in a worker's execArgv: register tsx here, then load the TypeScript worker.
// Events go back on the task's MessagePort in order, then an explicit "done" (a transferred
// port's 'close' event does not fire reliably in the parent).
import { registerLoaders } from '../loader/register.js';

registerLoaders();
const { runTask } = await import('./worker.ts');

export default async function run({ task, port }) {
  try {
    return await runTask(task, (event) => port.postMessage(event));
  } finally {
    port.postMessage({ type: 'done' });
    port.close();
  }
}
