#!/usr/bin/env node
// Runs one TypeScript file (a script or a benchmark) with the same loader the CLI uses.
import { registerLoaders } from '../src/loader/register.js';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

await registerLoaders();
const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bin/dev.js <file.ts> [args...]');
  process.exit(2);
}
process.argv = [process.argv[0], file, ...rest];
await import(pathToFileURL(resolve(file)).href);
