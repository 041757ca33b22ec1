// Why an output folder cannot be used, in words a user can act on. Node's own errors say EEXIST
// for a file in the way, ENOTDIR for a path under a file, and ENOENT or EROFS for a read-only
// mount; this names the path at fault and what to do instead.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { counted } from '../plugin/shorten.ts';
import { MANIFEST_FILE, manifestSchema } from './manifest.ts';

const shown = (path: string) => relative(process.cwd(), path) || path;

/** The nearest existing path at or above `path`. */
function existingAncestor(path: string): string {
  let at = path;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}

/** What stops writing at `base`, found by writing a probe file there: an errno code, or undefined. */
function probe(base: string): string | undefined {
  const file = join(base, `.runexp-probe-${process.pid}`);
  try {
    writeFileSync(file, '');
    rmSync(file, { force: true });
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'EIO';
  }
}

const FOLDER_OF = { '--out': 'the output folder', '--reports': 'the reports folder' } as const;

/** An exit-2 error for a failure to create or write `dir`, the folder that `flag` chooses. */
export function outDirError(dir: string, err: unknown, flag: keyof typeof FOLDER_OF = '--out'): RunexpError {
  const what = FOLDER_OF[flag];
  const hint = `give ${flag} a folder you can write, on a disk with free space`;
  const base = existingAncestor(dir);
  if (existsSync(base) && !statSync(base).isDirectory()) {
    const message =
      base === dir ? `${what} ${shown(dir)} is a file, not a folder` : `${what} ${shown(dir)} lies under ${shown(base)}, which is a file`;
    return new RunexpError(ErrorCode.OUT_DIR, message, hint);
  }
  const raw = (err as NodeJS.ErrnoException).code;
  // A read-only mount may report ENOENT for a folder it cannot create: ask the disk itself.
  const code = raw === 'ENOENT' || raw === undefined ? (probe(base) ?? raw) : raw;
  const why: Record<string, string> = {
    EROFS: 'is on a read-only file system',
    EACCES: 'is not writable (permission denied)',
    EPERM: 'is not writable (operation not permitted)',
    ENOSPC: 'is on a disk with no space left',
    EDQUOT: 'is on a disk whose quota is used up',
  };
  const reason = (code && why[code]) ?? `cannot be written (${(err as Error).message})`;
  return new RunexpError(ErrorCode.OUT_DIR, `${what} ${shown(dir)} ${reason}`, hint);
}

/** Says "runexp wrote this folder": runexp writes into an output folder only if it is empty, new, or holds this. */
export const MARKER_FILE = '.runexp-output';

/** A manifest.json runexp wrote (folders from before the marker existed). */
function isRunexpManifest(file: string): boolean {
  try {
    return manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8'))).success;
  } catch {
    return false;
  }
}

/**
 * Makes `outDir` runexp's, or refuses (exit 2) a folder with files runexp did not write: a user's
 * own manifest.json or results.jsonl would be overwritten or appended to, and `--fresh` would
 * delete what is under its cache/. A folder of an older runexp (no marker, but runexp's manifest)
 * is claimed as it is.
 */
export function claimOutputFolder(outDir: string): void {
  if (existsSync(outDir) && statSync(outDir).isDirectory()) {
    const entries = readdirSync(outDir);
    const ours =
      entries.length === 0 ||
      entries.includes(MARKER_FILE) ||
      (entries.includes(MANIFEST_FILE) && isRunexpManifest(join(outDir, MANIFEST_FILE)));
    if (!ours) {
      const listed = entries.slice(0, 4).join(', ') + (entries.length > 4 ? `, and ${counted(entries.length - 4, 'more')}` : '');
      throw new RunexpError(
        ErrorCode.USAGE,
        `the output folder ${shown(outDir)} holds files runexp did not write (${listed}); runexp writes only into a new or empty folder, or one it wrote before`,
        'choose another --out (runexp makes the folder), or empty this one',
      );
    }
  }
  mkdirSync(outDir, { recursive: true });
  const marker = join(outDir, MARKER_FILE);
  if (!existsSync(marker)) writeFileSync(marker, 'This folder holds runexp results; runexp writes here because of this file.\n');
}
