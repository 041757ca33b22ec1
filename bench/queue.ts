// The BullMQ launcher's throughput (issue 13): the bench grid through a local Redis with 1 and 2
// `runexp worker` processes (one thread each), against the local launcher's times for the same
// grid measured in the same script. Worker start-up is left out: workers wait for jobs before
// the clock starts, as they would on machines that serve many grids.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REDIS_SERVER, startRedis } from '../test/helpers/redis.ts';

const BIN = resolve('bin/runexp.js');

function runexp(args: string[], cwd: string): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'ignore', 'pipe'] });
}

const stderrUntil = (child: ChildProcess, text: string) =>
  new Promise<void>((done, fail) => {
    let seen = '';
    child.stderr!.on('data', (chunk) => {
      seen += chunk;
      if (seen.includes(text)) done();
    });
    child.on('exit', (code) => fail(new Error(`runexp exited (${code}) before "${text}": ${seen}`)));
  });

/** Wall seconds for `runexp SPEC --queue` with `processes` workers already waiting. */
async function queuedSeconds(spec: string, processes: number): Promise<number> {
  const redis = await startRedis();
  const workers = Array.from({ length: processes }, () =>
    runexp(['worker', '--queue', redis.url, '--workers', '1'], mkdtempSync(join(tmpdir(), 'runexp-bench-worker-'))),
  );
  try {
    await Promise.all(workers.map((w) => stderrUntil(w, 'taking jobs from')));
    const dir = mkdtempSync(join(tmpdir(), 'runexp-bench-'));
    writeFileSync(join(dir, 'spec.yaml'), spec);
    const t0 = performance.now();
    // Unstacked, as the local rows it is compared with (bench/run.ts gridSeconds).
    const submitter = runexp(['spec.yaml', '--queue', redis.url, '--no-report', '--stack-seeds', '1'], dir);
    const code = await new Promise((done) => submitter.on('close', done));
    if (code !== 0) throw new Error(`the queued grid failed (exit ${code})`);
    return (performance.now() - t0) / 1000;
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((done) => (w.exitCode !== null ? done(null) : w.on('exit', done)))));
    await redis.stop();
  }
}

/** Rows for the bench table, and the figures for its JSON line (null where Redis is missing). */
export async function queueRows(
  spec: string,
  local: { one: number; two: number },
): Promise<{ rows: string[][]; figures: { queue2vs1: number | null; queueVsLocal: number | null } }> {
  if (!REDIS_SERVER)
    return {
      rows: [['grid through BullMQ on Redis', 'skipped', 'redis-server is not installed (apt-get install redis-server)']],
      figures: { queue2vs1: null, queueVsLocal: null },
    };
  const one = await queuedSeconds(spec, 1);
  const two = await queuedSeconds(spec, 2);
  return {
    rows: [
      [
        'grid of 6 trainings, 18 runs, through BullMQ: 1 worker process / 2 worker processes',
        `${one.toFixed(1)} s / ${two.toFixed(1)} s`,
        `${(one / two).toFixed(2)}× faster with 2`,
      ],
      [
        'the same grid: local launcher, 1 worker / queue, 1 worker process',
        `${local.one.toFixed(1)} s / ${one.toFixed(1)} s`,
        `the queue takes ${(one / local.one).toFixed(2)}×`,
      ],
      [
        'the same grid: local launcher, 2 workers / queue, 2 worker processes',
        `${local.two.toFixed(1)} s / ${two.toFixed(1)} s`,
        `the queue takes ${(two / local.two).toFixed(2)}×`,
      ],
    ],
    figures: { queue2vs1: one / two, queueVsLocal: two / local.two },
  };
}
