#!/usr/bin/env node
// Entry point for `npx runexp`. runexp runs in a child process watched by a small supervisor
// (loader/supervise.js) that can always stop it: plugin code on runexp's main thread that
// never yields cannot block a signal or outlive its limit. RUNEXP_SUPERVISOR=off, or a debugger
// (--inspect), runs everything in this one process.
// An installed package runs its compiled JavaScript (dist/); a checkout runs its TypeScript
// sources (src/), compiled on the fly, so that no build step stands between an edit and a run.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// RUNEXP_DIST=1 runs the compiled dist/ from a checkout too (npm run build first): the test suite
// does, to test what the package ships, and it starts faster (see cli/process.js).
const fromSource = process.env.RUNEXP_DIST !== '1' && existsSync(fileURLToPath(new URL('../src/cli/process.js', import.meta.url)));
const code = fromSource ? '../src/' : '../dist/';
const direct = process.env.RUNEXP_SUPERVISOR === 'off' || process.execArgv.some((a) => a.startsWith('--inspect'));
if (direct) {
  await import(`${code}cli/process.js`);
} else {
  const { supervise } = await import(`${code}loader/supervise.js`);
  const exit = await supervise(fileURLToPath(new URL(`${code}cli/process.js`, import.meta.url)), process.argv.slice(2));
  process.stderr.write('', () => process.exit(exit));
}
