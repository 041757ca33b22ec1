// Runs the real CLI (bin/runexp.js) in a child process, as a user would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve('bin/runexp.js');
export const FIXTURES = resolve('test/fixtures');

export function tempDir(prefix = 'runexp-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function runCli(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 180_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A small, fast spec: SPY, 120 training days, 20 test days, 2 epochs. */
export function tinySpec(extra: { name?: string; prune?: string; seeds?: string } = {}): string {
  return `name: ${extra.name ?? 'tiny'}
seeds: ${extra.seeds ?? '[1]'}
data:
  ticker: SPY
  days: 120
test:
  days: 20
architectures:
  paper:
    - {type: conv1d, filters: 5, kernelSize: 1, strides: 1, activation: relu}
    - {type: flatten}
    - {type: dense, units: 120, activation: relu}
    - {type: dense, units: 1, activation: linear}
train: {plugin: tfjs, epochs: 2, earlyStopping: false}
prune: ${extra.prune ?? '{plugin: magnitude, percentile: [35, 50]}'}
measure: {plugin: standard, warmup: 1, repeats: 2}
`;
}

export function writeSpec(dir: string, text: string, name = 'spec.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

export function readJsonl(file: string): Record<string, any>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}
