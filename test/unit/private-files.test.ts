// Code that runs later is kept where no one else can plant it: runexp's cache folders are private
// (refused otherwise), and a queue worker's plugin bundle is checked against its hash whenever it
// is fetched or loaded.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { privateDir } from '../../src/loader/private-dir.js';
import { fetchBundles } from '../../src/execute/queue/plugin-bundles.ts';
import { sha256 } from '../../src/plugin/hash.ts';
import { moduleUrl, sourceKey, type PluginSource } from '../../src/spec/plugin-source.ts';

function withCacheHome<T>(home: string, fn: () => T): T {
  const before = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = home;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = before;
  }
}

test('a cache folder is made private, and one that others can write, another user owns or a link points to is refused', () => {
  const home = mkdtempSync(join(tmpdir(), 'runexp-cache-'));
  const dir = withCacheHome(home, () => privateDir('tsx'))!;
  expect(dir).toBe(join(home, 'runexp/tsx'));
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  chmodSync(dir, 0o777);
  expect(() => withCacheHome(home, () => privateDir('tsx'))).toThrow(`runexp's cache folder ${dir} can be written by others (mode 777)`);
  const elsewhere = mkdtempSync(join(tmpdir(), 'runexp-elsewhere-'));
  symlinkSync(elsewhere, join(home, 'runexp/bundles'));
  expect(() => withCacheHome(home, () => privateDir('bundles'))).toThrow('is a symbolic link');
});

test('a cache folder that cannot be made (no writable home) is no cache, not an error', () => {
  const home = mkdtempSync(join(tmpdir(), 'runexp-cache-'));
  writeFileSync(join(home, 'runexp'), 'a file where the folder would go');
  expect(withCacheHome(home, () => privateDir('tsx'))).toBeUndefined();
});

test("a planted bundle is replaced by the submitter's code when fetched, and a bundle changed after that is refused when loaded", async () => {
  const code = 'export default { slot: "prune" };\n';
  const hash = sha256(code);
  const cache = mkdtempSync(join(tmpdir(), 'runexp-bundles-'));
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, `${hash}.mjs`), 'console.log("planted");\n');
  const redis = { get: async (key: string) => (key === `runexp:bundle:${hash}` ? code : null) } as unknown as Redis;
  const source: PluginSource = { kind: 'file', path: 'plugins/mine.ts', sha256: 'abc' };
  const files = await fetchBundles({ [sourceKey(source)]: hash }, redis, cache);
  const file = files[sourceKey(source)];
  expect(readFileSync(file, 'utf8')).toBe(code);
  expect(moduleUrl(source, { specDir: '/nowhere', bundledPlugins: files })).toBe(`file://${file}`);
  writeFileSync(file, 'console.log("planted later");\n');
  expect(() => moduleUrl(source, { specDir: '/nowhere', bundledPlugins: files })).toThrow(
    'does not match its hash: it changed after it was fetched',
  );
});
