// The extra files a plugin hands back for a run's folder, checked before any is written.
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { quoted } from '../plugin/shorten.ts';

/**
 * The files a measure plugin asks to keep, checked: relative POSIX paths inside the run folder,
 * bytes, and none that would replace one of runexp's own artifacts.
 */
export function pluginFiles(
  files: Record<string, Uint8Array> | undefined,
  reserved: readonly string[],
  measurer: string,
): Record<string, Uint8Array> {
  const fail = (problem: string) =>
    Object.assign(
      new RunexpError(
        ErrorCode.PLUGIN,
        `the measure plugin returned a file ${problem}`,
        'return files as { "relative/path": Uint8Array } inside the run folder',
      ),
      { stage: 'measure', plugin: measurer },
    );
  for (const [path, bytes] of Object.entries(files ?? {})) {
    const parts = path.split('/');
    if (!path || path.startsWith('/') || path.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..'))
      throw fail(`at ${quoted(path)}, which is not a relative path inside the run folder`);
    if (reserved.includes(path)) throw fail(`at ${quoted(path)}, which runexp writes itself`);
    if (!(bytes instanceof Uint8Array)) throw fail(`at ${quoted(path)} whose content is not a Uint8Array`);
  }
  return files ?? {};
}
