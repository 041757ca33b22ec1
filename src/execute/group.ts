// One group task, wherever it runs: window → dense training (or the cached one) → for each pending
// run: [the pruner's own training] → prune → compact → measure → evaluate → a record and its files.
// A failure in one run is recorded for that run and the others go on; a failure before pruning
// fails every run of the group. Nothing here touches the output directory.
import type { LayersModel, Tf, TrainResult, WindowedData } from '../plugin/api.ts';
import { disposeModel } from '../plugin/architecture.ts';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { counted } from '../plugin/shorten.ts';
import type { Ranges, RunConfig } from '../plan/types.ts';
import { evaluateGroup, type GroupEvaluation } from '../evaluation/evaluation.ts';
import { failedRecord, RECORD_SCHEMA_VERSION, type FailedRecord } from '../results/record.ts';
import { groupWindows } from './group-windows.ts';
import type { GroupTask, TaskEvent } from './launcher.ts';
import { failure, routePluginLogs } from './stages.ts';
import { watchDeadlines } from '../plugin/deadlines.ts';
import { TaskLogs } from './log-budget.ts';
import { trapProcessExit } from './exit-trap.ts';
import { train, type Trained } from './training.ts';
import { type Base, runOne } from './run-one.ts';
import { interleave, type PruneStage } from './interleave.ts';
import { type Asked, groupTrainer, trainTogether } from './pruner-training.ts';

/**
 * Runs the task's pending runs: in order, or interleaved at their pruners' trainings so that those
 * train as stacks (interleave.ts). Returns `retire` with a reason when this thread should
 * not be trusted with more work — a run leaked tensors, or a stage timed out and may still be
 * running — and then stops early: the runs it did not report are for a fresh worker.
 */
export async function runGroupTask(
  task: GroupTask,
  tf: Tf,
  backend: string,
  emit: (event: TaskEvent) => void,
): Promise<{ retire?: string }> {
  // Whose runs a stage's deadline (and a plugin's log line) is for: the whole group's before its
  // runs start, then each run's, or every run a stack of trainings is for.
  let current = task.pending;
  const logs = new TaskLogs((message) => emit({ type: 'log', message }));
  const unroute = routePluginLogs((message) => logs.add(message, current));
  const untrap = trapProcessExit();
  const unwatch = watchDeadlines((running) => emit({ type: 'deadline', running: running.map((d) => ({ ...d, runIds: current })) }));
  try {
    return await runPendingRuns(task, tf, backend, emit, logs, (runIds) => (current = runIds));
  } finally {
    unwatch();
    untrap();
    unroute();
  }
}

