// Grids through BullMQ on a real Redis (redis-server on a free port, AOF on): a submitter and
// worker processes, with the faults the queue must survive.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { BIN, readJsonl, runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';
import { freePort, REDIS_SERVER, startRedis, type TestRedis } from '../helpers/redis.ts';
import { okLines, start, until, type Proc } from '../helpers/processes.ts';

const describeRedis = REDIS_SERVER ? describe : describe.skip;
const EXAMPLE = resolve('examples/my-pruner');
// Long enough per job (about a second) that a worker can be killed in the middle of one.
const spec = tinySpec({ seeds: '[1, 2]', train: '{plugin: tfjs, epochs: 25, earlyStopping: false, redrawDeadInit: 5}' }).replace(
  'days: 120',
  'days: [120, 160]',
);

/** Waits until Redis lists no connected worker: a killed worker's runexp process is gone. */
async function noWorkerConnected(url: string): Promise<void> {
  const queue = new Queue('runexp', { connection: { url } });
  try {
    for (let i = 0; i < 100 && (await queue.getWorkers()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  } finally {
    await queue.close();
  }
}

const scores = (records: Record<string, any>[]) =>
  Object.fromEntries(records.map((r) => [r.runId, [r.original.mse, r.compact.mse, r.forecast.original.mae]]));

describeRedis('grids on BullMQ and Redis', () => {
  const workers: Proc[] = [];
  let redis: TestRedis;
  beforeEach(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) w.child.kill('SIGKILL');
    await redis.stop();
  });
  const worker = (env: Record<string, string> = {}) => {
    const w = start(['worker', '--queue', redis.url, '--workers', '1', '--lock-seconds', '5'], tempDir('runexp-worker-'), env);
    workers.push(w);
    return w;
  };

  test('a submitter and 3 workers: one worker SIGKILLed mid-job, the submitter killed and run again; the results equal a local run, each recorded once', async () => {
    const local = tempDir('runexp-local-');
    writeSpec(local, spec);
    expect(runCli(['spec.yaml', '--no-report', '--workers', '1'], local).code).toBe(0);

    const dir = tempDir('runexp-queued-');
    writeSpec(dir, spec);
    const [victim] = [worker(), worker(), worker()];
    const submitter = start(['spec.yaml', '--queue', redis.url, '--no-report'], dir);
    // Kill a worker in the middle of a job: its lock lapses and another worker takes the job over.
    await until(() => victim.output().includes('runexp worker: job '), 'the first worker to take a job');
    victim.child.kill('SIGKILL');
    // Kill the submitter once something is stored: what finishes meanwhile waits in Redis.
    await until(() => okLines(dir).length > 0, 'a first stored run');
    submitter.child.kill('SIGKILL');
    await submitter.exited;

    const again = start(['spec.yaml', '--queue', redis.url, '--no-report'], dir);
    expect(await again.exited).toBe(0);
    expect(again.output()).toMatch(/through the queue at redis:\/\/127\.0\.0\.1:\d+/);
    const queued = okLines(dir);
    const ids = queued.map((r) => r.runId);
    expect(new Set(ids).size).toBe(ids.length); // each run recorded once
    expect(ids).toHaveLength(8);
    expect(scores(queued)).toEqual(scores(okLines(local)));
    // Both seeds of each data size trained as one job (a stack), through the queue as locally.
    expect(queued.map((r) => r.training.stack?.seeds)).toEqual(Array(8).fill(2));
    expect(readJsonl(join(dir, 'runs/tiny/results.jsonl'))[0].backend).toBe('wasm');
  }, 240_000);

  test("a user's plugin and layer kind from the user's own folder travel bundled: the workers have no copy of them, and the numbers equal a local run's", async () => {
    const local = tempDir('runexp-local-');
    const dir = tempDir('runexp-queued-');
    for (const at of [local, dir]) {
      mkdirSync(join(at, 'plugins'));
      mkdirSync(join(at, 'layers'));
      copyFileSync(join(EXAMPLE, 'plugins/balanced.ts'), join(at, 'plugins/balanced.ts'));
      copyFileSync(resolve('examples/my-layer/layers/glu.ts'), join(at, 'layers/glu.ts'));
      // Two more files the plugin imports: the bundle must carry all three.
      writeFileSync(join(at, 'plugins/name.ts'), "export const NAME = 'balanced-bundled';\n");
      writeFileSync(
        join(at, 'plugins/wrapped.ts'),
        "import balanced from './balanced.ts';\nimport { NAME } from './name.ts';\nexport default { ...balanced, name: NAME };\n",
      );
      writeSpec(
        at,
        tinySpec({ prune: '{plugin: ./plugins/wrapped.ts, sparsity: 0.5, layers: [dense]}' }).replace(
          '    - {type: dense, units: 120, activation: relu}',
          '    - {type: ./layers/glu.ts, units: 60}',
        ),
      );
    }
    expect(runCli(['spec.yaml', '--no-report', '--workers', '1'], local).code).toBe(0);
    const submitter = start(['spec.yaml', '--queue', redis.url, '--no-report'], dir);
    // Once the job is queued, the plugin's files are gone from this machine: only the bundle is left.
    await until(() => runCli(['queue', 'status', '--queue', redis.url], dir).stdout.includes('1 waiting'), 'the job to be queued');
    rmSync(join(dir, 'plugins'), { recursive: true });
    rmSync(join(dir, 'layers'), { recursive: true });
    worker();
    expect(await submitter.exited).toBe(0);
    const queued = okLines(dir);
    expect(queued).toHaveLength(1);
    expect(queued[0].params.pruner).toBe('balanced-bundled');
    expect(queued[0].compact.layers.map((l: { name: string }) => l.name)).toEqual(['conv1d', 'flatten', 'glu', 'dense']);
    expect(scores(queued)).toEqual(scores(okLines(local)));
  }, 120_000);

  test('a worker refuses, without retrying, a job submitted by another runexp version or for a backend it lacks, and says which', async () => {
    const queue = new Queue('runexp', { connection: { url: redis.url } });
    try {
      const job = await queue.add(
        'old',
        { runexp: '0.0.1', bundles: {}, task: { pending: ['r'], group: { trainKey: 'k' }, backend: 'wasm' } },
        { attempts: 3 },
      );
      const w = worker();
      await until(() => w.output().includes(`job ${job.id} failed`), 'the job to be refused');
      const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
      expect(w.output()).toContain(
        `runs runexp ${version}, the grid was submitted with runexp 0.0.1: run the same version on every machine`,
      );
      expect(await job.getState()).toBe('failed');
      expect((await queue.getJob(job.id!))!.attemptsMade).toBe(1); // not tried again
      // Sent back on request (and refused again), then removed on request.
      expect(runCli(['queue', 'retry-failed', '--queue', redis.url], tempDir()).stdout).toBe('1 failed job(s) sent back to the queue\n');
      await until(() => w.output().split(`job ${job.id} failed`).length === 3, 'the job to be refused again');
      expect(runCli(['queue', 'clean', '--queue', redis.url], tempDir()).stdout).toBe('1 job(s) removed\n');
      expect(await queue.getJob(job.id!)).toBeUndefined();
      // A backend this worker cannot run (tfjs-node is never installed here: it needs internet).
      const native = await queue.add(
        'native',
        { runexp: version, bundles: {}, task: { pending: ['r'], group: { trainKey: 'k' }, backend: 'tensorflow' } },
        { attempts: 3 },
      );
      await until(() => w.output().includes(`job ${native.id} failed`), 'the job to be refused');
      expect(w.output()).toContain(`cannot run the grid's backend "tensorflow": backend "tensorflow" is not available`);
      expect((await queue.getJob(native.id!))!.attemptsMade).toBe(1);
    } finally {
      await queue.close();
    }
  }, 60_000);

  test('a submitter with no worker connected says so and how to start one; the grid runs once one comes', async () => {
    const dir = tempDir('runexp-queued-');
    writeSpec(dir, spec.replace('seeds: [1, 2]', 'seeds: [1]').replace('days: [120, 160]', 'days: 120'));
    const submitter = start(['spec.yaml', '--queue', redis.url, '--no-report'], dir, { RUNEXP_QUEUE_IDLE_SECONDS: '2' });
    await until(() => submitter.output().includes('no worker has been connected'), 'the idle notice', 30);
    expect(submitter.output()).toMatch(
      /runexp: no worker has been connected to redis:\/\/127\.0\.0\.1:\d+ for \d+ s; the jobs wait until one is\. Start one on any machine with runexp installed: runexp worker --queue redis:\/\/127\.0\.0\.1:\d+/,
    );
    worker();
    const code = await submitter.exited;
    if (code !== 0) console.log(submitter.output());
    expect(code).toBe(0);
    expect(okLines(dir)).toHaveLength(2);
  }, 120_000);

  test('Redis restarted mid-grid (AOF): nothing is lost', async () => {
    const dir = tempDir('runexp-queued-');
    writeSpec(dir, spec.replace('seeds: [1, 2]', 'seeds: [1]'));
    const w = worker();
    const submitter = start(['spec.yaml', '--queue', redis.url, '--no-report'], dir);
    await until(() => w.output().includes('runexp worker: job '), 'a job to start');
    await redis.restart();
    expect(await submitter.exited).toBe(0);
    expect(okLines(dir)).toHaveLength(4);
  }, 240_000);

  test('a job that fails on every attempt: its runs are recorded as failed after --attempts tries, queue status says why, and submitting again tries again', async () => {
    const dir = tempDir('runexp-queued-');
    writeSpec(dir, tinySpec());
    const failing = worker({ RUNEXP_FAILPOINTS: 'queue-job:EIO' });
    const run = runCli(['spec.yaml', '--queue', redis.url, '--attempts', '2', '--no-report'], dir);
    expect(run.code).toBe(1);
    const records = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
    expect(records.map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(records[0].error.message).toContain('EIO: injected fault at queue-job');
    const status = runCli(['queue', 'status', '--queue', redis.url], dir);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/1 failed/);
    expect(status.stdout).toMatch(/\(2 attempts\): EIO: injected fault at queue-job/);
    // The fault is fixed (a healthy worker): the same command again runs the failed job again.
    failing.child.kill('SIGKILL');
    await noWorkerConnected(redis.url); // its runexp process ends a moment after the one killed
    worker();
    const again = runCli(['spec.yaml', '--queue', redis.url, '--no-report'], dir);
    if (again.code !== 0) console.log(again.stdout, again.stderr);
    expect(again.code).toBe(0);
    expect(okLines(dir)).toHaveLength(2);
    expect(runCli(['queue', 'status', '--queue', redis.url], dir).stdout).toContain('0 waiting, 0 active, 0 completed, 0 failed');
  }, 120_000);
});

