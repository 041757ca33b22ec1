// Why an output folder cannot be used, in words a user can act on. Node's own errors say EEXIST
// for a file in the way, ENOTDIR for a path under a file, and ENOENT or EROFS for a read-only
// mount; this names the path at fault and what to do instead.
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';

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
    const message = base === dir ? `${what} ${shown(dir)} is a file, not a folder` : `${what} ${shown(dir)} lies under ${shown(base)}, which is a file`;
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
