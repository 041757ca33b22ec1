// Where a plugin's code comes from, in a form that means the same on every machine: a built-in
// name, an installed package (name and version), or a file relative to the spec with its content
// hash. Never an absolute path or file URL, so a task can be sent elsewhere and a run id does not
// depend on where the checkout lives. `moduleUrl` turns a source back into something to import.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUILTINS, builtinUrl } from '../plugins/builtins.ts';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { sha256 } from '../plugin/hash.ts';
import { closureHash } from './plugin-closure.ts';
import { SLOTS, type AnyPlugin, type Slot } from '../plugin/api.ts';
import { limited } from '../plugin/deadlines.ts';
import { loadersFor } from '../loader/register.js';
import { DEFAULT_TIMEOUTS } from './schema.ts';

export type PluginSource =
  | { kind: 'builtin'; slot: Slot; name: string }
  | { kind: 'package'; specifier: string; version: string }
  /** `sha256`: of the file and the local files it imports (plugin-closure.ts). */
  | { kind: 'file'; path: string; sha256: string };

export { BUILTINS };

export function isPathRef(ref: string): boolean {
  return ref.startsWith('.') || ref.startsWith('/') || /\.(ts|js|mjs|mts)$/.test(ref);
}

/** A file plugin's source: its path relative to the spec's folder (POSIX separators) and the hash of its code, helpers included. */
export function fileSource(file: string, specDir: string): PluginSource {
  return { kind: 'file', path: relative(specDir, file).split(sep).join('/'), sha256: closureHash(file, specDir) };
}

/** The source of an installed package as seen from `fromDir`, or undefined when none resolves. */
export function packageSource(specifier: string, fromDir: string): PluginSource | undefined {
  const entry = resolvePackage(specifier, fromDir);
  if (!entry) return undefined;
  return { kind: 'package', specifier, version: packageVersion(entry, specifier) ?? 'unknown' };
}

function resolvePackage(specifier: string, fromDir: string): string | undefined {
  try {
    return createRequire(join(fromDir, 'noop.js')).resolve(specifier);
  } catch {
    return undefined;
  }
}

/** The version in the package.json above a package's resolved entry. */
function packageVersion(entry: string, specifier: string): string | undefined {
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === name) return pkg.version;
  }
  return undefined;
}

/** A user's plugin (file or package) as one name, e.g. for the bundle a queue worker receives of it. */
export function sourceKey(source: PluginSource): string {
  if (source.kind === 'file') return `file:${source.path}@${source.sha256}`;
  if (source.kind === 'package') return `package:${source.specifier}@${source.version}`;
  return `builtin:${source.slot}/${source.name}`;
}

/** Where this machine finds plugins: the spec's folder, or bundles of them a queue job brought. */
export interface PluginPlace {
  specDir: string;
  /** Bundled code of a user's plugins (absolute file paths) by sourceKey; checked when written. */
  bundledPlugins?: Record<string, string>;
}

/**
 * The module URL behind a source on this machine. A file whose code (its own or a helper's) no
 * longer matches its hash is refused, so a task never runs code other than what was planned.
 */
export function moduleUrl(source: PluginSource, place: PluginPlace): string {
  const bundled = place.bundledPlugins?.[sourceKey(source)];
  if (bundled) {
    if (!bundleMatches(bundled))
      throw new RunexpError(
        ErrorCode.PLUGIN,
        `the bundle of plugin ${sourceKey(source)} at ${bundled} does not match its hash: it changed after it was fetched`,
        'the worker fetches it again for the next job; check who else writes its cache folder',
      );
    return pathToFileURL(bundled).href;
  }
  const { specDir } = place;
  if (source.kind === 'builtin') return builtinUrl(source.slot, source.name);
  if (source.kind === 'package') {
    const entry = resolvePackage(source.specifier, specDir);
    if (!entry)
      throw new RunexpError(
        ErrorCode.PLUGIN,
        `plugin package "${source.specifier}" is not installed here`,
        `npm install ${source.specifier}@${source.version}`,
      );
    return pathToFileURL(entry).href;
  }
  const file = isAbsolute(source.path) ? source.path : resolve(specDir, source.path);
  if (!existsSync(file)) throw new RunexpError(ErrorCode.PLUGIN, `plugin file ${source.path} is missing (relative to ${specDir})`);
  const actual = closureHash(file, specDir);
  if (actual !== source.sha256) {
    throw new RunexpError(
      ErrorCode.PLUGIN,
      `plugin file ${source.path} (or a file it imports) changed after the grid was planned (sha256 ${actual.slice(0, 12)}…, planned ${source.sha256.slice(0, 12)}…)`,
      'run the experiment again to plan with the current files',
    );
  }
  return pathToFileURL(file).href;
}

/** Whether a bundle file (named `<sha256>.mjs` by the queue worker) still holds the code its name promises. */
export function bundleMatches(file: string): boolean {
  return sha256(readFileSync(file)) === basename(file, '.mjs');
}

/** Thrown when a module loads but its default (or `plugin`) export is not a well-formed plugin. */
export class PluginShapeError extends Error {
  constructor(readonly problem = 'the file does not export a plugin') {
    super(problem);
  }
}

/** What is wrong with a module's export as a plugin, or undefined when nothing is. */
function shapeProblem(candidate: unknown): string | undefined {
  if (!candidate || typeof candidate !== 'object') return 'the file does not export a plugin';
  const p = candidate as Record<string, unknown>;
  if (!SLOTS.includes(p.slot as Slot)) return `its "slot" must be one of ${SLOTS.join(', ')} (got ${JSON.stringify(p.slot)})`;
  if (typeof p.name !== 'string' || p.name === '') return 'its "name" must be a non-empty string';
  if (typeof p.run !== 'function') return 'its "run" must be a function';
  if (!p.options || typeof (p.options as { safeParse?: unknown }).safeParse !== 'function')
    return 'its "options" must be a zod schema (e.g. z.strictObject({...}))';
  if (p.axes !== undefined && !(Array.isArray(p.axes) && p.axes.every((a) => typeof a === 'string')))
    return `its "axes" must be a list of option names (got ${JSON.stringify(p.axes)})`;
  return undefined;
}

/**
 * Loads the module behind a plugin URL and checks that it exports a plugin. A module whose
 * top-level code does not finish within `loadSeconds` is refused (a top-level await that hangs).
 */
export async function importPlugin(url: string, loadSeconds: number = DEFAULT_TIMEOUTS.load): Promise<AnyPlugin> {
  const candidate = await importDefault(url, loadSeconds);
  const problem = shapeProblem(candidate);
  if (problem) throw new PluginShapeError(problem);
  return candidate as AnyPlugin;
}

/** A module's default (or `plugin`) export, its top-level code limited to `loadSeconds`. */
export async function importDefault(url: string, loadSeconds: number = DEFAULT_TIMEOUTS.load): Promise<unknown> {
  const shown = url.startsWith('file:') ? relative(process.cwd(), fileURLToPath(url)) : url;
  // Its top-level code runs now: announced, so that a loop there is stopped from outside too.
  const mod = (await limited(
    'load',
    shown,
    loadSeconds,
    async () => {
      await loadersFor(url);
      return import(url);
    },
    () =>
      new RunexpError(
        ErrorCode.TIMEOUT,
        `${shown} did not finish loading within ${loadSeconds} s (its top-level code, e.g. an await, never settled)`,
        'fix the plugin file, or raise timeouts.load (seconds) in the spec',
      ),
  )) as { default?: unknown; plugin?: unknown };
  return mod.default ?? mod.plugin;
}
