// Worker-thread entry for piscina. Plain JavaScript because Node 20 ignores `--import` in a
// worker's execArgv: register tsx here, then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
const { default: runTask } = await import('./worker.ts');
export default runTask;
