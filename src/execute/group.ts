// One group task, wherever it runs: window → dense training (or the cached one) → for each pending
// run: [the pruner's own training] → prune → compact → measure → evaluate → a record and its files.
// A failure in one run is recorded for that run and the others go on; a failure before pruning
// fails every run of the group. Nothing here touches the output directory.
import type { LayersModel, Tf, WindowedData } from '../plugin/api.ts';
import { disposeModel } from '../plugin/architecture.ts';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { counted } from '../plugin/shorten.ts';
import { weightsOf } from '../plugin/weights.ts';
import type { Ranges, RunConfig } from '../plan/types.ts';
import { efficiencyOf } from '../evaluation/efficiency.ts';
import { evaluateGroup, evaluateRun, type GroupEvaluation } from '../evaluation/evaluation.ts';
import { checksums, predictionsCsv, PREDICTIONS_FILE, PRUNED_WEIGHTS_FILE, prunedWeightsJson, text, type ArtifactFiles } from '../results/artifacts.ts';
import { failedRecord, RECORD_SCHEMA_VERSION, type FailedRecord, type OkRecord, type RunRecord } from '../results/record.ts';
import { withFeatureChannels } from './feature-channels.ts';
import { withinSessions } from './session-windows.ts';
import { changedOutside, maxAbsDifference, outputSpread, pluginFiles, requireCountsFromModel, requireFiniteScores, requireOriginalUnchanged, requireReportedCounts, requireRequestedSparsity, requireValidCounts } from './checks.ts';
import type { GroupTask, TaskEvent } from './launcher.ts';
import { modelFiles } from './model-files.ts';
import { checkRecord } from './record-check.ts';
import { prunerTrainer } from './pruner-training.ts';
import { failure, loadPlugin, routePluginLogs, stage, stageContext } from './stages.ts';
import { watchDeadlines } from '../plugin/deadlines.ts';
import { LogBudget } from './log-budget.ts';
import { trapProcessExit } from './exit-trap.ts';
import { requireMeasurement, requireModel, requireWindows } from './result-shapes.ts';
import { train, type Trained } from './training.ts';

const RESULT_FILE = 'result.json';

/** The fields every record of a run has, ok or failed. */
type Base = Pick<OkRecord, 'schemaVersion' | 'runId' | 'trainKey' | 'params' | 'backend' | 'data'>;

/**
 * Runs the task's pending runs in order. Returns `retire` with a reason when this thread should
 * not be trusted with more work — a run leaked tensors, or a stage timed out and may still be
 * running — and then stops early: the runs it did not report are for a fresh worker.
 */
export async function runGroupTask(task: GroupTask, tf: Tf, backend: string, emit: (event: TaskEvent) => void): Promise<{ retire?: string }> {
  const logs = new LogBudget((message) => emit({ type: 'log', message }));
  const unroute = routePluginLogs((message) => logs.add(message));
  // Whose runs a stage's deadline is for: the whole group's before its runs start, then each run's.
  let current = task.pending;
  const untrap = trapProcessExit();
  const unwatch = watchDeadlines((running) => emit({ type: 'deadline', running: running.map((d) => ({ ...d, runIds: current })) }));
  try {
    return await runGroup(task, tf, backend, emit, logs, (runIds) => (current = runIds));
  } finally {
    unwatch();
    untrap();
    unroute();
  }
}

