// Injected faults: a plugin that throws in each stage, a worker that exits or runs out of memory,
// write errors, SIGINT/SIGTERM, a second process, damaged caches. In every case the finished runs
// stay intact, failed runs are recorded with their error, the exit code says what happened, and a
// rerun does only what is missing.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, checkStore, FIXTURES, readJsonl, runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

const plugin = (name: string) => join(FIXTURES, 'plugins', name);

function setup(spec: (marker: string) => string) {
  const dir = tempDir('runexp-fault-');
  const marker = join(dir, 'fail-now');
  writeFileSync(marker, '');
  writeSpec(dir, spec(marker));
  return { dir, marker, results: join(dir, 'runs/tiny/results.jsonl') };
}

describe.each([
  ['window', (m: string) => tinySpec({ window: `{plugin: ${plugin('faulty-window.ts')}, marker: ${m}}` }), 2],
  ['train', (m: string) => tinySpec({ train: `{plugin: ${plugin('faulty-train.ts')}, marker: ${m}, epochs: 2, earlyStopping: false}` }), 2],
  [
    'prune',
    (m: string) => tinySpec({ prune: `[{plugin: magnitude, percentile: 35}, {plugin: ${plugin('faulty-prune.ts')}, marker: ${m}}]` }),
    1,
  ],
  ['compact', (m: string) => tinySpec({ compact: `{plugin: ${plugin('faulty-compact.ts')}, marker: ${m}}` }), 2],
  ['measure', (m: string) => tinySpec({ measure: `{plugin: ${plugin('faulty-measure.ts')}, marker: ${m}, warmup: 1, repeats: 2}` }), 2],
])('a plugin that throws in %s', (stage, spec, failing) => {
  test('fails its runs with the stage named; a rerun completes only those', () => {
    const { dir, marker, results } = setup(spec);
    // In this process: the stages are the same on any launcher, and a worker costs start-up time.
    const first = runCli(['spec.yaml', '--no-report', '--workers', '0'], dir);
    expect(first.code).toBe(1);
    const rows = checkStore(results);
    const failed = rows.filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(failing);
    for (const f of failed) expect(f.error).toMatchObject({ stage, message: expect.stringContaining(`deliberate ${stage} failure`) });
    const okBefore = rows.filter((r) => r.status === 'ok').map((r) => r.runId);
    if (stage === 'window') {
      // Every run failed: the report says so, and describes no grid ("0 tickers ()" it used to).
      const report = runCli(['report', 'runs/tiny'], dir);
      expect(report.code).toBe(0);
      const html = readFileSync(join(dir, 'reports/tiny/index.html'), 'utf8');
      expect(html).toContain('<th>runs</th><td>0 ok, 2 failed</td>');
      expect(html).toContain('<th>grid</th><td>no finished runs</td>');
    }

    rmSync(marker);
    const second = runCli(['spec.yaml', '--no-report', '--workers', '0'], dir);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`2 runs (${okBefore.length} already done)`);
    const after = checkStore(results);
    expect(after.filter((r) => r.status === 'ok')).toHaveLength(2);
    expect(after).toHaveLength(rows.length + failing);
  });
});

test('a pruner that calls process.exit(3) in a worker thread fails its own runs, naming itself; the built-in runs of its groups finish', () => {
  const { dir, results } = setup((m) =>
    tinySpec({
      days: '[120, 130]',
      prune: `[{plugin: magnitude, percentile: 35}, {plugin: ${plugin('faulty-prune.ts')}, marker: ${m}, fault: exit}]`,
    }),
  );
  const run = runCli(['spec.yaml', '--no-report', '--workers', '1'], dir);
  expect(run.code).toBe(1);
  const rows = checkStore(results);
  expect(rows.filter((r) => r.status === 'ok').map((r) => r.params.pruner)).toEqual(['magnitude', 'magnitude']);
  const failed = rows.filter((r) => r.status === 'failed');
  expect(failed).toHaveLength(2);
  for (const f of failed)
    expect(f.error).toMatchObject({
      code: 'E_PLUGIN',
      stage: 'prune',
      plugin: 'faulty-magnitude',
      message: 'the plugin called process.exit(3)',
    });
});

