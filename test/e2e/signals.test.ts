// An interrupt that arrives while the spec is still loading or its data still fetching stops
// the run (exit 130) before any work starts; it used to be swallowed and the whole grid ran.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, FIXTURES, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

function interruptWhen(dir: string, marker: string | null, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'spec.yaml'], { cwd: dir, env: { ...process.env, CI: 'true' } });
    let stderr = '';
    let sent = false;
    const send = () => {
      if (!sent) child.kill(signal);
      sent = true;
    };
    child.stderr.on('data', (d) => {
      stderr += d;
      if (marker && stderr.includes(marker)) send();
    });
    // No marker: still starting up (module loading; a signal before Node runs any JS at all cannot
    // be handled by anyone, so wait until bin/runexp.js's first lines have run).
    if (!marker) setTimeout(send, 700);
    child.on('exit', (code) => resolve(code));
  });
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  test(`${signal} during fetch: exit 130, no run done`, async () => {
    const dir = tempDir();
    writeSpec(
      dir,
      tinySpec().replace(
        '  ticker: SPY\n',
        `  ticker: SPY\n  source: {plugin: ${join(FIXTURES, 'plugins/slow-fetch.ts')}, delayMs: 4000}\n`,
      ),
    );
    expect(await interruptWhen(dir, 'slow-fetch: fetching', signal)).toBe(130);
    const results = join(dir, 'runs/tiny/results.jsonl');
    expect(existsSync(results) ? readFileSync(results, 'utf8') : '').toBe('');
  }, 60_000);
}

test('SIGINT while the CLI is still loading: exit 130', async () => {
  const dir = tempDir();
  writeSpec(dir, tinySpec());
  expect(await interruptWhen(dir, null, 'SIGINT')).toBe(130);
  const results = join(dir, 'runs/tiny/results.jsonl');
  expect(existsSync(results) ? readFileSync(results, 'utf8') : '').toBe('');
}, 60_000);
