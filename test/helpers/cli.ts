// Runs the real CLI (bin/runexp.js) in a child process, as a user would.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve('bin/runexp.js');
export const FIXTURES = resolve('test/fixtures');

export function tempDir(prefix = 'runexp-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function runCli(args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ...env },
    timeout: 180_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A small, fast spec: SPY, 120 training days, 20 test days, 2 epochs. */
export function tinySpec(
  extra: {
    name?: string;
    prune?: string;
    seeds?: string;
    days?: string;
    window?: string;
    train?: string;
    compact?: string;
    measure?: string;
  } = {},
): string {
  return `name: ${extra.name ?? 'tiny'}
seeds: ${extra.seeds ?? '[1]'}
data:
  ticker: SPY
  days: ${extra.days ?? '120'}
test:
  days: 20
${extra.window ? `window:\n  scaler: ${extra.window}\n` : ''}architectures:
  paper:
    - {type: conv1d, filters: 5, kernelSize: 1, strides: 1, activation: relu}
    - {type: flatten}
    - {type: dense, units: 120, activation: relu}
    - {type: dense, units: 1, activation: linear}
train: ${extra.train ?? '{plugin: tfjs, epochs: 2, earlyStopping: false}'}
prune: ${extra.prune ?? '{plugin: magnitude, percentile: [35, 50]}'}
compact: ${extra.compact ?? 'copy'}
measure: ${extra.measure ?? '{plugin: standard, warmup: 1, repeats: 2, latencyRepeats: 2}'}
`;
}

export function writeSpec(dir: string, text: string, name = 'spec.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Every line of results.jsonl parses, and each run id has at most one "ok" line. */
export function checkStore(file: string): Record<string, any>[] {
  const rows = existsSync(file) ? readJsonl(file) : [];
  const okCounts = new Map<string, number>();
  for (const r of rows) if (r.status === 'ok') okCounts.set(r.runId, (okCounts.get(r.runId) ?? 0) + 1);
  for (const [id, n] of okCounts) if (n > 1) throw new Error(`run ${id} finished ${n} times`);
  return rows;
}

export function readJsonl(file: string): Record<string, any>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}
