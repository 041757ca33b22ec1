// A FIFO or a device as the spec or as a CSV used to block forever (or grow without bound):
// only regular files are read, and each is refused with exit 2 and a hint.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

function fifo(dir: string, name: string): string {
  const path = join(dir, name);
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
  return path;
}

test('a FIFO or /dev/zero as the spec is refused at once', () => {
  const dir = tempDir();
  for (const spec of [fifo(dir, 'spec.yaml'), '/dev/zero']) {
    const { code, stderr } = runCli(['validate', spec], dir);
    expect(code).toBe(2);
    expect(stderr).toContain('the spec is not a regular file');
  }
});

test('a FIFO as a CSV is refused at once, naming it', () => {
  const dir = tempDir();
  fifo(dir, 'prices.csv');
  writeSpec(dir, tinySpec().replace('  ticker: SPY\n', '  ticker: SPY\n  source: {plugin: csv, path: prices.csv}\n'));
  const { code, stderr } = runCli(['validate', 'spec.yaml'], dir);
  expect(code).toBe(2);
  expect(stderr).toContain('cannot load data: prices.csv is not a regular file');
});