async function runGroup(task: GroupTask, tf: Tf, backend: string, emit: (event: TaskEvent) => void, logs: LogBudget, runsAtStake: (runIds: string[]) => void): Promise<{ retire?: string }> {
  const { group, series } = task;
  const runs = group.runs.filter((r) => task.pending.includes(r.runId));
  const base = (run: RunConfig): Base => ({
    schemaVersion: RECORD_SCHEMA_VERSION,
    runId: run.runId,
    trainKey: group.trainKey,
    params: run.params,
    data: { ticker: series.ticker, source: series.source, checksum: series.checksum, train: group.ranges.train, test: run.test ?? group.ranges.test },
    backend,
  });
  const failed = (run: RunConfig, err: unknown, extra: Partial<FailedRecord> = {}) => failedRecord(base(run), failure(err), extra);

  // The windows and baselines of a test period: the group's, or (walk-forward trained once) a
  // later fold's, with the same training windows.
  const windowsFor = async (test: Ranges['test']): Promise<{ data: WindowedData; shared: GroupEvaluation }> => {
    const ranges = { ...group.ranges, test };
    const windowPlugin = await loadPlugin(group.window, 'window', task, task.timeouts);
    const { lookback, horizon, validationSplit } = group.window;
    const data = await stage('window', windowPlugin.name, task.timeouts, () =>
      windowPlugin.run({ series, train: ranges.train, test: ranges.test, lookback, horizon, validationSplit }, group.window.options, stageContext(tf, group.seed)),
    );
    requireWindows(data, windowPlugin.name);
    return { data: withinSessions(withFeatureChannels(data, series, horizon), series, group.window), shared: evaluateGroup(series, { ...group, ranges }) };
  };
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
    dense = await train({ group, data, tf, place: task, timeouts: task.timeouts, cached: task.cachedTrainings[group.trainKey] });
    if (dense.files) emit({ type: 'training', key: group.trainKey, files: dense.files });
    logs.take(); // the training's lines were shown (within their own budget); runs start afresh
  } catch (err) {
    const groupLog = logs.take();
    for (const run of runs) emit({ type: 'run', record: groupLog ? { ...failed(run, err), log: groupLog } : failed(run, err) });
    // A window or training that timed out may still be running: this thread takes no more work.
    return (err as { code?: string }).code === ErrorCode.TIMEOUT ? { retire: `the ${(err as { stage?: string }).stage} stage of group ${group.trainKey} timed out` } : {};
  }
  try {
    for (const run of runs) {
      runsAtStake([run.runId]);
      const started = performance.now();
      const models = new Set<LayersModel>();
      const tensorsBefore = tf.memory().numTensors;
      let outcome: TaskEvent & { type: 'run' };
      try {
        outcome = { type: 'run', ...(await runOne({ task, run, tf, ...(await windowsOf(run)), dense, models, base: base(run), started, emit })) };
      } catch (err) {
        outcome = { type: 'run', record: failed(run, err, { training: dense.summary, durationMs: performance.now() - started }) };
      } finally {
        models.forEach(disposeModel);
      }
      const timedOut = outcome.record.status === 'failed' && outcome.record.error.code === ErrorCode.TIMEOUT;
      const leaked = timedOut ? 0 : tf.memory().numTensors - tensorsBefore;
      if (leaked > 0) {
        const leak = leakError(leaked, run);
        // A plugin that threw half-way leaves its tensors behind: its own error is the cause.
        if (outcome.record.status === 'failed') outcome.record.error.afterwards = `while unwinding, ${leak.message}`;
        else outcome = { type: 'run', record: failed(run, leak, { training: dense.summary, durationMs: performance.now() - started }) };
      }
      emit({ ...outcome, record: logs.attach(outcome.record) });
      if (timedOut) return { retire: `a stage of run ${run.runId} timed out and may still be running` };
      if (leaked > 0) return { retire: `run ${run.runId} leaked ${counted(leaked, 'tensor')}` };
    }
  } finally {
    disposeModel(dense.model);
  }
  // The window and train plugins' own leaks show only once the group is done: its runs are fine,
  // but this thread is not.
  const leaked = tf.memory().numTensors - tensorsAtStart;
  return leaked > 0 ? { retire: `group ${group.trainKey} (window ${group.window.name}, train ${group.train.name}) left ${counted(leaked, 'tensor')} undisposed` } : {};
}

/** Tensors left behind by a run's plugins: they would pile up in the worker until later runs fail. */
function leakError(leaked: number, run: RunConfig): RunexpError {
  const plugins = [run.prune, run.compact, run.measure].map((c) => c.name).join(', ');
  return new RunexpError(
    ErrorCode.LEAK,
    `the run left ${counted(leaked, 'tensor')} undisposed (plugins: ${plugins}); its worker is replaced`,
    'dispose every tensor and model a plugin creates and does not return (tf.tidy, tensor.dispose(), disposeModel); runexp check-plugin finds leaks in a pruner',
  );
}

interface RunContext {
  task: GroupTask;
  run: RunConfig;
  tf: Tf;
  data: WindowedData;
  dense: Trained;
  shared: GroupEvaluation;
  /** Models made for this run, disposed by the caller. */
  models: Set<LayersModel>;
  base: Base;
  started: number;
  emit: (event: TaskEvent) => void;
}

