// Waiting on a queued job (src/execute/queue/job-wait.ts) against a real redis-server, with the
// one interleaving that once failed a CI run: the job is read while a worker still runs it, and
// has finished by the time its state is asked.
import { Job, Queue, Worker } from 'bullmq';
import { waitForJob } from '../../src/execute/queue/job-wait.ts';
import { REDIS_SERVER, startRedis, type TestRedis } from '../helpers/redis.ts';

const describeRedis = REDIS_SERVER ? describe : describe.skip;

describeRedis('waiting on a job', () => {
  let redis: TestRedis;
  let queue: Queue;
  let worker: Worker | undefined;
  beforeEach(async () => {
    redis = await startRedis();
    queue = new Queue('wait-test', { connection: { port: redis.port, maxRetriesPerRequest: null } });
  });
  const originalGetState = Job.prototype.getState;
  afterEach(async () => {
    Job.prototype.getState = originalGetState;
    await worker?.close();
    await queue.close();
    await redis.stop();
  });

  /** A worker whose job finishes (with `outcome`) only when `finish` is called. */
  const heldWorker = (outcome: 'completes' | 'fails') => {
    let finish!: () => void;
    const released = new Promise<void>((r) => (finish = r));
    worker = new Worker(
      'wait-test',
      async () => {
        await released;
        if (outcome === 'fails') throw new Error('the plugin threw');
        return { events: [{ type: 'run' }], host: 'h' };
      },
      { connection: { port: redis.port, maxRetriesPerRequest: null } },
    );
    return {
      finish,
      done: new Promise<void>((r) => (outcome === 'fails' ? worker!.on('failed', () => r()) : worker!.on('completed', () => r()))),
    };
  };

  /** The first state asked for is answered only after the job has finished: the job object read before it is stale. */
  const finishBeforeStateIsAsked = (held: { finish: () => void; done: Promise<void> }) => {
    let first = true;
    Job.prototype.getState = async function (this: Job) {
      if (first) {
        first = false;
        held.finish();
        await held.done;
      }
      return originalGetState.call(this);
    };
  };

  const wait = () => waitForJob({ queue, jobId: 'j1', requeue: async () => {}, closing: () => false, log: () => {}, shown: redis.url });

  test('a job that completes between being read and its state being asked gives its result, not the stale empty one', async () => {
    await queue.add('t', {}, { jobId: 'j1', removeOnComplete: false });
    const held = heldWorker('completes');
    await new Promise<void>((r) => worker!.on('active', () => r()));
    finishBeforeStateIsAsked(held);
    expect(await wait()).toEqual({ state: 'completed', result: { events: [{ type: 'run' }], host: 'h' } });
  }, 30_000);

  test('a job that fails between being read and its state being asked gives its reason', async () => {
    await queue.add('t', {}, { jobId: 'j1', removeOnFail: false, attempts: 1 });
    const held = heldWorker('fails');
    await new Promise<void>((r) => worker!.on('active', () => r()));
    finishBeforeStateIsAsked(held);
    expect(await wait()).toEqual({ state: 'failed', reason: 'the plugin threw' });
  }, 30_000);
});
