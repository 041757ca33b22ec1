// Folders for runexp's caches that only this user can write. A cache holds code that runs later
// (tsx's compiled sources, queue workers' plugin bundles): one in a shared temp folder could be
// planted by another user of the host and would then run as this one. Plain JavaScript: the
// loader uses it before tsx exists.
import { lstatSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * `<cache home>/runexp/<name>` ($XDG_CACHE_HOME, else ~/.cache), created private (0700). Throws
 * when it exists but is not private (another owner, writable by others, a symbolic link);
 * undefined when it cannot be created at all (no writable home).
 */
export function privateDir(name) {
  const root = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const dir = join(root, 'runexp', name);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return undefined;
  }
  for (const folder of [join(root, 'runexp'), dir]) {
    const problem = notPrivate(folder);
    if (problem)
      throw new Error(
        `runexp's cache folder ${folder} ${problem}, so what it holds cannot be trusted; remove it (runexp makes a private one), or set XDG_CACHE_HOME to a folder of your own`,
      );
  }
  return dir;
}

function notPrivate(folder) {
  const stat = lstatSync(folder);
  if (stat.isSymbolicLink()) return 'is a symbolic link';
  if (!stat.isDirectory()) return 'is not a folder';
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) return `belongs to another user (uid ${stat.uid})`;
  if ((stat.mode & 0o022) !== 0) return `can be written by others (mode ${(stat.mode & 0o777).toString(8)})`;
  return undefined;
}
