// The output directory's lock: one owner at a time, even when contenders start together; a lock
// whose owner died — or whose pid now belongs to another process — is taken over.
import { spawn, spawnSync } from 'node:child_process';
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

test('a lock whose owner lost its supervising process (kill -9 of the runexp a user sees) is waited for while the owner ends, then taken over', () => {
  const d = dir();
  // The owner: a process that ends 1 s from now, not our child (as runexp's orphan is not: our
  // blocked thread could not reap it); its supervisor: a pid that no longer runs.
  const pid = Number(spawnSync('sh', ['-c', 'sleep 1 >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' }).stdout);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const processStart = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid, startedAt: 'now', processStart, supervisor: { pid: 4_194_000 } }));
  const started = Date.now();
  acquireLock(d)();
  expect(Date.now() - started).toBeGreaterThan(300);
  // With its supervisor alive, an owner is a running runexp: refused at once.
  writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: process.pid, startedAt: 'now', supervisor: { pid: process.ppid } }));
  expect(() => acquireLock(d)).toThrow(/another runexp \(pid \d+/);
});

test('contenders that start at the same moment: exactly one gets the lock, every time', async () => {
  for (let round = 0; round < 3; round++) {
    const d = dir();
    const at = Date.now() + 2500;
    const outcomes = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
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
