// The layers of src/ (see ARCHITECTURE.md): each imports only from itself and from layers below
// it, nothing imports in a cycle, and a plugin that imports only `runexp/plugin` never loads the
// runner or piscina.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { FIXTURES, tempDir } from '../helpers/cli.ts';

/** Lower rank = lower layer. Layers of equal rank may not import each other. */
const RANK: Record<string, number> = {
  loader: -1,
  plugin: 0,
  spec: 1,
  plan: 2,
  evaluation: 3,
  results: 4,
  execute: 5,
  report: 5,
  cli: 6,
  'index.ts': 6,
  // Built-in plugins import only the kit, and the spec layer reads their list (plugins/builtins.ts).
  plugins: 0.5,
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|js)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

const files = sources('src');
const layerOf = (file: string) => relative('src', file).split('/')[0];

/** Relative imports (static, re-exports and dynamic) of a file, resolved to paths; `import type` included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\(\s*|new URL\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)]
    .map((m) => resolve(dirname(file), m[1]))
    .map((p) => relative(process.cwd(), p));
}

test('every file under src/ belongs to a known layer', () => {
  expect(files.map(layerOf).filter((l) => !(l in RANK))).toEqual([]);
});

test('no layer imports from a layer above it or beside it', () => {
  const wrong: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    for (const target of importsOf(file)) {
      const to = layerOf(target);
      const builtinPlugin = from === 'plugins';
      const allowed = builtinPlugin ? to === 'plugin' || to === 'plugins' : to === from || RANK[to] < RANK[from];
      if (!allowed) wrong.push(`${file} → ${target}`);
    }
  }
  expect(wrong).toEqual([]);
});

test('built-in plugins use the public kit only, as a user plugin does', () => {
  // The kit's entry points are what package.json publishes as runexp/plugin and its subpaths.
  const exportsMap = JSON.parse(readFileSync('package.json', 'utf8')).exports as Record<string, { 'runexp-source'?: string }>;
  const kit = Object.entries(exportsMap)
    .filter(([path]) => path.startsWith('./plugin'))
    .map(([, entry]) => resolve(entry['runexp-source'] ?? ''));
  expect(kit.length).toBeGreaterThan(1);
  const outside: string[] = [];
  for (const file of files.filter((f) => layerOf(f) === 'plugins')) {
    for (const target of importsOf(file).filter((t) => layerOf(t) === 'plugin'))
      if (!kit.includes(resolve(target))) outside.push(`${file} → ${target}`);
  }
  expect(outside).toEqual([]);
});

test('there are no import cycles', () => {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => files.includes(t))]));
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') return void cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
    state.set(file, 'open');
    for (const next of graph.get(file)!) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  files.forEach((f) => visit(f, []));
  expect(cycles).toEqual([]);
});

test('piscina is used by its launcher only', () => {
  const users = files.filter((f) => /from 'piscina'/.test(readFileSync(f, 'utf8')));
  expect(users).toEqual(['src/execute/piscina-launcher.ts']);
});

test('source files stay small', () => {
  const long = files.map((f) => [f, readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > 260);
  expect(long).toEqual([]);
});

/** Every module URL resolved while one plugin file is imported, as a worker imports it. */
function modulesLoadedBy(plugin: string): string[] {
  const trace = join(tempDir('runexp-trace-'), 'modules.txt');
  const r = spawnSync(process.execPath, ['--conditions=runexp-source', join(FIXTURES, 'kit-only/load-plugin.mjs'), trace, plugin], {
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return readFileSync(trace, 'utf8').trim().split('\n');
}

const runner = (url: string) => /node_modules\/piscina\/|\/src\/(execute|spec|plan|results|report|cli)\/|\/src\/index\.ts$/.test(url);

test('a plugin that imports only runexp/plugin never loads piscina or the runner', () => {
  const loaded = modulesLoadedBy(join(FIXTURES, 'plugins/kit-only.ts'));
  expect(loaded.some((u) => u.endsWith('/src/plugin/index.ts'))).toBe(true);
  expect(loaded.filter(runner)).toEqual([]);
});

test('... while one that imports the whole of runexp does (the check can fail)', () => {
  const loaded = modulesLoadedBy(join(FIXTURES, 'plugins/every-other.ts'));
  expect(loaded.some((u) => u.includes('/node_modules/piscina/'))).toBe(true);
});