describeRedis('Redis settings and credentials', () => {
  test('a Redis that may evict keys is refused before anything is written', async () => {
    const evicting = await startRedis(['--maxmemory-policy', 'allkeys-lru']);
    try {
      const dir = tempDir('runexp-queued-');
      writeSpec(dir, tinySpec());
      const run = runCli(['spec.yaml', '--queue', evicting.url], dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`Redis at ${evicting.url} has maxmemory-policy allkeys-lru`);
      expect(run.stderr).toContain('CONFIG SET maxmemory-policy noeviction');
      expect(existsSync(join(dir, 'runs'))).toBe(false);
    } finally {
      await evicting.stop();
    }
  });

  test('a password is never printed, and a password-protected Redis works with it in the URL', async () => {
    const guarded = await startRedis(['--requirepass', 's3cret-pw']);
    try {
      const dir = tempDir('runexp-queued-');
      const wrong = runCli(['queue', 'status', '--queue', `redis://:wrong-pw@127.0.0.1:${guarded.port}`], dir);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr + wrong.stdout).not.toContain('wrong-pw');
      expect(wrong.stderr).toContain('redis://***@127.0.0.1');
      const right = runCli(['queue', 'status', '--queue', `redis://:s3cret-pw@127.0.0.1:${guarded.port}`], dir);
      expect(right.code).toBe(0);
      expect(right.stdout).toContain(`queue "runexp" at redis://***@127.0.0.1:${guarded.port}`);
      expect(right.stdout + right.stderr).not.toContain('s3cret-pw');
    } finally {
      await guarded.stop();
    }
  }, 30_000);

  test('TLS (rediss://): a grid runs through a Redis that speaks only TLS, its certificate trusted through NODE_EXTRA_CA_CERTS', async () => {
    const secure = await startRedis([], { tls: true });
    const dir = tempDir('runexp-queued-');
    writeSpec(dir, tinySpec());
    let w: Proc | undefined;
    try {
      const untrusted = runCli(['queue', 'status', '--queue', secure.url], dir);
      expect(untrusted.code).toBe(2);
      expect(untrusted.stderr).toContain(`cannot reach Redis at ${secure.url}: self-signed certificate`);
      expect(untrusted.stderr).toContain('NODE_EXTRA_CA_CERTS');
      const trusted = { NODE_EXTRA_CA_CERTS: secure.caFile! };
      w = start(['worker', '--queue', secure.url, '--workers', '1'], tempDir('runexp-worker-'), trusted);
      expect(runCli(['spec.yaml', '--queue', secure.url, '--no-report'], dir, trusted).code).toBe(0);
      expect(okLines(dir)).toHaveLength(2);
    } finally {
      w?.child.kill('SIGKILL');
      await secure.stop();
    }
  }, 60_000);

  test('nothing listening: a clear error naming the URL, exit 2', async () => {
    const port = await freePort();
    const run = runCli(['queue', 'status', '--queue', `redis://127.0.0.1:${port}`], tempDir());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot reach Redis at redis://127.0.0.1:${port}`);
    expect(readFileSync(BIN, 'utf8')).toBeTruthy();
  });
});
