// The experiment's output directory, written only by the main thread. Results are appended one
// JSON line per finished run with a single write + fsync; artifacts are written to a temporary
// folder and renamed into place. So a crash or Ctrl-C can cost at most the run in flight, never
// one that finished. Cached trainings live under cache/models/<key>/ with a checksum per file.
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { RunexpError } from '../plugin/errors.ts';
import { sha256 } from '../plugin/hash.ts';
import { checksums, folderMatches, readFolder, text, TMP_MARK, writeFolderAtomic, type ArtifactFiles } from './artifacts.ts';
import { failpoint, failpointHit } from './failpoints.ts';
import { claimOutputFolder, outDirError } from './out-dir.ts';
import { acquireLock } from './lock.ts';
export { LOCK_FILE } from './lock.ts';
import { nonFiniteScores, parseRecord, type RunRecord } from './record.ts';

export const RESULTS_FILE = 'results.jsonl';

/**
 * Writes every byte: `writeSync` may write fewer than asked (a nearly full disk), so it is called
 * until all are written; a call that writes nothing is a full disk.
 */
function writeFully(fd: number, data: Uint8Array, faultName?: string): void {
  let offset = 0;
  while (offset < data.length) {
    // Fault injection: half a record, then a full disk.
    if (faultName && offset === 0 && data.length > 1 && failpointHit(faultName)) {
      offset += writeSync(fd, data, 0, Math.floor(data.length / 2));
      throw Object.assign(new Error('injected short write (ENOSPC: no space left on device)'), { code: 'ENOSPC' });
    }
    const written = writeSync(fd, data, offset, data.length - offset);
    if (written === 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    offset += written;
  }
}

/** Writes a file atomically: temp file in the same folder, fsync, rename; no temp file is left on failure. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      failpoint('file-write');
      writeFully(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Reads results.jsonl through the record schema; the last record per run id wins. A torn last
 * line, or a line that is not a record, is skipped (its run counts as not done).
 */
export function readResults(outDir: string): Map<string, RunRecord> {
  const file = join(outDir, RESULTS_FILE);
  const records = new Map<string, RunRecord>();
  if (!existsSync(file)) return records;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // an incomplete line from an interrupted write: that run did not finish
    }
    const parsed = parseRecord(value);
    if (parsed.ok) records.set(parsed.record.runId, parsed.record);
  }
  return records;
}

export function runDir(outDir: string, runId: string): string {
  return join(outDir, 'runs', runId);
}

function trainingDir(outDir: string, key: string): string {
  return join(outDir, 'cache', 'models', key);
}

/** Inside a cached training's folder: the sha256 of each of its other files. */
const TRAINING_SUMS = 'checksums.json';

/** A cached training's files if present and every one matches its checksum; else undefined. */
export function cachedTraining(outDir: string, key: string): ArtifactFiles | undefined {
  try {
    const { [TRAINING_SUMS]: sums, ...files } = readFolder(trainingDir(outDir, key));
    const expected = JSON.parse(new TextDecoder().decode(sums)) as Record<string, string>;
    const names = Object.keys(files);
    const intact = names.length === Object.keys(expected).length && names.every((n) => expected[n] === sha256(files[n]));
    return intact ? files : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The last line of results.jsonl when it has no newline: a complete record (the newline was all
 * that was lost) is kept and gets its newline back (returned, for the caller to append); anything
 * else is a torn write and is cut off. Works on bytes, so a record holding bytes that are not
 * valid UTF-8 cannot shift the cut.
 */
function repairLastLine(file: string): string {
  const bytes = readFileSync(file);
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return '';
  const start = bytes.lastIndexOf(0x0a) + 1;
  try {
    if (parseRecord(JSON.parse(bytes.subarray(start).toString('utf8'))).ok) return '\n';
  } catch {
    // not JSON: torn
  }
  truncateSync(file, start);
  return '';
}

/** Ids of runs that finished ok, with finite scores, and whose artifacts are all present and intact. */
export function finishedRunIds(outDir: string): Set<string> {
  const done = new Set<string>();
  for (const [id, rec] of readResults(outDir)) {
    if (rec.status === 'ok' && nonFiniteScores(rec).length === 0 && folderMatches(runDir(outDir, id), rec.files.sha256)) done.add(id);
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
  /** Releases the lock; set while this store holds it. */
  private release?: () => void;

  constructor(outDir: string) {
    this.outDir = outDir;
  }

  /** Creates the folder, takes the lock, and repairs a torn last line of results.jsonl. */
  open(): void {
    try {
      failpoint('out-dir-create');
      claimOutputFolder(this.outDir);
      this.release = acquireLock(this.outDir);
      removeStaleTemporaries(this.outDir);
      const file = join(this.outDir, RESULTS_FILE);
      const ending = existsSync(file) ? repairLastLine(file) : '';
      this.fd = openSync(file, 'a');
      if (ending) writeSync(this.fd, ending);
    } catch (err) {
      this.close();
      // A lock held by another runexp says so itself; anything else is the folder's fault.
      throw err instanceof RunexpError ? err : outDirError(this.outDir, err);
    }
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

  append(record: RunRecord): void {
    if (this.fd === undefined) throw new Error('store is not open');
    failpoint('results-append');
    // A write that fails part-way is rolled back to the last full line, so the next record never
    // lands on the end of a torn one.
    const end = fstatSync(this.fd).size;
    try {
      writeFully(this.fd, Buffer.from(`${JSON.stringify(record)}\n`), 'results-short-write');
      fsyncSync(this.fd);
    } catch (err) {
      ftruncateSync(this.fd, end);
      throw err;
    }
  }

  /**
   * Stores a finished run: its folder first, then its line, so a line never points at files
   * that are not there. Throws if the folder cannot be written (the caller records a failure).
   */
  writeRunFolder(runId: string, files: ArtifactFiles): void {
    writeFolderAtomic(runDir(this.outDir, runId), files);
  }

  /** Caches a training's files with a manifest of their checksums. */
  saveTraining(key: string, files: ArtifactFiles): void {
    writeFolderAtomic(trainingDir(this.outDir, key), { ...files, [TRAINING_SUMS]: text(JSON.stringify(checksums(files))) });
  }

  /** A cached training's files if present and every one matches its checksum; else undefined. */
  loadTraining(key: string): ArtifactFiles | undefined {
    return cachedTraining(this.outDir, key);
  }

  writeFile(name: string, data: string): void {
    writeFileAtomic(join(this.outDir, name), data);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.release?.();
    this.release = undefined;
  }
}
