// Sets up module loading for the CLI, its worker threads and scripts: tsx compiles TypeScript,
// and runexp's hooks (hooks.js) let plugins outside runexp's folder import runexp and zod.
// Registered after tsx so that runexp's hooks run first and hand on to tsx's.
import { register as registerHooks } from 'node:module';
import { privateDir } from './private-dir.js';

let registration;
let deferred = false;
// runexp's own compiled modules (dist/*.js) need neither hook: they load natively.
const OWN_FOLDER = new URL('../', import.meta.url).href;

/** Registers the loaders on this thread, once; later calls wait for the first. */
export function registerLoaders() {
  registration ??= register();
  return registration;
}

/**
 * From the compiled package: registers the loaders only when code from outside runexp is about
 * to be imported (loadersFor), since starting them costs a thread and its round trips (about
 * 0.3 s per thread), and a grid of built-in plugins never needs them.
 */
export function deferLoaders() {
  deferred = true;
}

/** Before importing `url`: registers the deferred loaders unless it is one of runexp's own compiled modules. */
export async function loadersFor(url) {
  if (deferred && !(url.startsWith(OWN_FOLDER) && url.endsWith('.js'))) await registerLoaders();
}

async function register() {
  // tsx caches what it compiles in <temp folder>/tsx-<uid>, trusted as found: in a shared /tmp
  // another user could plant compiled "runexp" there. It gets a private folder instead (it
  // reads the temp folder once, when it loads), or no cache at all.
  const cache = privateDir('tsx');
  if (!cache) process.env.TSX_DISABLE_CACHE = '1';
  const { register: registerTsx } = await withTempFolder(cache, () => import('tsx/esm/api'));
  withTempFolder(cache, () => registerTsx());
  registerHooks('./hooks.js', import.meta.url);
}

/** Runs `fn` with the temp folder (TMPDIR) set to `dir` when given, then puts it back. */
function withTempFolder(dir, fn) {
  if (!dir) return fn();
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  const restore = () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  };
  try {
    const result = fn();
    if (result instanceof Promise) return result.finally(restore);
    restore();
    return result;
  } catch (err) {
    restore();
    throw err;
  }
}
