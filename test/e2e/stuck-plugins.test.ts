// Plugin code on runexp's main thread (a plugin file's top level, a fetch, check-plugin's pruner)
// that never yields, or returns a promise that can never settle: the supervisor stops runexp at
// the limit, names the plugin, and answers signals (see src/loader/supervise.js).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BIN, FIXTURES, runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

const spinningFetch = (spec: string) =>
  spec.replace('  ticker: SPY\n', `  ticker: SPY\n  source: {plugin: ${join(FIXTURES, 'plugins/fetch-spins.ts')}}\n`);
const faulty = (fault: string) => JSON.stringify({ marker: join(FIXTURES, 'plugins/faulty.ts'), fault, percentile: 50 });

test.each([
  [
    'validate: a fetch plugin in a CPU loop',
    ['validate', 'spec.yaml'],
    spinningFetch(`${tinySpec()}timeouts: {fetch: 2}\n`),
    'the fetch plugin "fetch-spins" did not finish within 2 s: it kept runexp busy, so runexp was stopped',
    2,
  ],
  [
    'plan: a plugin file whose top level loops',
    ['plan', 'spec.yaml'],
    `${tinySpec({ prune: `{plugin: ${join(FIXTURES, 'plugins/spins-on-import.ts')}}` })}timeouts: {load: 2}\n`,
    '(its top-level code) did not finish within 2 s: it kept runexp busy, so runexp was stopped',
    2,
  ],
  [
    'check-plugin: a pruner in a CPU loop',
    ['check-plugin', join(FIXTURES, 'plugins/faulty-prune.ts'), '--options', faulty('spin'), '--timeout', '3'],
    null,
    'faulty-prune.ts did not finish within 3 s: the prune plugin "faulty-magnitude" kept runexp busy, so runexp was stopped\n  hint: fix the pruner (a loop that never ends?); if it is just slow, raise --timeout (seconds)',
    1,
  ],
  [
    'check-plugin: a pruner whose promise can never settle',
    ['check-plugin', join(FIXTURES, 'plugins/faulty-prune.ts'), '--options', faulty('hang')],
    null,
    'runexp: the prune plugin "faulty-magnitude" returned a promise that can never settle (nothing was left running that could settle it); stopped',
    1,
  ],
])(
  '%s is stopped and named',
  (_what, args, spec, message, code) => {
    const dir = tempDir();
    if (spec) writeSpec(dir, spec);
    const started = Date.now();
    const run = runCli(args as string[], dir);
    expect(run.stderr).toContain(message);
    expect(run.code).toBe(code);
    expect(Date.now() - started).toBeLessThan(20_000);
  },
  30_000,
);

// SIGINT and SIGHUP take the same path (signals.test.ts covers all three while runexp can answer).
test.each(['SIGTERM'] as const)(
  '%s while a fetch plugin spins on the main thread: exit 130 within seconds',
  async (signal) => {
    const dir = tempDir();
    writeSpec(dir, spinningFetch(tinySpec()));
    const child = spawn(process.execPath, [BIN, 'spec.yaml'], { cwd: dir, env: { ...process.env, CI: 'true' } });
    let stderr = '';
    let sentAt = 0;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sentAt && stderr.includes('fetch-spins: spinning')) {
        sentAt = Date.now();
        child.kill(signal);
      }
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    expect(Date.now() - sentAt).toBeLessThan(8_000);
    expect(stderr).toContain(`${signal}: runexp did not answer within 3 s (the fetch plugin "fetch-spins" was running), so it was stopped`);
  },
  30_000,
);
