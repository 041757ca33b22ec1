// The lock that keeps a second runexp out of an output directory. The lock file appears with its
// whole content at once (written beside it, then hard-linked into place), so no process ever
// sees an empty lock and mistakes it for a stale one. Its owner is identified by more than the
// pid: on Linux also by the process's start time and the boot id, so a pid reused by another
// process after a kill -9 does not keep a dead run's lock alive. Taking over a stale lock happens
// under a second, exclusive directory, so two processes cannot both take it over.
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';

export const LOCK_FILE = '.runexp.lock';
/** A takeover directory older than this was left by a process that died while taking over. */
const TAKEOVER_STALE_MS = 30_000;
/** How long an owner whose supervising process is gone may take to end itself. */
const ORPHAN_WAIT_MS = 5_000;

interface Owner {
  pid: number;
  startedAt: string;
  /** /proc/<pid>/stat field 22: clock ticks from boot to the process's start (Linux). */
  processStart?: string;
  bootId?: string;
  /**
   * The process runexp runs under (bin/runexp.js's supervisor), when there is one: runexp ends
   * itself a moment after it does (cli/process.js), so an owner whose supervisor is gone is ending.
   */
  supervisor?: { pid: number; processStart?: string };
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The start time and boot id of a process, where /proc has them. */
function identity(pid: number): Pick<Owner, 'processStart' | 'bootId'> {
  const stat = readOptional(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const processStart = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  return { processStart, bootId: readOptional('/proc/sys/kernel/random/boot_id')?.trim() };
}

/** Whether the process that wrote `owner` still runs: same pid, and the same process behind it. */
export function ownerAlive(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = identity(owner.pid);
  if (owner.bootId && now.bootId && owner.bootId !== now.bootId) return false;
  if (owner.processStart && now.processStart && owner.processStart !== now.processStart) return false;
  return true;
}

/** This process's supervisor (it talks to us over an IPC channel), for the lock's owner. */
function supervisor(): Owner['supervisor'] {
  if (!process.channel) return undefined;
  return { pid: process.ppid, processStart: identity(process.ppid).processStart };
}

/** Whether `owner` ended within `ms` (a short, blocking wait: the lock is taken once per run). */
function endsWithin(owner: Owner, ms: number): boolean {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const until = Date.now() + ms; Date.now() < until; Atomics.wait(pause, 0, 0, 50)) if (!ownerAlive(owner)) return true;
  return !ownerAlive(owner);
}

function readOwner(file: string): { owner?: Owner; raw?: string } {
  const raw = readOptional(file);
  try {
    return { owner: raw ? (JSON.parse(raw) as Owner) : undefined, raw };
  } catch {
    return { raw };
  }
}

/** Takes the lock of `dir` or throws E_LOCKED; returns the function that releases it. */
export function acquireLock(dir: string): () => void {
  const file = join(dir, LOCK_FILE);
  const content = JSON.stringify({
    pid: process.pid,
    startedAt: new Date().toISOString(),
    ...identity(process.pid),
    supervisor: supervisor(),
  } satisfies Owner);
  const staged = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(staged, content);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(staged, file);
        return () => {
          if (readOptional(file) === content) rmSync(file, { force: true });
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const { owner, raw } = readOwner(file);
      // An owner whose supervisor was killed (kill -9 of the runexp a user sees) ends a moment later.
      const orphan = owner?.supervisor !== undefined && !ownerAlive({ ...owner.supervisor, startedAt: '' });
      if (owner && ownerAlive(owner) && !(orphan && endsWithin(owner, ORPHAN_WAIT_MS))) {
        const hint = orphan
          ? `its supervising process has ended but it has not; end it (kill -9 ${owner.pid})`
          : 'wait for it to finish, or use another --out';
        throw new RunexpError(ErrorCode.LOCKED, `another runexp (pid ${owner.pid}, since ${owner.startedAt}) is writing to ${dir}`, hint);
      }
      takeOver(file, raw, dir);
    }
  } finally {
    rmSync(staged, { force: true });
  }
  throw new RunexpError(ErrorCode.LOCKED, `cannot lock ${dir}`, 'another runexp may be starting there; try again');
}

/** Removes a stale lock, if it still holds what was judged stale, under an exclusive directory. */
function takeOver(file: string, staleContent: string | undefined, dir: string): void {
  const mutex = `${file}.takeover`;
  try {
    mkdirSync(mutex);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (Date.now() - statSync(mutex).mtimeMs > TAKEOVER_STALE_MS) rmSync(mutex, { recursive: true, force: true });
    throw new RunexpError(ErrorCode.LOCKED, `another runexp is taking over ${dir}`, 'wait for it to finish, or use another --out');
  }
  try {
    if (readOptional(file) === staleContent) rmSync(file, { force: true });
  } finally {
    rmSync(mutex, { recursive: true, force: true });
  }
}
