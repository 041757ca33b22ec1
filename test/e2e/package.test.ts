// The package as a user installs it: `npm pack` (which builds dist/ on prepack), unpacked into a
// fresh project's node_modules beside runexp's dependencies and none of its optional peers. There,
// plain Node imports runexp without tsx, a strict TypeScript project typechecks a plugin and a
// script against the published declarations, the API example runs, and the CLI runs a spec with
// the user's TypeScript plugin. Offline: dependencies are linked from this checkout's node_modules.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FIXTURES, tempDir, tinySpec } from '../helpers/cli.ts';

const ROOT = resolve('.');
const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const OPTIONAL_PEERS = Object.keys(manifest.peerDependenciesMeta);
let app: string;
let installed: string;

const node = (args: string[], cwd = app) =>
  spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 180_000 });

beforeAll(() => {
  const packs = tempDir('runexp-pack-');
  // dist/ is built once for the whole suite (test/helpers/global-setup.mjs): no prepack build here.
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packs], { cwd: ROOT, encoding: 'utf8' });
  const [packed] = JSON.parse(out.slice(out.indexOf('[\n')));
  app = tempDir('runexp-app-');
  installed = join(app, 'node_modules', 'runexp');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['xzf', join(packs, packed.filename), '-C', installed, '--strip-components', '1']);
  // runexp's dependencies (and @types/node, which any Node TypeScript project has), nothing else.
  for (const dep of [...Object.keys(manifest.dependencies), '@types/node']) {
    const link = join(app, 'node_modules', dep);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dep), link, 'dir');
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-study', private: true, type: 'module' }));
  cpSync(join(FIXTURES, 'consumer'), app, { recursive: true });
}, 300_000);

test('the package holds compiled JavaScript and declarations, not the TypeScript sources', () => {
  expect(existsSync(join(installed, 'src'))).toBe(false);
  expect(existsSync(join(installed, 'dist/index.js'))).toBe(true);
  expect(existsSync(join(installed, 'dist/plugin/kit/prune.d.ts'))).toBe(true);
  for (const peer of OPTIONAL_PEERS) expect(existsSync(join(app, 'node_modules', peer))).toBe(false);
});

test('plain Node imports runexp and every kit subpath, without tsx', () => {
  const script = `
    const m = await import('runexp');
    const kit = await Promise.all(['plugin', 'plugin/prune', 'plugin/model', 'plugin/data', 'plugin/onnx'].map((p) => import('runexp/' + p)));
    console.log(typeof m.runExperiment, typeof m.definePlugin, kit.map((k) => Object.keys(k).length > 0).join(','));
  `;
  const r = node(['--input-type=module', '-e', script]);
  expect(r.stderr).toBe('');
  expect(r.stdout.trim()).toBe('function function true,true,true,true,true');
});

test('a strict TypeScript project typechecks a plugin and a script against the published types', () => {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  // One compilation (each costs seconds) that must find exactly one file wrong: a misused API in
  // wrong.ts is an error (so the check can fail), the plugin and the script are not. It checks
  // the libraries' declarations too (the project itself skips them, as `tsc --init` does:
  // tfjs 4.22's want @types/long and fail strict checks of their own), and runexp's must hold.
  writeFileSync(join(app, 'wrong.ts'), "import { runExperiment } from 'runexp';\nawait runExperiment({ spec: 1 });\n");
  try {
    const r = node([tsc, '-p', join(app, 'tsconfig.json'), '--skipLibCheck', 'false']);
    const errors = r.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
    const ownFiles = errors.filter((line) => !line.includes('node_modules/'));
    expect(ownFiles.length).toBeGreaterThan(0);
    expect(ownFiles.filter((line) => !line.startsWith('wrong.ts'))).toEqual([]);
    expect(errors.filter((line) => line.includes('node_modules/runexp/'))).toEqual([]);
    expect(r.status).not.toBe(0);
  } finally {
    rmSync(join(app, 'wrong.ts'));
  }
}, 120_000);

test('the API example runs from the install: a spec object, progress, records, CSV', () => {
  const r = node([join(installed, 'examples/api/run-experiment.mjs'), join(app, 'runs/api')]);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('progress: 4/4 runs');
  expect(r.stdout).toContain('runs: 4 ok, 0 failed, 0 reused');
  expect(r.stdout).toMatch(/seed 2, percentile 50: MSE \d+\.\d{3} → \d+\.\d{3}/);
  expect(r.stdout).toMatch(/csv: \d+ columns, 4 rows/);
}, 180_000);

test("the installed CLI runs a spec with the user's TypeScript plugin", () => {
  writeFileSync(join(app, 'spec.yaml'), tinySpec({ name: 'mine', prune: '{plugin: ./plugin.ts, sparsity: 0.5}' }));
  const r = node([join(installed, 'bin/runexp.js'), 'spec.yaml', '--workers', '1', '--no-report']);
  expect(r.stdout).toContain('1 ok, 0 failed');
  expect(r.status).toBe(0);
  const [record] = readFileSync(join(app, 'runs/mine/results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(record.pruning.plugin).toBe('first-weights');
  expect(record.pruning.layers[0].kept).toBe(record.pruning.layers[0].total / 2);
  expect(readdirSync(join(app, 'runs/mine/runs'))).toHaveLength(1);
}, 180_000);
