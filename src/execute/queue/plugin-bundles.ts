// A user's plugins on machines that have no copy of the user's project. The submitter bundles
// each plugin file (or installed plugin package) with everything it imports into one ES module
// (esbuild), stores it in Redis once under its content hash, and names the hashes in each job; a
// worker fetches a bundle it has not seen, checks the hash, and keeps it in a local cache folder.
// `runexp`, `runexp/*` and `zod` stay imports: the worker's own runexp provides them, as it does
// for plugin files loaded locally (src/loader/hooks.js).
import { existsSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Redis } from 'ioredis';
import { ErrorCode, RunexpError } from '../../plugin/errors.ts';
import { sha256 } from '../../plugin/hash.ts';
import type { PluginCall, TrainGroup } from '../../plan/types.ts';
import { bundleMatches, moduleUrl, sourceKey, type PluginSource } from '../../spec/plugin-source.ts';
import { privateDir } from '../../loader/private-dir.js';

/** Bundle hashes by sourceKey: what a job needs besides the built-in plugins. */
export type BundleRefs = Record<string, string>;

const redisKey = (hash: string) => `runexp:bundle:${hash}`;

/** The user's plugins a group's runs call, and the layer kinds its architecture names (built-ins are on every worker already). */
export function userPlugins(group: TrainGroup): PluginSource[] {
  const calls: PluginCall[] = [
    group.window,
    group.train,
    ...group.runs.flatMap((r) => [r.prune, r.compact, ...(r.compactThen ? [r.compactThen] : []), r.measure]),
  ];
  const sources = [...calls.map((c) => c.source), ...(Object.values(group.architecture.kinds ?? {}) as PluginSource[])];
  const byKey = new Map(sources.filter((s) => s.kind !== 'builtin').map((s) => [sourceKey(s), s]));
  return [...byKey.values()];
}

/** One ES module holding a plugin and everything it imports but runexp and zod. */
export async function bundlePlugin(source: PluginSource, specDir: string): Promise<string> {
  const entry = fileURLToPath(moduleUrl(source, { specDir })); // refuses a file changed since planning
  try {
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: specDir, // messages name files as the spec does
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      external: ['runexp', 'runexp/*', 'zod', 'zod/*'],
      // Bundled CommonJS dependencies call require(); an ES module has none of its own.
      banner: { js: "import { createRequire as __runexpRequire } from 'node:module'; const require = __runexpRequire(import.meta.url);" },
    });
    return result.outputFiles[0].text;
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors ?? [];
    const why =
      errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text)).join('; ') || (err as Error).message;
    const shown = source.kind === 'file' ? source.path : source.kind === 'package' ? source.specifier : source.name;
    throw new RunexpError(
      ErrorCode.PLUGIN,
      `cannot bundle plugin ${shown} to send it through the queue: ${why}`,
      'a plugin sent to queue workers must bundle with esbuild (no native addons)',
    );
  }
}

/** The submitting side: bundles (once per process) and stores each of a group's user plugins. */
export class BundleStore {
  private readonly stored = new Map<string, Promise<string>>();
  private readonly code = new Map<string, string>();

  constructor(private readonly redis: Redis) {}

  async refsFor(group: TrainGroup, specDir: string): Promise<BundleRefs> {
    const sources = userPlugins(group);
    const hashes = await Promise.all(sources.map((source) => this.store(source, specDir)));
    return Object.fromEntries(sources.map((source, i) => [sourceKey(source), hashes[i]]));
  }

  private store(source: PluginSource, specDir: string): Promise<string> {
    const key = sourceKey(source);
    if (!this.stored.has(key)) {
      this.stored.set(
        key,
        (async () => {
          const code = await bundlePlugin(source, specDir);
          const hash = sha256(code);
          this.code.set(hash, code);
          await this.redis.set(redisKey(hash), code, 'NX'); // the same code is stored once
          return hash;
        })(),
      );
    }
    return this.stored.get(key)!;
  }

  /** Stores the bundles again where Redis lost them (it restarted without persistence). */
  async storeAgain(refs: BundleRefs): Promise<void> {
    for (const hash of Object.values(refs)) await this.redis.set(redisKey(hash), this.code.get(hash)!, 'NX');
  }
}

let cache: string | undefined;

/**
 * Where a worker keeps the bundles it has fetched, one file per content hash: runexp's private
 * cache folder (loader/private-dir.js), or a private temp folder of this process's own.
 */
export function bundleCache(): string {
  cache ??= privateDir('plugin-bundles') ?? mkdtempSync(join(tmpdir(), 'runexp-plugin-bundles-'));
  return cache;
}

/**
 * The worker side: the local file of each bundle a job names, fetched from Redis when not cached
 * yet. A bundle whose content does not match its hash, in Redis or in the cache, is not used
 * (and is checked again whenever it is loaded, see spec/plugin-source.ts), so a worker never
 * runs code other than what the submitter planned with.
 */
export async function fetchBundles(refs: BundleRefs, redis: Redis, cacheDir = bundleCache()): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const [key, hash] of Object.entries(refs)) {
    const file = join(cacheDir, `${hash}.mjs`);
    if (!existsSync(file) || !bundleMatches(file)) {
      const code = await redis.get(redisKey(hash));
      if (code === null) throw new Error(`the bundle of plugin ${key} (${hash.slice(0, 12)}…) is not in Redis: submit the grid again`);
      if (sha256(code) !== hash) throw new Error(`the bundle of plugin ${key} in Redis does not match its hash ${hash.slice(0, 12)}…`);
      // Written whole or not at all: another worker on this host may be reading the folder.
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, code, { mode: 0o600 });
      renameSync(partial, file);
    }
    files[key] = file;
  }
  return files;
}
