#!/usr/bin/env node
// Entry point for `npx runexp`. runexp runs in a child process watched by a small supervisor
// (src/loader/supervise.js) that can always stop it: plugin code on runexp's main thread that
// never yields cannot block a signal or outlive its limit. RUNEXP_SUPERVISOR=off, or a debugger
// (--inspect), runs everything in this one process.
import { fileURLToPath } from 'node:url';

const direct = process.env.RUNEXP_SUPERVISOR === 'off' || process.execArgv.some((a) => a.startsWith('--inspect'));
if (direct) {
  await import('../src/cli/process.js');
} else {
  const { supervise } = await import('../src/loader/supervise.js');
  const code = await supervise(fileURLToPath(new URL('../src/cli/process.js', import.meta.url)), process.argv.slice(2));
  process.stderr.write('', () => process.exit(code));
}
