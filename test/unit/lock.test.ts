// The output directory's lock: one owner at a time, even when contenders start together; a lock
// whose owner died — or whose pid now belongs to another process — is taken over.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { acquireLock, LOCK_FILE, ownerAlive } from '../../src/results/lock.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'runexp-lock-'));

test('the lock names its owner completely from the moment it exists, and keeps a second taker out', () => {
  const d = dir();
  const release = acquireLock(d);
  const owner = JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8'));
  expect(owner.pid).toBe(process.pid);
  expect(owner.processStart).toMatch(/^\d+$/); // Linux: the process's start time
  expect(() => acquireLock(d)).toThrow(/another runexp \(pid \d+/);
  release();
  acquireLock(d)();
});

test('a lock whose pid was reused by another process is stale, and is taken over', () => {
  const d = dir();
  const mine = JSON.parse(JSON.stringify({ pid: process.pid, startedAt: 'then', processStart: '1', bootId: undefined }));
  expect(ownerAlive(mine)).toBe(false); // the pid lives, but it is not the process that locked
  writeFileSync(join(d, LOCK_FILE), JSON.stringify(mine));
  const release = acquireLock(d);
  expect(JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8')).processStart).not.toBe('1');
  release();
});

test('a lock of a dead pid is taken over', () => {
  const d = dir();
  writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: 4_194_000, startedAt: 'then' }));
  acquireLock(d)();
});

test('contenders that start at the same moment: exactly one gets the lock, every time', async () => {
  for (let round = 0; round < 3; round++) {
    const d = dir();
    const at = Date.now() + 2500;
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () =>
        new Promise<string>((done) => {
          const child = spawn(process.execPath, [resolve('bin/dev.js'), 'test/helpers/lock-child.ts', d, String(at)]);
          let out = '';
          child.stdout.on('data', (b) => (out += b));
          child.on('exit', () => done(out.trim()));
        }),
      ),
    );
    expect(outcomes.sort()).toEqual(['busy', 'busy', 'busy', 'locked']);
  }
}, 60_000);
