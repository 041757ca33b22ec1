// The CLI's own process: started by the supervisor (loader/supervise.js), or directly by bin/runexp.js
// when there is none (RUNEXP_SUPERVISOR=off, or under a debugger). The sources are TypeScript;
// tsx compiles them on the fly so that the CLI, its worker threads and a user's `.ts` plugins all
// load the same way without a build step.
import { deferLoaders, registerLoaders } from '../loader/register.js';
import { installSignalHandlers } from '../loader/signals.js';
import { describeDeadline } from '../loader/supervise.js';

// The real exit is kept: while a command runs, process.exit is trapped (plugins may not call it).
const exit = process.exit.bind(process);
// From here on an interrupt ends the process with code 130, until the CLI handles it itself.
installSignalHandlers();
if (process.channel) {
  // The channel to the supervisor must not keep this process alive, and the supervisor's end
  // (kill -9) ends this process as abruptly: nothing graceful, as if it had been killed itself.
  process.channel.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
// From the compiled package (dist/), runexp's own modules load natively, instead of each through
// a round trip to the hooks' thread (0.6 s against 1.5 s for the CLI's modules), and the loader
// hooks start only when a user's plugin is first imported (register.js). The TypeScript sources
// of a checkout need tsx first.
const fromSource = import.meta.url.endsWith('/src/cli/process.js');
const compiled = fromSource ? undefined : await import('./main.ts');
if (compiled) deferLoaders();
else {
  try {
    await registerLoaders();
  } catch (err) {
    // An unsafe cache folder (private-dir.js): nothing of runexp's has run yet.
    process.stderr.write(`runexp: ${err.message}\n`);
    exit(2);
  }
}
const { main } = compiled ?? (await import('./main.ts'));
const { runningNow } = await import('../plugin/deadlines.ts');

// Nothing is left that could settle what runexp awaits (a plugin returned a promise that can
// never settle, with no timer or I/O behind it): say which plugin, instead of Node's silent exit 13.
let finished = false;
process.on('beforeExit', () => {
  if (finished) return;
  const d = runningNow().at(-1);
  const what = d ? describeDeadline(d) : 'a plugin';
  process.stderr.write(
    `runexp: ${what} returned a promise that can never settle (nothing was left running that could settle it); stopped\n  hint: the plugin must resolve or reject every promise it returns\n`,
  );
  exit(1);
});

const code = await main(process.argv.slice(2));
finished = true;
// Exit explicitly (tfjs and piscina can hold handles open after the work is done), but only once
// what was written has left: into a pipe with a slow reader, output still queued would be lost.
await Promise.all([process.stdout, process.stderr].map(flushed));
exit(code);

/** Resolves when everything written to `stream` so far has been handed to the OS (or it is gone). */
function flushed(stream) {
  return new Promise((done) => {
    stream.once('error', done); // EPIPE: the reader left; nothing more to wait for
    if (stream.writableLength === 0) return done();
    stream.write('', () => done());
  });
}