async function runOne({ task, run, tf, data, dense, shared, models, base, started, emit }: RunContext): Promise<{ record: RunRecord; files: ArtifactFiles }> {
  const { group, timeouts } = task;
  const pruner = await loadPlugin(run.prune, 'prune', task, timeouts);
  const compactor = await loadPlugin(run.compact, 'compact', task, timeouts);
  const measurer = await loadPlugin(run.measure, 'measure', task, timeouts);
  const original = dense.model;
  // A pruner that acts during training trains a model of its own; "original" stays the dense one.
  let own: Trained | undefined;
  if (run.prunerTrainKey) {
    own = await train({ group, data, tf, place: task, timeouts, cached: task.cachedTrainings[run.prunerTrainKey], pruner: { call: run.prune, plugin: pruner } });
    models.add(own.model);
    if (own.files) emit({ type: 'training', key: run.prunerTrainKey, files: own.files });
  }
  const originalBefore = weightsOf(original);
  const trainer = prunerTrainer({ tf, trainer: await loadPlugin(group.train, 'train', task, timeouts), trainerOptions: group.train.options, data, architecture: group.architecture, seed: group.seed, keep: (m) => models.add(m) });
  const pruned = await stage('prune', pruner.name, timeouts, () =>
    pruner.run(
      { model: own?.model ?? original, dense: original, architecture: group.architecture, data, seed: group.seed, training: own?.summary, train: trainer.train },
      run.prune.options,
      stageContext(tf, group.seed),
    ),
  );
  requireModel(pruned, 'prune', pruner.name);
  requireOriginalUnchanged(tf, originalBefore, original, pruned.model, 'prune', pruner.name);
  models.add(pruned.model);
  requireValidCounts(pruned.layers, pruner.name);
  requireCountsFromModel(own?.model ?? original, pruned, pruner.retrains, pruner.name);
  requireRequestedSparsity(pruned, run.prune.options, pruner.name);
  const compact = await stage('compact', compactor.name, timeouts, () => compactor.run({ original, pruned, architecture: group.architecture }, run.compact.options, stageContext(tf, group.seed)));
  requireModel(compact, 'compact', compactor.name);
  requireOriginalUnchanged(tf, originalBefore, original, compact.model, 'compact', compactor.name);
  models.add(compact.model);
  const measured = await stage('measure', measurer.name, timeouts, () => measurer.run({ models: { original, compact: compact.model }, data }, run.measure.options, stageContext(tf, group.seed)));
  requireMeasurement(measured, measurer.name);
  requireFiniteScores(measured.reports, measurer.name);
  requireReportedCounts({ original, compact: compact.model }, measured.reports, measurer.name);
  const byModel = measured.predictions.byModel as { original: number[]; compact: number[] };
  const prunedNames = new Set(pruned.layers.map((l) => `${l.layer}:${l.weight ?? 'kernel'}`));

  const savedOriginal = await modelFiles(tf, original, 'original/');
  const savedCompact = await modelFiles(tf, compact.model, 'compact/');
  const files: ArtifactFiles = {
    ...savedOriginal.files,
    ...savedCompact.files,
    [PREDICTIONS_FILE]: text(predictionsCsv({ ...measured.predictions, byModel: { ...byModel, ...shared.baselinePredictions } })),
    [PRUNED_WEIGHTS_FILE]: text(prunedWeightsJson(pruned.layers)),
  };
  Object.assign(files, pluginFiles(measured.files, [...Object.keys(files), RESULT_FILE], measurer.name));
  const record = checkRecord({
    ...base,
    status: 'ok',
    scaler: data.scaler,
    training: dense.summary,
    ...(own ? { prunerTraining: own.summary } : {}),
    pruning: {
      plugin: pruner.name,
      options: run.prune.options,
      layers: pruned.layers.map(({ layer, weight, criterion, threshold, total, kept }) => ({ layer, ...(weight ? { weight } : {}), criterion, threshold, total, kept, sparsity: 1 - kept / total })),
      ...(pruned.data ? { data: pruned.data } : {}),
      retrains: pruner.retrains === 'all' ? 'all' : [...(pruner.retrains ?? [])],
      ...(trainer.trainings.length ? { trainings: trainer.trainings } : {}),
    },
    original: measured.reports.original,
    compact: { ...measured.reports.compact, architecture: compact.architecture.name },
    ...evaluateRun(shared, byModel, group.window.horizon),
    efficiency: efficiencyOf(measured.reports.original, measured.reports.compact),
    compactVsPruned: { maxAbsDifference: maxAbsDifference(tf, pruned.model, compact.model, data) },
    // A pruned model can die (constant output): a result of the method, scored and counted, not hidden.
    compactOutputSpread: outputSpread(tf, compact.model, data),
    // Values that changed outside the pruned kernels and the layers the pruner says it retrains
    // (conv, output layer, every bias): should be 0. n/a for a pruner that retrains everything.
    untouchedWeightsChanged: compact.architecture === group.architecture && pruner.retrains !== 'all' ? changedOutside(original, compact.model, prunedNames, new Set(pruner.retrains ?? [])) : null,
    // The record lists each artifact's checksum, so a damaged run folder is redone on resume.
    files: { originalWeightsBytes: savedOriginal.weightBytes, compactWeightsBytes: savedCompact.weightBytes, sha256: checksums(files) },
    durationMs: performance.now() - started,
    finishedAt: new Date().toISOString(),
  });
  return { record, files: { ...files, [RESULT_FILE]: text(JSON.stringify(record, null, 2)) } };
}
