// The scheduler that lets a group's runs meet at their pruners' trainings (src/execute/interleave.ts):
// one run's code at a time, trainings asked for at once trained in one round, each run's leftover
// tensors and prune time its own.
import { interleave, type Outcome, type Round } from '../../src/execute/interleave.ts';
import type { Tf, TrainResult } from '../../src/plugin/api.ts';
import { ErrorCode } from '../../src/plugin/errors.ts';

/** A stand-in for tfjs's tensor count: the scheduler only reads it. */
const counter = { n: 0 };
const tf = { memory: () => ({ numTensors: counter.n }) } as unknown as Tf;
const result = (label: string) => ({ label }) as unknown as TrainResult;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Plan {
  count: number;
  live?: number;
  pruneSeconds?: number;
  body(
    index: number,
    train: (asked: string) => Promise<TrainResult>,
    log: (line: string) => void,
    elapsedMs: () => number,
  ): Promise<string>;
  roundMs?: number;
}

async function run(plan: Plan) {
  const log: string[] = [];
  const rounds: Round<string>[] = [];
  const ended: Array<{ index: number; outcome: Outcome<string>; left: number }> = [];
  await interleave<string, string>({
    count: plan.count,
    live: plan.live ?? 16,
    tf,
    pruneSeconds: plan.pruneSeconds ?? 60,
    body: (index, train, pruneStage, elapsedMs) => pruneStage('p', () => plan.body(index, train, (line) => log.push(line), elapsedMs)),
    trainRound: async (round) => {
      rounds.push(round);
      log.push(`round ${round.asked.join(' ')}`);
      if (plan.roundMs) await pause(plan.roundMs);
      counter.n += round.asked.length; // each trained model holds one tensor
      return round.asked.map((a) => (a === 'fails' ? new Error('no such training') : result(`trained ${a}`)));
    },
    atStake: () => {},
    ended: (index, outcome, left) => {
      ended.push({ index, outcome, left });
      return 'error' in outcome && (outcome.error as { code?: string }).code === ErrorCode.TIMEOUT ? 'stop' : 'go on';
    },
  });
  return { log, rounds, ended };
}

beforeEach(() => {
  counter.n = 0;
});

test("one run's code at a time, even across its own awaits; the trainings asked for at once train in one round", async () => {
  const { log, rounds, ended } = await run({
    count: 3,
    body: async (i, train, log) => {
      log(`${i} starts`);
      await pause(5); // another run could start here if the scheduler did not wait
      log(`${i} asks`);
      const first = await train(`${i}a`);
      log(`${i} got ${(first as unknown as { label: string }).label}`);
      if (i === 1) return 'done early';
      await train(`${i}b`);
      log(`${i} ends`);
      return 'done';
    },
  });
  expect(log).toEqual([
    '0 starts',
    '0 asks',
    '1 starts',
    '1 asks',
    '2 starts',
    '2 asks',
    'round 0a 1a 2a',
    '0 got trained 0a',
    '1 got trained 1a',
    '2 got trained 2a',
    'round 0b 2b',
    '0 ends',
    '2 ends',
  ]);
  expect(rounds.map((r) => r.runs)).toEqual([
    [0, 1, 2],
    [0, 2],
  ]);
  expect(ended.map((e) => [e.index, e.outcome])).toEqual([
    [1, { value: 'done early' }],
    [0, { value: 'done' }],
    [2, { value: 'done' }],
  ]);
});

test('no more runs live than allowed: the next starts when one ends', async () => {
  const { log } = await run({
    count: 3,
    live: 2,
    body: async (i, train, log) => {
      log(`${i} starts`);
      await train(`${i}`);
      return 'done';
    },
  });
  expect(log).toEqual(['0 starts', '1 starts', 'round 0 1', '2 starts', 'round 2']);
});

