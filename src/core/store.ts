// The experiment's output directory. Results are appended one JSON line per finished run with a
// single write + fsync; artifacts are written to a temporary folder and renamed into place. So a
// crash or Ctrl-C can cost at most the run in flight, never one that finished.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { folderMatches, TMP_MARK } from './artifacts.ts';
import { failpoint } from './failpoints.ts';
import { dirname, join } from 'node:path';
import { ErrorCode, RunexpError } from './errors.ts';

export interface StoredRecord {
  runId: string;
  status: 'ok' | 'failed';
  [key: string]: unknown;
}

export const RESULTS_FILE = 'results.jsonl';
export const LOCK_FILE = '.runexp.lock';

/** Writes a file atomically: temp file in the same folder, fsync, rename. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Reads results.jsonl; the last record per run id wins. A torn last line is ignored. */
export function readResults(outDir: string): Map<string, StoredRecord> {
  const file = join(outDir, RESULTS_FILE);
  const records = new Map<string, StoredRecord>();
  if (!existsSync(file)) return records;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const rec = JSON.parse(line) as StoredRecord;
      if (typeof rec.runId === 'string') records.set(rec.runId, rec);
    } catch {
      // An incomplete line from an interrupted write: that run did not finish.
    }
  }
  return records;
}

export function runDir(outDir: string, runId: string): string {
  return join(outDir, 'runs', runId);
}

/** Ids of runs that finished ok and whose artifacts are all present and intact. */
export function finishedRunIds(outDir: string): Set<string> {
  const done = new Set<string>();
  for (const [id, rec] of readResults(outDir)) {
    const sums = (rec.files as { sha256?: Record<string, string> } | undefined)?.sha256;
    if (rec.status === 'ok' && sums && folderMatches(runDir(outDir, id), sums)) done.add(id);
  }
  return done;
}

/** Removes folders left half-written by a process that died (they were never trusted). */
function removeStaleTemporaries(outDir: string): void {
  for (const sub of ['runs', join('cache', 'models')]) {
    const dir = join(outDir, sub);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) if (name.includes(TMP_MARK)) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

export class ExperimentStore {
  readonly outDir: string;
  private fd: number | undefined;
  private locked = false;

  constructor(outDir: string) {
    this.outDir = outDir;
  }

  /** Creates the folder, takes the lock, and repairs a torn last line of results.jsonl. */
  open(): void {
    mkdirSync(this.outDir, { recursive: true });
    this.lock();
    removeStaleTemporaries(this.outDir);
    const file = join(this.outDir, RESULTS_FILE);
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      if (text.length > 0 && !text.endsWith('\n')) truncateSync(file, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
    }
    this.fd = openSync(file, 'a');
  }

  /**
   * `--fresh`: keep the previous results beside the new ones (results.jsonl.<time>.old), drop
   * the cached trainings, and start an empty results.jsonl.
   */
  startAfresh(): void {
    const file = join(this.outDir, RESULTS_FILE);
    if (this.fd !== undefined) closeSync(this.fd);
    if (existsSync(file) && statSync(file).size > 0) renameSync(file, `${file}.${new Date().toISOString().replace(/[:.]/g, '-')}.old`);
    rmSync(join(this.outDir, 'cache', 'models'), { recursive: true, force: true });
    this.fd = openSync(file, 'a');
  }

  append(record: StoredRecord): void {
    if (this.fd === undefined) throw new Error('store is not open');
    failpoint('results-append');
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.locked) rmSync(join(this.outDir, LOCK_FILE), { force: true });
    this.locked = false;
  }

  private lock(): void {
    const file = join(this.outDir, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
        closeSync(fd);
        this.locked = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = readLock(file);
        if (holder && isAlive(holder.pid)) {
          throw new RunexpError(ErrorCode.LOCKED, `another runexp (pid ${holder.pid}, since ${holder.startedAt}) is writing to ${this.outDir}`, 'wait for it to finish, or use another --out');
        }
        rmSync(file, { force: true }); // left behind by a process that died
      }
    }
    throw new RunexpError(ErrorCode.LOCKED, `cannot lock ${this.outDir}`);
  }
}

function readLock(file: string): { pid: number; startedAt: string } | undefined {
  try {
    if (statSync(file).size === 0) return undefined;
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
