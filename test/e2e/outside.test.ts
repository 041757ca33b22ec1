// A researcher's own folder, outside runexp's checkout (in the system's temp folder), as the
// README describes it: (1) a folder that installs nothing — its plugins' imports of runexp,
// runexp/plugin and zod resolve to the running runexp's copies; (2) a folder whose package.json
// installs runexp, run with `npx runexp`. TypeScript and JavaScript plugins, and syntax errors
// that point at the plugin's own file:line:col.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readJsonl, runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

const EXAMPLE = resolve('examples/my-pruner/plugins/balanced.ts');
const LAYER_EXAMPLE = resolve('examples/my-layer/layers/glu.ts');

/** The paper's CNN with its hidden dense layer replaced by the example's gated linear unit. */
const gluSpec = (pruners: string) =>
  tinySpec({ name: 'gated', prune: pruners }).replace(
    /architectures:[\s\S]*?(?=train:)/,
    'architectures:\n  gated:\n    - {type: conv1d, filters: 5, kernelSize: 1, activation: relu}\n    - {type: flatten}\n    - {type: ./layers/glu.ts, units: 60}\n    - {type: dense, units: 1}\n',
  );

/** The example's layer kind in a user's folder, and a spec using it. */
function withLayerKind(dir: string, pruners = '{plugin: magnitude, sparsity: 0.5, layers: [glu]}') {
  mkdirSync(join(dir, 'layers'), { recursive: true });
  copyFileSync(LAYER_EXAMPLE, join(dir, 'layers/glu.ts'));
  writeSpec(dir, gluSpec(pruners));
}

/** The glu layer's kernel (70 inputs × 2 · 60 units) lost half its weights. */
function expectGluRun(row: Record<string, any>) {
  expect(row.status).toBe('ok');
  expect(row.pruning.layers).toEqual([expect.objectContaining({ layer: 'glu', total: 8400, kept: 4200 })]);
  expect(row.compact.layers.map((l: { name: string }) => l.name)).toEqual(['conv1d', 'flatten', 'glu', 'dense']);
}

function userFolder(packageJson?: object): string {
  const dir = tempDir('runexp-user-');
  expect(dir.startsWith(resolve('.'))).toBe(false);
  mkdirSync(join(dir, 'plugins'));
  copyFileSync(EXAMPLE, join(dir, 'plugins/balanced.ts'));
  if (packageJson) writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson));
  writeSpec(dir, tinySpec({ name: 'mine', prune: '{plugin: ./plugins/balanced.ts, sparsity: 0.5, layers: [dense]}' }));
  return dir;
}

/** Every one of the 120 units of the first dense layer keeps 35 of its 70 inputs. */
function expectBalancedRun(dir: string) {
  const [row] = readJsonl(join(dir, 'runs/mine/results.jsonl'));
  expect(row.status).toBe('ok');
  expect(row.params.pruner).toBe('balanced');
  expect(row.pruning.layers[0]).toMatchObject({ layer: 'dense', total: 8400, kept: 4200, criterion: '|w| per unit' });
  expect(row.pruning.data).toEqual({ keptPerUnit: { dense: 35 } });
}

test('(1) a folder with no package.json: the plugin imports runexp/plugin and zod from the running runexp', () => {
  const dir = userFolder();
  const { code, stderr } = runCli(['spec.yaml', '--workers', '1', '--no-report'], dir);
  expect(stderr).not.toMatch(/Cannot (find package|require)/);
  expect(code).toBe(0);
  expectBalancedRun(dir);
}, 120_000);

test('(1) with {"type": "module"}, and a JavaScript plugin importing the runexp package itself', () => {
  const dir = userFolder({ type: 'module' });
  writeFileSync(
    join(dir, 'plugins/half.js'),
    "import { z } from 'zod';\nimport { definePlugin } from 'runexp';\nimport { pruneKernels } from 'runexp/plugin/prune';\nexport default definePlugin({ slot: 'prune', name: 'half', options: z.strictObject({}), run: (req, _o, ctx) => pruneKernels(ctx.tf, req, ['dense'], () => ({ keep: (i) => i % 2 === 0 })) });\n",
  );
  writeSpec(dir, tinySpec({ name: 'mine', prune: '[{plugin: ./plugins/balanced.ts, sparsity: 0.5}, ./plugins/half.js]' }));
  const { code, stdout, stderr } = runCli(['validate', 'spec.yaml'], dir);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toContain('valid — 2 runs, 1 training');
});

test('a folder `npm init -y` made ("type": "commonjs"): an import/export plugin is refused saying why and how to fix it', () => {
  const dir = userFolder({ name: 'mine', version: '1.0.0', type: 'commonjs' });
  const { code, stderr } = runCli(['validate', 'spec.yaml'], dir);
  expect(code).toBe(2);
  expect(stderr).toContain(
    'plugins/balanced.ts is loaded as CommonJS (its package.json says "type": "commonjs", which `npm init -y` writes), but it or what it imports is an ES module: remove that line, or set "type": "module" (npm pkg set type=module)',
  );
});

