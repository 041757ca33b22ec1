// Sets up module loading for the CLI, its worker threads and scripts: tsx compiles TypeScript,
// and runexp's hooks (hooks.js) let plugins outside runexp's folder import runexp and zod.
// Registered after tsx so that runexp's hooks run first and hand on to tsx's.
import { register as registerHooks } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

export function registerLoaders() {
  registerTsx();
  registerHooks('./hooks.js', import.meta.url);
}
