#!/usr/bin/env node
// Entry point for `npx runexp`. The sources are TypeScript; tsx compiles them on the fly so that
// the CLI, its worker threads and a user's `.ts` plugins all load the same way without a build step.
import { registerLoaders } from '../src/loader/register.js';
import { installSignalHandlers } from '../src/loader/signals.js';

// The real exit is kept: while a command runs, process.exit is trapped (plugins may not call it).
const exit = process.exit.bind(process);
// From here on an interrupt ends the process with code 130, until the CLI handles it itself.
installSignalHandlers();
registerLoaders();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
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