test('a syntax error in a plugin points at its own file, line and column, without --debug', () => {
  const dir = userFolder();
  writeFileSync(
    join(dir, 'plugins/broken.ts'),
    "import { definePlugin } from 'runexp/plugin';\n\nexport default definePlugin({\n  slot: 'prune',\n  name: ,\n});\n",
  );
  writeFileSync(join(dir, 'plugins/broken-js.js'), "export default {\n  slot: 'prune',\n  name: 'x' +,\n};\n");
  for (const [file, where] of [
    ['broken.ts', 'plugins/broken.ts:5:9'],
    ['broken-js.js', 'plugins/broken-js.js:3:14'],
  ]) {
    writeSpec(dir, tinySpec({ name: 'mine', prune: `./plugins/${file}` }));
    const { code, stderr } = runCli(['validate', 'spec.yaml'], dir);
    expect(code).toBe(2);
    expect(stderr).toContain(`the plugin file failed to load: ${where}: `);
    expect(stderr).not.toContain('    at '); // no stack trace
  }
});

test('(2) a folder whose package.json installs runexp: npx runexp spec.yaml, with a pruner and a layer kind of its own', () => {
  const dir = userFolder({ name: 'my-study', private: true, type: 'module' });
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--offline', resolve('.')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(install.status).toBe(0);
  const npx = () =>
    spawnSync('npx', ['runexp', 'spec.yaml', '--workers', '1', '--no-report'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, CI: 'true' },
    });
  const run = npx();
  expect(run.stderr).not.toMatch(/Cannot (find package|require)/);
  expect(run.status).toBe(0);
  expectBalancedRun(dir);
  withLayerKind(dir);
  const gated = npx();
  expect(gated.stderr).not.toMatch(/Cannot (find package|require)/);
  expect(gated.status).toBe(0);
  expectGluRun(readJsonl(join(dir, 'runs/gated/results.jsonl'))[0]);
}, 240_000);

test('(1) a layer kind of its own, from a folder with nothing installed: validated, built, pruned, saved and loaded again; editing it redoes its runs', () => {
  const dir = tempDir('runexp-user-');
  withLayerKind(dir);
  const first = runCli(['spec.yaml', '--workers', '1', '--no-report'], dir);
  expect(first.stderr).not.toMatch(/Cannot find/);
  expect(first.code).toBe(0);
  expectGluRun(readJsonl(join(dir, 'runs/gated/results.jsonl'))[0]);
  // Another pruner: the dense model is loaded from the cache, which needs the kind's tfjs class.
  withLayerKind(dir, '[{plugin: magnitude, sparsity: 0.5, layers: [glu]}, {plugin: random, sparsity: 0.5, layers: [glu]}]');
  const second = runCli(['spec.yaml', '--workers', '1', '--no-report'], dir);
  expect(second.code).toBe(0);
  expect(second.stderr).toContain('2 runs (1 already done), 0 trainings to do (1 cached)');
  expect(readJsonl(join(dir, 'runs/gated/results.jsonl')).map((r) => r.status)).toEqual(['ok', 'ok']);
  // An option the kind does not have is refused at its line.
  writeSpec(dir, gluSpec('magnitude').replace('units: 60}', 'units: 60, gates: 2}'));
  const refused = runCli(['validate', 'spec.yaml'], dir);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('spec.yaml:12:42  architectures.gated[2]: unknown key "gates"');
  // Editing the kind's file changes what was trained: its runs are redone.
  withLayerKind(dir);
  writeFileSync(join(dir, 'layers/glu.ts'), `// edited\n${readFileSync(join(dir, 'layers/glu.ts'), 'utf8')}`);
  const third = runCli(['spec.yaml', '--workers', '1', '--no-report'], dir);
  expect(third.code).toBe(0);
  expect(third.stderr).toContain('1 run (0 already done), 1 training to do');
}, 120_000);

test("a helper beside a plugin loads as an ES module with runexp's zod and runexp/plugin; editing it redoes the plugin's runs", () => {
  const dir = userFolder();
  const helper = (criterion: string) =>
    `import { z } from 'zod';\nimport { sparsityOption } from 'runexp/plugin/prune';\nexport const options = z.strictObject({ sparsity: sparsityOption.default(0.5) });\nexport const criterion = '${criterion}';\n`;
  writeFileSync(join(dir, 'plugins/rule.ts'), helper('every other'));
  writeFileSync(
    join(dir, 'plugins/helped.ts'),
    "import { definePlugin } from 'runexp/plugin';\nimport { pruneKernels } from 'runexp/plugin/prune';\nimport { criterion, options } from './rule.ts';\nexport default definePlugin({ slot: 'prune', name: 'helped', options, run: (req, _o, ctx) => pruneKernels(ctx.tf, req, ['dense'], () => ({ criterion, keep: (i) => i % 2 === 0 })) });\n",
  );
  writeSpec(dir, tinySpec({ name: 'mine', prune: './plugins/helped.ts' }));
  const first = runCli(['spec.yaml', '--workers', '1', '--no-report'], dir);
  expect(first.stderr).not.toMatch(/Cannot find module/);
  expect(first.code).toBe(0);
  writeFileSync(join(dir, 'plugins/rule.ts'), helper('every other, edited'));
  const second = runCli(['spec.yaml', '--workers', '1', '--no-report'], dir);
  expect(second.code).toBe(0);
  expect(second.stderr).toContain('1 run (0 already done)');
  const rows = readJsonl(join(dir, 'runs/mine/results.jsonl'));
  expect(rows.map((r) => r.pruning.layers[0].criterion)).toEqual(['every other', 'every other, edited']);
  expect(rows[0].runId).not.toBe(rows[1].runId);
}, 120_000);