async function runPendingRuns(
  task: GroupTask,
  tf: Tf,
  backend: string,
  emit: (event: TaskEvent) => void,
  logs: TaskLogs,
  runsAtStake: (runIds: string[]) => void,
): Promise<{ retire?: string }> {
  const { group, series } = task;
  const runs = group.runs.filter((r) => task.pending.includes(r.runId));
  const base = (run: RunConfig): Base => ({
    schemaVersion: RECORD_SCHEMA_VERSION,
    runId: run.runId,
    trainKey: group.trainKey,
    params: run.params,
    ...(run.declared ? { declared: run.declared } : {}),
    data: {
      ticker: series.ticker,
      source: series.source,
      checksum: series.checksum,
      train: group.ranges.train,
      test: run.test ?? group.ranges.test,
    },
    backend,
  });
  const failed = (run: RunConfig, err: unknown, extra: Partial<FailedRecord> = {}) => failedRecord(base(run), failure(err), extra);

  // The windows and baselines of a test period: the group's, or (walk-forward trained once) a
  // later fold's, with the same training windows.
  const windowsFor = async (test: Ranges['test']): Promise<{ data: WindowedData; shared: GroupEvaluation }> => ({
    data: await groupWindows(task, group, tf, test),
    shared: evaluateGroup(series, { ...group, ranges: { ...group.ranges, test } }),
  });
  const folds = new Map<string, { data: WindowedData; shared: GroupEvaluation }>();
  const windowsOf = async (run: RunConfig) => {
    if (!run.test) return { data, shared };
    const key = `${run.test.from}-${run.test.to}`;
    if (!folds.has(key)) folds.set(key, await windowsFor(run.test));
    return folds.get(key)!;
  };

  let data: WindowedData;
  let dense: Trained;
  let shared: GroupEvaluation;
  const tensorsAtStart = tf.memory().numTensors;
  try {
    ({ data, shared } = await windowsFor(group.ranges.test));
    dense = await train({
      group,
      data,
      tf,
      place: task,
      timeouts: task.timeouts,
      cached: task.cachedTrainings[group.trainKey],
      stacked: task.stackedTrainings?.includes(group.trainKey),
    });
    if (dense.files) emit({ type: 'training', key: group.trainKey, files: dense.files });
    logs.group.take(); // the training's lines were shown (within their own budget); runs start afresh
  } catch (err) {
    const groupLog = logs.group.take();
    for (const run of runs) emit({ type: 'run', record: groupLog ? { ...failed(run, err), log: groupLog } : failed(run, err) });
    // A window or training that timed out may still be running: this thread takes no more work.
    return (err as { code?: string }).code === ErrorCode.TIMEOUT
      ? { retire: `the ${(err as { stage?: string }).stage} stage of group ${group.trainKey} timed out` }
      : {};
  }
  type RunEvent = TaskEvent & { type: 'run' };
  /** One run from start to record; its models are freed whatever happens. */
  const runRecord = async (
    run: RunConfig,
    interleaved?: { trainVia: (asked: Asked) => Promise<TrainResult>; pruneStage: PruneStage; elapsedMs: () => number },
  ): Promise<RunEvent> => {
    const started = performance.now();
    const elapsedMs = interleaved?.elapsedMs ?? (() => performance.now() - started);
    const models = new Set<LayersModel>();
    logs.start(run.runId);
    try {
      const context = {
        task,
        run,
        tf,
        ...(await windowsOf(run)),
        dense,
        models,
        base: base(run),
        started,
        emit,
        ...interleaved,
        elapsedMs,
      };
      return { type: 'run', ...(await runOne(context)) };
    } catch (err) {
      return { type: 'run', record: failed(run, err, { training: dense.summary, durationMs: elapsedMs() }) };
    } finally {
      models.forEach(disposeModel);
    }
  };
  /** Sends a run's record, failed if it left tensors behind; says why this thread must retire, if it must. */
  const report = (run: RunConfig, outcome: RunEvent, leftTensors: number): string | undefined => {
    const timedOut = outcome.record.status === 'failed' && outcome.record.error.code === ErrorCode.TIMEOUT;
    const leaked = timedOut ? 0 : leftTensors;
    if (leaked > 0) {
      const leak = leakError(leaked, run);
      // A plugin that threw half-way leaves its tensors behind: its own error is the cause.
      if (outcome.record.status === 'failed') outcome.record.error.afterwards = `while unwinding, ${leak.message}`;
      else outcome = { type: 'run', record: failed(run, leak, { training: dense.summary, durationMs: outcome.record.durationMs }) };
    }
    emit({ ...outcome, record: logs.attach(outcome.record) });
    if (timedOut) return `a stage of run ${run.runId} timed out and may still be running`;
    if (leaked > 0) return `run ${run.runId} leaked ${counted(leaked, 'tensor')}`;
  };
  try {
    const cap = task.stackTrainings ?? 1;
    if (cap > 1 && runs.length > 1) {
      // The runs meet at their pruners' trainings, which train as stacks (interleave.ts).
      const setup = await groupTrainer(task, tf);
      let retire: string | undefined;
      await interleave<RunEvent, Asked>({
        count: runs.length,
        live: cap,
        tf,
        pruneSeconds: task.timeouts.prune,
        body: (i, trainVia, pruneStage, elapsedMs) => runRecord(runs[i], { trainVia, pruneStage, elapsedMs }),
        trainRound: (round) => trainTogether(setup, round.asked, cap),
        atStake: (indexes) => runsAtStake(indexes.map((i) => runs[i].runId)),
        ended: (i, outcome, leftTensors) => {
          const event = 'value' in outcome ? outcome.value : { type: 'run' as const, record: failed(runs[i], outcome.error) };
          retire = report(runs[i], event, leftTensors);
          return retire ? 'stop' : 'go on';
        },
      });
      if (retire) return { retire };
    } else {
      for (const run of runs) {
        runsAtStake([run.runId]);
        const tensorsBefore = tf.memory().numTensors;
        const outcome = await runRecord(run);
        const retire = report(run, outcome, tf.memory().numTensors - tensorsBefore);
        if (retire) return { retire };
      }
    }
  } finally {
    disposeModel(dense.model);
  }
  // The window and train plugins' own leaks show only once the group is done: its runs are fine,
  // but this thread is not.
  const leaked = tf.memory().numTensors - tensorsAtStart;
  return leaked > 0
    ? {
        retire: `group ${group.trainKey} (window ${group.window.name}, train ${group.train.name}) left ${counted(leaked, 'tensor')} undisposed`,
      }
    : {};
}

/** Tensors left behind by a run's plugins: they would pile up in the worker until later runs fail. */
function leakError(leaked: number, run: RunConfig): RunexpError {
  const plugins = [run.prune, run.compact, run.compactThen, run.measure].flatMap((c) => (c ? [c.name] : [])).join(', ');
  return new RunexpError(
    ErrorCode.LEAK,
    `the run left ${counted(leaked, 'tensor')} undisposed (plugins: ${plugins}); its worker is replaced`,
    'dispose every tensor and model a plugin creates and does not return (tf.tidy, tensor.dispose(), disposeModel); runexp check-plugin finds leaks in a pruner',
  );
}
