// An output folder that cannot be used is refused before any work, with exit 2, the path at
// fault and a hint; nothing half-written (no *.tmp) is left behind. Read-only and full disks are
// simulated with RUNEXP_FAILPOINTS (this test may run as root, who can write anywhere).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

const dir = tempDir();
writeSpec(dir, tinySpec());
writeFileSync(join(dir, 'a-file'), 'not a folder');

const tmpFiles = (d: string): string[] =>
  readdirSync(d, { withFileTypes: true, recursive: true })
    .filter((e) => e.name.endsWith('.tmp'))
    .map((e) => e.name);

test.each([
  ['is a file', ['--out', 'a-file'], {}, 'the output folder a-file is a file, not a folder'],
  ['lies under a file', ['--out', 'a-file/results'], {}, 'the output folder a-file/results lies under a-file, which is a file'],
  [
    'is on a read-only mount',
    ['--out', 'read-only'],
    { RUNEXP_FAILPOINTS: 'out-dir-create:EROFS' },
    'the output folder read-only is on a read-only file system',
  ],
  ['is on a full disk', ['--out', 'full'], { RUNEXP_FAILPOINTS: 'file-write' }, 'the output folder full is on a disk with no space left'],
])('--out that %s: exit 2 with a hint, no *.tmp', (_case, flags, env, message) => {
  const run = runCli(['spec.yaml', '--no-report', ...flags], dir, env);
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(`runexp: ${message}\n  hint: give --out a folder you can write, on a disk with free space\n`);
  expect(tmpFiles(dir)).toEqual([]);
});

test('an empty --out or --reports is refused rather than writing into the current folder', () => {
  for (const args of [
    ['report', 'runs/tiny', '--reports', ''],
    ['plan', 'spec.yaml', '--out', ''],
    ['spec.yaml', '--out', ''],
  ]) {
    const empty = runCli(args, dir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^runexp: --(reports|out) needs a folder name, got an empty string\n/);
  }
});

test("a folder with files runexp did not write is refused and left as it was; runexp's own folders, old or new, are used", () => {
  const foreign = join(dir, 'mine');
  mkdirSync(join(foreign, 'cache', 'models'), { recursive: true });
  const files = {
    'manifest.json': '{"my": "own"}',
    'spec.resolved.yaml': 'mine: true\n',
    'results.jsonl': '{"mine": 1}\n',
    'cache/models/keep.txt': 'keep',
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(foreign, name), content);
  for (const flags of [[], ['--fresh']]) {
    const run = runCli(['spec.yaml', '--no-report', '--out', 'mine', ...flags], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'runexp: the output folder mine holds files runexp did not write (cache, manifest.json, results.jsonl, spec.resolved.yaml); runexp writes only into a new or empty folder, or one it wrote before\n  hint: choose another --out (runexp makes the folder), or empty this one\n',
    );
    for (const [name, content] of Object.entries(files)) expect(readFileSync(join(foreign, name), 'utf8')).toBe(content);
    expect(readdirSync(foreign).sort()).toEqual(['cache', 'manifest.json', 'results.jsonl', 'spec.resolved.yaml']);
  }
  // `--out .` in a project folder: the same.
  writeFileSync(join(dir, 'package.json'), '{}');
  expect(runCli(['spec.yaml', '--no-report', '--out', '.'], dir).code).toBe(2);
  rmSync(join(dir, 'package.json'));
  // A folder runexp wrote, and one written before the marker existed (its manifest is runexp's): used.
  expect(runCli(['spec.yaml', '--no-report', '--out', 'ours'], dir).code).toBe(0);
  expect(existsSync(join(dir, 'ours', '.runexp-output'))).toBe(true);
  rmSync(join(dir, 'ours', '.runexp-output'));
  expect(runCli(['spec.yaml', '--no-report', '--out', 'ours'], dir).stderr).toContain('2 runs (2 already done)');
}, 120_000);
