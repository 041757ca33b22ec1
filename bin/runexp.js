#!/usr/bin/env node
// Entry point for `npx runexp`. The sources are TypeScript; tsx compiles them on the fly so that
// the CLI, its worker threads and a user's `.ts` plugins all load the same way without a build step.
import { registerLoaders } from '../src/loader/register.js';

// Until the CLI installs its own handlers, an interrupt ends the process with the usual code.
const early = () => process.exit(130);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, early);
registerLoaders();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: tfjs and piscina can hold handles open after the work is done.
process.exit(code);
