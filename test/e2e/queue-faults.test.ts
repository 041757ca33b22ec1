// The queue's second round of faults: a Redis that loses its data, is down or full, a submitter
// interrupted while it waits, results left uncollected by a submitter that stopped, and a
// database number in the URL. Each on a real redis-server (test/helpers/redis.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';
import { okLines, start, until, type Proc } from '../helpers/processes.ts';
import { REDIS_SERVER, startRedis, type TestRedis } from '../helpers/redis.ts';

const describeRedis = REDIS_SERVER ? describe : describe.skip;
const redisCli = (redis: TestRedis, ...args: string[]) =>
  spawnSync('redis-cli', ['-p', String(redis.port), ...args], { encoding: 'utf8' }).stdout.trim();

describeRedis('queue faults', () => {
  const procs: Proc[] = [];
  let redis: TestRedis;
  beforeEach(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) p.child.kill('SIGKILL');
    await redis.stop();
  });
  const launch = (args: string[], cwd: string, env: Record<string, string> = {}) => {
    const p = start(args, cwd, env);
    procs.push(p);
    return p;
  };
  const worker = (url = redis.url) => launch(['worker', '--queue', url, '--workers', '1'], tempDir('runexp-worker-'));

  test('Redis loses its data while a submitter waits (a restart without persistence): the job is queued again and the grid finishes, in the database the URL names', async () => {
    const dir = tempDir('runexp-queued-');
    writeSpec(dir, tinySpec());
    const url = `${redis.url}/3`;
    const submitter = launch(['spec.yaml', '--queue', url, '--no-report'], dir);
    await until(() => redisCli(redis, '-n', '3', 'keys', 'bull:runexp:wait') !== '', 'the job to be queued in database 3', 30);
    expect(redisCli(redis, '-n', '0', 'keys', 'bull:*')).toBe('');
    redisCli(redis, 'flushall');
    worker(url);
    expect(await submitter.exited).toBe(0);
    expect(submitter.output()).toMatch(
      /runexp: job \S+ is no longer in Redis \(it restarted without persistence, or another submitter collected the job\): queued again/,
    );
    expect(okLines(dir)).toHaveLength(2);
  }, 90_000);

  test('Ctrl-C on a submitter waiting for workers: exit 130, the manifest says interrupted, the lock is released', async () => {
    const dir = tempDir('runexp-queued-');
    writeSpec(dir, tinySpec());
    const submitter = launch(['spec.yaml', '--queue', redis.url, '--no-report'], dir);
    await until(() => redisCli(redis, 'keys', 'bull:runexp:wait') !== '', 'the job to be queued', 30);
    submitter.child.kill('SIGINT');
    expect(await submitter.exited).toBe(130);
    expect(JSON.parse(readFileSync(join(dir, 'runs/tiny/manifest.json'), 'utf8')).status).toBe('interrupted');
    // Not locked: a worker comes, and the same command finishes the grid.
    worker();
    expect(runCli(['spec.yaml', '--queue', redis.url, '--no-report'], dir).code).toBe(0);
    expect(okLines(dir)).toHaveLength(2);
  }, 90_000);

  test('a finished job whose submitter stopped before storing all of it (a full disk) is collected by the next submission, with no worker running', async () => {
    const dir = tempDir('runexp-queued-');
    writeSpec(dir, tinySpec());
    const w = worker();
    const first = runCli(['spec.yaml', '--queue', redis.url, '--no-report'], dir, { RUNEXP_FAILPOINTS: 'results-append@2' });
    expect(first.code).toBe(1);
    expect(okLines(dir)).toHaveLength(1);
    w.child.kill('SIGKILL');
    await w.exited;
    const second = runCli(['spec.yaml', '--queue', redis.url, '--no-report'], dir);
    expect(second.code).toBe(0);
    expect(okLines(dir)).toHaveLength(2);
    expect(runCli(['queue', 'status', '--queue', redis.url], dir).stdout).toContain('0 completed');
  }, 90_000);

  test('two submitters of one grid into two output folders, attached to the same jobs: each stores every run, neither fails the other', async () => {
    const dirs = [tempDir('runexp-queued-'), tempDir('runexp-queued-')];
    for (const dir of dirs) writeSpec(dir, tinySpec());
    const submitters = dirs.map((dir) => launch(['spec.yaml', '--queue', redis.url, '--no-report'], dir));
    worker();
    const codes = await Promise.all(submitters.map((s) => s.exited));
    expect(codes.map((code, i) => (code === 0 ? 0 : `exit ${code}: ${submitters[i].output()}`))).toEqual([0, 0]);
    for (const dir of dirs) expect(okLines(dir)).toHaveLength(2);
    expect(okLines(dirs[0]).map((r) => r.original.mse)).toEqual(okLines(dirs[1]).map((r) => r.original.mse));
  }, 90_000);

  test('a database the server does not have is refused by name, before anything is written', () => {
    const dir = tempDir('runexp-queued-');
    writeSpec(dir, tinySpec());
    const run = runCli(['spec.yaml', '--queue', `${redis.url}/99`], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Redis at ${redis.url}/99 has no database 99 (ERR DB index is out of range)`);
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });

  test('a worker facing a full Redis (OOM) or none says so once, then waits quietly, and says when Redis answers again', async () => {
    const w = worker();
    await until(() => w.output().includes('taking jobs'), 'the worker to start', 30);
    redisCli(redis, 'config', 'set', 'maxmemory', '1');
    await until(() => w.output().includes('OOM command not allowed'), 'the worker to meet the full Redis', 30);
    await new Promise((r) => setTimeout(r, 4000)); // unchecked, BullMQ retried thousands of times a second
    const full = w
      .output()
      .split('\n')
      .filter((l) => l.includes('OOM command not allowed'));
    expect(full).toHaveLength(1);
    expect(full[0]).toContain('trying again less and less often (the same error is not shown again)');
    redisCli(redis, 'config', 'set', 'maxmemory', '0');
    await redis.stop();
    await new Promise((r) => setTimeout(r, 3000));
    expect(
      w
        .output()
        .split('\n')
        .filter((l) => l.includes('ECONNREFUSED')),
    ).toHaveLength(1);
    await redis.restart();
    await until(() => w.output().includes('runexp worker: Redis answers again'), 'the worker to notice Redis is back', 30);
  }, 90_000);
});
