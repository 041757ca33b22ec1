// The CLI as a long-running process a test talks to: started, its output read as it comes, waited on.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, readJsonl } from './cli.ts';

export interface Proc {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output: () => string;
  exited: Promise<number | null>;
}

export function start(args: string[], cwd: string, env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: 'true', ...env } });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  return { child, output: () => text, exited: new Promise((done) => child.on('exit', (code) => done(code))) };
}

export async function until(condition: () => boolean, what: string, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds * 10; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The ok records of experiment `name` under `dir`/runs. */
export const okLines = (dir: string, name = 'tiny') => {
  const file = join(dir, `runs/${name}/results.jsonl`);
  return existsSync(file) ? readJsonl(file).filter((r) => r.status === 'ok') : [];
};
