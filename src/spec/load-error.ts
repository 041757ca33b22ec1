// Why a plugin module failed to load, pointing at the file, line and column of the problem.
// TypeScript goes through esbuild (via tsx), whose message carries the location; Node's own
// SyntaxError for a JavaScript file does not, so that file is compiled again with `node --check`,
// which prints it (a second or so, and only when loading has already failed).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ESBUILD_LOCATION = /^(.+):(\d+):(\d+): ERROR: (.+)$/m;

/** A path as the user would type it: relative to the working folder when inside it. */
function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

export function loadErrorMessage(err: unknown, url: string): string {
  if (!(err instanceof Error))
    return `it threw ${err === undefined ? 'undefined' : (JSON.stringify(err) ?? String(err))} (not an Error) while loading`;
  const message = err.message;
  // A file with import/export in a folder whose package.json says "type": "commonjs" (which
  // `npm init -y` writes) is loaded as CommonJS, and Node then refuses the ES modules it imports.
  if (/Cannot require\(\) ES Module/.test(message)) {
    return `${url.startsWith('file:') ? shown(fileURLToPath(url)) : url} is loaded as CommonJS (its package.json says "type": "commonjs", which \`npm init -y\` writes), but it or what it imports is an ES module: remove that line, or set "type": "module" (npm pkg set type=module)`;
  }
  const located = ESBUILD_LOCATION.exec(message);
  // esbuild counts columns from 0; editors and Node from 1.
  if (located) return `${shown(located[1])}:${located[2]}:${Number(located[3]) + 1}: ${located[4]}`;
  if (err instanceof SyntaxError && url.startsWith('file:')) {
    const file = fileURLToPath(url);
    const where = checkSyntax(file);
    if (where) return `${shown(where.file)}:${where.line}:${where.column}: ${message}`;
  }
  return message.split('\n')[0];
}

/** Line and column of the first syntax error in a file, read as an ES module. */
function checkSyntax(file: string): { file: string; line: number; column: number } | undefined {
  const check = spawnSync(process.execPath, ['--input-type=module', '--check'], { input: readFileSync(file), encoding: 'utf8' });
  // "[stdin]:3\n<source line>\n<spaces>^\n" — the caret marks the column.
  const lines = check.stderr.split('\n');
  const line = /^\[stdin\]:(\d+)$/.exec(lines[0] ?? '');
  const caret = (lines[2] ?? '').indexOf('^');
  if (!line || caret < 0) return undefined;
  return { file, line: Number(line[1]), column: caret + 1 };
}
