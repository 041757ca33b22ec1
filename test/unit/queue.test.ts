// The parts of the queue that need no Redis: URLs and what is printed of them, job ids, what
// travels in a job, and the bundle a user's plugin becomes. With Redis: test/e2e/queue.test.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { importQueuePackages } from '../../src/cli/queue-packages.ts';
import { decodeEvent, encodeEvent } from '../../src/execute/queue/codec.ts';
import { parseQueueUrl, redact } from '../../src/execute/queue/connection.ts';
import { bundlePlugin } from '../../src/execute/queue/plugin-bundles.ts';
import { jobIdOf } from '../../src/execute/queue/queue-launcher.ts';
import type { GroupTask } from '../../src/execute/launcher.ts';
import { RunexpError } from '../../src/plugin/errors.ts';
import { fileSource } from '../../src/spec/plugin-source.ts';
import { tempDir } from '../helpers/cli.ts';

describe('queue URLs', () => {
  test.each([
    ['redis://user:secret@host:6379/0', 'redis://***@host:6379/0'],
    ['rediss://:p@ss@host:6380', 'rediss://***@host:6380'],
    ['redis//:pw@host', '***@host'],
    ['redis://localhost:6379', 'redis://localhost:6379'],
  ])('%s is shown as %s', (raw, shown) => {
    expect(redact(raw)).toBe(shown);
  });

  test('a URL that is not Redis is refused, naming the URL without its password', () => {
    expect(() => parseQueueUrl('http://:pw@host:6379')).toThrow(
      '--queue must start with redis:// or rediss://, got "http://***@host:6379"',
    );
    expect(() => parseQueueUrl(':pw@nothing')).toThrow('--queue must be a Redis URL, got "***@nothing"');
    expect(parseQueueUrl('rediss://:pw@h:1/2')).toEqual({
      options: { host: 'h', port: 1, password: 'pw', db: 2, tls: {}, maxRetriesPerRequest: null },
      shown: 'rediss://***@h:1/2',
    });
    expect(parseQueueUrl('redis://user:p%40ss@[::1]').options).toEqual({
      host: '::1',
      port: 6379,
      username: 'user',
      password: 'p@ss',
      db: 0,
      maxRetriesPerRequest: null,
    });
    expect(() => parseQueueUrl('redis://:pw@h:1/abc')).toThrow(
      'the database in --queue must be a number, got "abc" in "redis://***@h:1/abc"',
    );
  });
});

test("a job's id is its training and its runs, in any order, and its backend", () => {
  const task = (pending: string[], backend: GroupTask['backend']) =>
    ({ group: { trainKey: 'abc' }, pending, backend }) as unknown as GroupTask;
  expect(jobIdOf(task(['r1', 'r2'], 'wasm'))).toBe(jobIdOf(task(['r2', 'r1'], 'wasm')));
  expect(jobIdOf(task(['r1', 'r2'], 'wasm'))).toMatch(/^abc-[0-9a-f]{16}$/);
  expect(jobIdOf(task(['r1'], 'wasm'))).not.toBe(jobIdOf(task(['r1', 'r2'], 'wasm')));
  expect(jobIdOf(task(['r1'], 'wasm'))).not.toBe(jobIdOf(task(['r1'], 'cpu')));
});

test('files travel as base64 and come back byte for byte', () => {
  const bytes = new Uint8Array([0, 1, 254, 255, 128]);
  const encoded = encodeEvent({ type: 'training', key: 'k', files: { 'weights.bin': bytes } });
  expect(encoded).toEqual({ type: 'training', key: 'k', files: { 'weights.bin': 'AAH+/4A=' } });
  expect(decodeEvent(JSON.parse(JSON.stringify(encoded)))).toEqual({ type: 'training', key: 'k', files: { 'weights.bin': bytes } });
  expect(encodeEvent({ type: 'log', message: 'm' })).toEqual({ type: 'log', message: 'm' });
});

describe("a user's plugin as one bundle", () => {
  test('local imports are inlined; runexp and zod stay imports for the worker to provide', async () => {
    const dir = tempDir('runexp-bundle-');
    mkdirSync(join(dir, 'plugins'));
    writeFileSync(join(dir, 'plugins/name.ts'), "export const NAME: string = 'inlined-name';\n");
    writeFileSync(
      join(dir, 'plugins/p.ts'),
      "import { z } from 'zod';\nimport { definePlugin } from 'runexp/plugin';\nimport { NAME } from './name.ts';\nexport default definePlugin({ slot: 'measure', name: NAME, options: z.strictObject({}), run: () => ({}) as never });\n",
    );
    const code = await bundlePlugin(fileSource(join(dir, 'plugins/p.ts'), dir), dir);
    expect(code).toContain('"inlined-name"');
    expect(code).toMatch(/from "zod"/);
    expect(code).toMatch(/from "runexp\/plugin"/);
    expect(code).not.toContain('./name');
  });

  test('a plugin that cannot bundle is refused, naming the file and line', async () => {
    const dir = tempDir('runexp-bundle-');
    writeFileSync(join(dir, 'p.ts'), "export default 1;\nimport 'no-such-package-here';\n");
    const failure = bundlePlugin(fileSource(join(dir, 'p.ts'), dir), dir);
    await expect(failure).rejects.toThrow(RunexpError);
    await expect(failure).rejects.toThrow(
      'cannot bundle plugin p.ts to send it through the queue: p.ts:2: Could not resolve "no-such-package-here"',
    );
  });

  test('the example plugin bundles', async () => {
    const dir = resolve('examples/my-pruner');
    expect(await bundlePlugin(fileSource(join(dir, 'plugins/balanced.ts'), dir), dir)).toContain('name: "balanced"');
  });
});

test('a missing queue package says what to install', async () => {
  const missing = importQueuePackages(() => Promise.reject(new Error("Cannot find package 'bullmq' imported from /x/queue-launcher.ts")));
  await expect(missing).rejects.toThrow('running grids through a queue needs the bullmq package, which runexp does not install by default');
  await expect(missing).rejects.toMatchObject({ hint: 'npm install bullmq@6.7.0 ioredis@5.11.1 (next to runexp)' });
  await expect(importQueuePackages(() => Promise.reject(new Error('other')))).rejects.toThrow('other');
});