test("each run's leftover tensors are its own; a model trained for it counts as its own until it frees it", async () => {
  const { ended } = await run({
    count: 3,
    body: async (i, train) => {
      await train(`${i}`);
      if (i === 1) counter.n += 2; // leaks two
      counter.n -= 1; // frees the model trained for it
      if (i === 2) counter.n += 1; // and a third leaks one after
      return 'done';
    },
  });
  expect(ended.map((e) => [e.index, e.left])).toEqual([
    [0, 0],
    [1, 2],
    [2, 1],
  ]);
});

test("a failed training rejects that run's req.train with its error; the others get theirs", async () => {
  const { ended } = await run({
    count: 2,
    body: async (i, train) => {
      await train(i === 0 ? 'fails' : 'works');
      return 'done';
    },
  });
  expect(ended.map((e) => ('error' in e.outcome ? (e.outcome.error as Error).message : e.outcome.value))).toEqual([
    'no such training',
    'done',
  ]);
});

test('the prune limit counts a run’s own time and its share of rounds, not the others’ turns; a pruner that hangs fails its run', async () => {
  // Each round takes 120 ms for three runs (40 ms each) and there are three rounds: 360 ms in
  // all, more than the 200 ms limit, but no run used more than 120 ms of it.
  const fine = await run({
    count: 3,
    pruneSeconds: 0.2,
    roundMs: 120,
    body: async (i, train) => {
      for (const step of ['a', 'b', 'c']) await train(`${i}${step}`);
      return 'done';
    },
  });
  expect(fine.ended.map((e) => e.outcome)).toEqual([{ value: 'done' }, { value: 'done' }, { value: 'done' }]);

  const started = performance.now();
  const hung = await run({
    count: 3,
    pruneSeconds: 0.1,
    body: async (i, train) => {
      if (i === 1) await new Promise(() => {}); // never settles
      await train(`${i}`);
      return 'done';
    },
  });
  expect(performance.now() - started).toBeLessThan(1000);
  // Run 1 fails with the prune stage's timeout, naming its plugin; the scheduler stops there (the
  // caller retires the thread) and run 2 never started.
  expect(hung.ended.map((e) => e.index)).toEqual([1]);
  const error = (hung.ended[0].outcome as { error: { code: string; stage: string; plugin: string; message: string } }).error;
  expect(error).toMatchObject({ code: ErrorCode.TIMEOUT, stage: 'prune', plugin: 'p' });
  expect(error.message).toContain('did not finish within 0.1 s');
});

test("a run's own time is its turns and its share of the rounds, not the time it waited for the others", async () => {
  const { ended } = await run({
    count: 3,
    roundMs: 150,
    body: async (i, train, _log, elapsedMs) => {
      await pause(20 * i); // run 2 takes 40 ms of its own
      await train(`${i}`);
      return String(elapsedMs());
    },
  });
  const own = ended.map((e) => Number((e.outcome as { value: string }).value));
  // Each waited for the round (150 ms for three: 50 each) and for the others' turns (0–40 ms).
  own.forEach((ms, i) => {
    expect(ms).toBeGreaterThanOrEqual(50 + 20 * i - 5);
    expect(ms).toBeLessThan(50 + 20 * i + 40);
  });
});

test('a round of trainings that runs past the time its runs have left fails their prune stages with E_TIMEOUT', async () => {
  const started = performance.now();
  const { ended } = await run({
    count: 2,
    pruneSeconds: 0.1,
    roundMs: 1500, // the trainer hangs, as far as these runs can wait
    body: async (i, train) => {
      await train(`${i}`);
      return 'done';
    },
  });
  // The round may take the two runs' 0.1 s each; then the first run fails and the scheduler stops.
  expect(performance.now() - started).toBeLessThan(1000);
  expect(ended.map((e) => e.index)).toEqual([0]);
  expect((ended[0].outcome as { error: unknown }).error).toMatchObject({ code: ErrorCode.TIMEOUT, stage: 'prune', plugin: 'p' });
});