describe('a worker thread that dies', () => {
  test.each([['runs out of memory', 'oom', ['--worker-memory', '64']]])(
    '%s: its unfinished runs fail with E_WORKER, the rest is kept',
    (_label, fault, flags) => {
      const { dir, marker, results } = setup((m) =>
        tinySpec({
          days: '[120, 130]',
          prune: `[{plugin: magnitude, percentile: 35}, {plugin: ${plugin('faulty-prune.ts')}, marker: ${m}, fault: ${fault}}]`,
        }),
      );
      const first = runCli(['spec.yaml', '--no-report', '--workers', '1', ...(flags as string[])], dir);
      expect(first.code).toBe(1);
      const rows = checkStore(results);
      const failed = rows.filter((r) => r.status === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      for (const f of failed) expect(f.error.code).toBe('E_WORKER');
      if (fault === 'oom')
        expect(failed[0].error).toMatchObject({
          message: expect.stringMatching(/memory/i),
          hint: expect.stringContaining('raise --worker-memory'),
        });
      rmSync(marker);
      const second = runCli(['spec.yaml', '--no-report'], dir);
      expect(second.code).toBe(0);
      expect(checkStore(results).filter((r) => r.status === 'ok')).toHaveLength(4);
    },
  );
});

describe('write errors', () => {
  test('a run folder that cannot be written fails that run only', () => {
    const { dir, results } = setup(() => tinySpec());
    const first = runCli(['spec.yaml', '--no-report'], dir, { RUNEXP_FAILPOINTS: 'artifact-write@2' });
    expect(first.code).toBe(1);
    const rows = checkStore(results);
    expect(rows.map((r) => r.status).sort()).toEqual(['failed', 'ok']);
    expect(rows.find((r) => r.status === 'failed')!.error.message).toContain('ENOSPC');
    expect(readdirSync(join(dir, 'runs/tiny/runs')).filter((n) => n.includes('.tmp-'))).toEqual([]);
    expect(runCli(['spec.yaml', '--no-report'], dir).code).toBe(0);
    expect(checkStore(results).filter((r) => r.status === 'ok')).toHaveLength(2);
  });

  test('results.jsonl that cannot be appended stops the run with exit 1; nothing finished is lost', () => {
    const { dir, results } = setup(() => tinySpec());
    const first = runCli(['spec.yaml', '--no-report'], dir, { RUNEXP_FAILPOINTS: 'results-append@2' });
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('cannot store results');
    expect(checkStore(results)).toHaveLength(1);
    const second = runCli(['spec.yaml', '--no-report'], dir);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('2 runs (1 already done)');
    expect(checkStore(results)).toHaveLength(2);
  });
});

test('a short write (half a record, then a full disk) is rolled back to the last full line: exit 1, nothing torn, no temp files', () => {
  const { dir, results } = setup(() => tinySpec());
  const first = runCli(['spec.yaml', '--no-report'], dir, { RUNEXP_FAILPOINTS: 'results-short-write@2' });
  expect(first.code).toBe(1);
  expect(first.stderr).toContain('cannot store results');
  const text = readFileSync(results, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  expect(
    text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).status),
  ).toEqual(['ok']);
  const leftovers = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? leftovers(join(d, e.name)) : /\.tmp$/.test(e.name) ? [e.name] : [],
    );
  expect(leftovers(join(dir, 'runs/tiny'))).toEqual([]);
  const second = runCli(['spec.yaml', '--no-report'], dir);
  expect(second.code).toBe(0);
  expect(checkStore(results)).toHaveLength(2);
});

