// An output folder that cannot be used is refused before any work, with exit 2, the path at
// fault and a hint; nothing half-written (no *.tmp) is left behind. Read-only and full disks are
// simulated with RUNEXP_FAILPOINTS (this test may run as root, who can write anywhere).
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

const dir = tempDir();
writeSpec(dir, tinySpec());
writeFileSync(join(dir, 'a-file'), 'not a folder');

const tmpFiles = (d: string): string[] => readdirSync(d, { withFileTypes: true, recursive: true }).filter((e) => e.name.endsWith('.tmp')).map((e) => e.name);

test.each([
  ['is a file', ['--out', 'a-file'], {}, 'the output folder a-file is a file, not a folder'],
  ['lies under a file', ['--out', 'a-file/results'], {}, 'the output folder a-file/results lies under a-file, which is a file'],
  ['is on a read-only mount', ['--out', 'read-only'], { RUNEXP_FAILPOINTS: 'out-dir-create:EROFS' }, 'the output folder read-only is on a read-only file system'],
  ['is on a full disk', ['--out', 'full'], { RUNEXP_FAILPOINTS: 'file-write' }, 'the output folder full is on a disk with no space left'],
])('--out that %s: exit 2 with a hint, no *.tmp', (_case, flags, env, message) => {
  const run = runCli(['spec.yaml', '--no-report', ...flags], dir, env);
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(`runexp: ${message}\n  hint: give --out a folder you can write, on a disk with free space\n`);
  expect(tmpFiles(dir)).toEqual([]);
});

test('an empty --out or --reports is refused rather than writing into the current folder', () => {
  for (const args of [['report', 'runs/tiny', '--reports', ''], ['plan', 'spec.yaml', '--out', ''], ['spec.yaml', '--out', '']]) {
    const empty = runCli(args, dir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^runexp: --(reports|out) needs a folder name, got an empty string\n/);
  }
});
