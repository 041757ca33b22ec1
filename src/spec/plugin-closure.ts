// What a plugin file's run ids hash: the file and every local file it imports, directly or not
// (its helpers), found by esbuild as if bundling it. Editing a helper then redoes the plugin's
// runs, as editing the plugin itself does. Installed packages (bare imports) are left out: they
// are versioned, and runexp and zod are runexp's own.
import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { buildSync } from 'esbuild';
import { sha256 } from '../plugin/hash.ts';

/** The plugin's local files (paths relative to `baseDir`, POSIX separators) with their content hashes, sorted. */
export function localImports(file: string, baseDir: string): { path: string; sha256: string }[] {
  let inputs: string[];
  try {
    const { metafile } = buildSync({
      entryPoints: [file],
      absWorkingDir: baseDir,
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    inputs = Object.keys(metafile.inputs).map((input) => resolve(baseDir, input));
  } catch {
    // It does not even parse: importing it will say where; until then the file alone is its code.
    inputs = [file];
  }
  return inputs
    .map((input) => ({ path: relative(baseDir, input).split(sep).join('/'), sha256: sha256(readFileSync(input)) }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** One hash for the plugin file and its local imports. */
export function closureHash(file: string, baseDir: string): string {
  const files = localImports(file, baseDir);
  return files.length === 1 ? files[0].sha256 : sha256(JSON.stringify(files));
}