// Every signal goes to one handler (src/loader/signals.js); SIGINT and SIGTERM are tested while
// loading and fetching in signals.test.ts. SIGHUP, which used to kill at once, is tested here.
describe.each(['SIGHUP'] as const)('%s in the middle of a grid', (signal) => {
  test('exits 130 with finished runs kept; a rerun finishes the rest, none twice', async () => {
    const { dir, results } = setup(() =>
      tinySpec({ days: '[120, 130, 140, 150, 160, 170]', train: '{plugin: tfjs, epochs: 8, earlyStopping: false}' }),
    );
    const child = spawn(process.execPath, [BIN, 'spec.yaml', '--no-report', '--workers', '1'], {
      cwd: dir,
      env: { ...process.env, CI: 'true' },
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait until at least one run has finished, then interrupt.
    const started = Date.now();
    while (!(existsSync(results) && readFileSync(results, 'utf8').includes('\n')) && Date.now() - started < 60_000)
      await new Promise((r) => setTimeout(r, 50));
    child.kill(signal);
    expect(await exited).toBe(130);
    const kept = checkStore(results);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(12);
    expect(JSON.parse(readFileSync(join(dir, 'runs/tiny/manifest.json'), 'utf8')).status).toBe('interrupted');
    expect(existsSync(join(dir, 'runs/tiny/.runexp.lock'))).toBe(false);
    const second = runCli(['spec.yaml', '--no-report'], dir);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`12 runs (${kept.filter((r) => r.status === 'ok').length} already done)`);
    expect(checkStore(results).filter((r) => r.status === 'ok')).toHaveLength(12);
  });
});

describe('two processes on one output directory', () => {
  test('the second refuses with a clear message (exit 75); a stale lock is taken over', () => {
    const dir = tempDir();
    writeSpec(dir, tinySpec());
    const lockDir = join(dir, 'runs/tiny');
    mkdirSync(lockDir, { recursive: true });
    writeFileSync(join(lockDir, '.runexp-output'), ''); // the folder is runexp's, as the first run's would be
    writeFileSync(join(lockDir, '.runexp.lock'), JSON.stringify({ pid: process.pid, startedAt: 'now' }));
    const refused = runCli(['spec.yaml', '--no-report'], dir);
    expect(refused.code).toBe(75);
    expect(refused.stderr).toContain(`another runexp (pid ${process.pid}`);
    expect(existsSync(join(lockDir, 'results.jsonl'))).toBe(false);
    writeFileSync(join(lockDir, '.runexp.lock'), JSON.stringify({ pid: 999_999_999, startedAt: 'long ago' }));
    expect(runCli(['spec.yaml', '--no-report'], dir).code).toBe(0);
    expect(existsSync(join(lockDir, '.runexp.lock'))).toBe(false);
  });
});

describe('damaged artifacts', () => {
  test('a corrupted cached training is retrained; a damaged run folder is redone', () => {
    const dir = tempDir();
    writeSpec(dir, tinySpec({ prune: '{plugin: magnitude, percentile: 35}' }));
    expect(runCli(['spec.yaml', '--no-report'], dir).code).toBe(0);
    const out = join(dir, 'runs/tiny');
    const [trainKey] = readdirSync(join(out, 'cache/models'));
    truncateSync(join(out, 'cache/models', trainKey, 'weights.bin'), 100);
    // a new percentile needs the training: the damaged cache must not be used
    writeSpec(dir, tinySpec({ prune: '{plugin: magnitude, percentile: [35, 50]}' }));
    expect(runCli(['spec.yaml', '--no-report'], dir).code).toBe(0);
    let rows = checkStore(join(out, 'results.jsonl'));
    expect(rows).toHaveLength(2);
    expect(rows[1].training.cached).toBe(false);
    // truncate one finished run's predictions: that run is no longer trusted, and is redone
    const victim = rows[0].runId;
    truncateSync(join(out, 'runs', victim, 'predictions.csv'), 10);
    const rerun = runCli(['spec.yaml', '--no-report'], dir);
    expect(rerun.stderr).toContain('2 runs (1 already done)');
    rows = readJsonl(join(out, 'results.jsonl')); // the damaged run is legitimately done again
    expect(rows[2]).toMatchObject({ runId: victim, status: 'ok' });
    expect(readFileSync(join(out, 'runs', victim, 'predictions.csv'), 'utf8').split('\n')).toHaveLength(22);
  });
});
