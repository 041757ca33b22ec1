// One run of a group, after the dense training: [the pruner's own training] → prune → compact →
// measure → evaluate → its record and files, every plugin's answer checked against the model.
import type { CompactResult, LayersModel, Tf, TrainResult, WindowedData } from '../plugin/api.ts';
import { weightsOf } from '../plugin/weights.ts';
import { quantizationSummary } from '../plugin/quantization.ts';
import type { RunConfig } from '../plan/types.ts';
import { efficiencyOf } from '../evaluation/efficiency.ts';
import { evaluateRun, type GroupEvaluation } from '../evaluation/evaluation.ts';
import {
  checksums,
  predictionsCsv,
  PREDICTIONS_FILE,
  PRUNED_WEIGHTS_FILE,
  prunedWeightsJson,
  text,
  type ArtifactFiles,
} from '../results/artifacts.ts';
import type { OkRecord, RunRecord } from '../results/record.ts';
import {
  changedOutside,
  maxAbsDifference,
  outputSpread,
  requireCountsFromModel,
  requireFiniteScores,
  requireOriginalUnchanged,
  requireReportedCounts,
  requireValidCounts,
} from './checks.ts';
import { requireRequestedSparsity } from './sparsity-check.ts';
import { pluginFiles } from './plugin-files.ts';
import type { GroupTask, TaskEvent } from './launcher.ts';
import { modelFiles } from './model-files.ts';
import { checkRecord } from './record-check.ts';
import type { PruneStage } from './interleave.ts';
import { type Asked, groupTrainer, prunerTrainer, trainAlone } from './pruner-training.ts';
import { loadPlugin, stage, stageContext } from './stages.ts';
import { requireMeasurement, requireModel } from './result-shapes.ts';
import { train, type Trained } from './training.ts';

const RESULT_FILE = 'result.json';

/** The fields every record of a run has, ok or failed. */
export type Base = Pick<OkRecord, 'schemaVersion' | 'runId' | 'trainKey' | 'params' | 'backend' | 'data' | 'declared'>;

export interface RunContext {
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
  /** How the pruner's trainings are trained: alone when absent; interleaved runs hand them to their scheduler. */
  trainVia?: (asked: Asked) => Promise<TrainResult>;
  /** The run's own time so far, in ms: since `started` when absent (interleaved runs count only their own turns). */
  elapsedMs?: () => number;
  /** Runs the pruner under the prune stage's limit: `stage('prune', …)` when absent (interleave.ts counts only its own time). */
  pruneStage?: PruneStage;
}

export async function runOne({
  task,
  run,
  tf,
  data,
  dense,
  shared,
  models,
  base,
  started,
  emit,
  trainVia,
  pruneStage: ownPruneStage,
  elapsedMs = () => performance.now() - started,
}: RunContext): Promise<{ record: RunRecord; files: ArtifactFiles }> {
  const { group, timeouts } = task;
  const pruner = await loadPlugin(run.prune, 'prune', task, timeouts);
  // A structured pruner's compactor may be followed by another (spec/compactions.ts).
  const compactors = [run.compact, ...(run.compactThen ? [run.compactThen] : [])];
  const compactPlugins = await Promise.all(compactors.map((call) => loadPlugin(call, 'compact', task, timeouts)));
  const measurer = await loadPlugin(run.measure, 'measure', task, timeouts);
  const original = dense.model;
  // A pruner that acts during training trains a model of its own; "original" stays the dense one.
  let own: Trained | undefined;
  if (run.prunerTrainKey) {
    own = await train({
      group,
      data,
      tf,
      place: task,
      timeouts,
      cached: task.cachedTrainings[run.prunerTrainKey],
      pruner: { call: run.prune, plugin: pruner },
    });
    models.add(own.model);
    if (own.files) emit({ type: 'training', key: run.prunerTrainKey, files: own.files });
  }
  const originalBefore = weightsOf(original);
  const setup = await groupTrainer(task, tf);
  const via = trainVia ?? ((asked: Asked) => trainAlone(setup, asked));
  const trainer = prunerTrainer(
    (options) => via({ options, data, seed: group.seed }),
    (m) => models.add(m),
  );
  const pruneStage: PruneStage = ownPruneStage ?? ((plugin, fn) => stage('prune', plugin, timeouts, fn));
  const pruned = await pruneStage(pruner.name, () =>
    pruner.run(
      {
        model: own?.model ?? original,
        dense: original,
        architecture: group.architecture,
        data,
        seed: group.seed,
        training: own?.summary,
        train: trainer.train,
      },
      run.prune.options,
      stageContext(tf, group.seed),
    ),
  );
  requireModel(pruned, 'prune', pruner.name);
  requireOriginalUnchanged(tf, originalBefore, original, pruned.model, 'prune', pruner.name);
  models.add(pruned.model);
  requireValidCounts(pruned.layers, pruner.name);
  requireCountsFromModel(own?.model ?? original, pruned, pruner.retrains, pruner.name);
  requireRequestedSparsity(pruned, run.declared ?? {}, pruner.name);
  let compact = { model: pruned.model, architecture: group.architecture } as CompactResult;
  for (const [i, compactor] of compactPlugins.entries()) {
    const input = { ...pruned, model: compact.model };
    const architecture = compact.architecture;
    compact = await stage('compact', compactor.name, timeouts, () =>
      compactor.run({ original, pruned: input, architecture, data }, compactors[i].options, stageContext(tf, group.seed)),
    );
    requireModel(compact, 'compact', compactor.name);
    requireOriginalUnchanged(tf, originalBefore, original, compact.model, 'compact', compactor.name);
    models.add(compact.model);
  }
  const measured = await stage('measure', measurer.name, timeouts, () =>
    measurer.run(
      {
        models: { original, compact: compact.model },
        data,
        ...(compact.quantization ? { quantization: { compact: compact.quantization } } : {}),
      },
      run.measure.options,
      stageContext(tf, group.seed),
    ),
  );
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
      layers: pruned.layers.map(({ layer, weight, criterion, threshold, total, kept }) => ({
        layer,
        ...(weight ? { weight } : {}),
        criterion,
        threshold,
        total,
        kept,
        sparsity: 1 - kept / total,
      })),
      ...(pruned.data ? { data: pruned.data } : {}),
      retrains: pruner.retrains === 'all' ? 'all' : [...(pruner.retrains ?? [])],
      ...(trainer.trainings.length ? { trainings: trainer.trainings } : {}),
    },
    original: measured.reports.original,
    compact: {
      ...measured.reports.compact,
      architecture: compact.architecture.name,
      ...(compact.quantization ? { quantization: quantizationSummary(compact.quantization) } : {}),
    },
    ...evaluateRun(shared, byModel, group.window.horizon),
    efficiency: efficiencyOf(measured.reports.original, measured.reports.compact),
    compactVsPruned: { maxAbsDifference: maxAbsDifference(tf, pruned.model, compact.model, data) },
    // A pruned model can die (constant output): a result of the method, scored and counted, not hidden.
    compactOutputSpread: outputSpread(tf, compact.model, data),
    // Values that changed outside the pruned kernels and the layers the pruner says it retrains
    // (conv, output layer, every bias): should be 0. n/a for a pruner that retrains everything.
    untouchedWeightsChanged:
      compact.architecture === group.architecture && pruner.retrains !== 'all'
        ? changedOutside(original, pruned.model, prunedNames, new Set(pruner.retrains ?? []))
        : null,
    // The record lists each artifact's checksum, so a damaged run folder is redone on resume.
    files: { originalWeightsBytes: savedOriginal.weightBytes, compactWeightsBytes: savedCompact.weightBytes, sha256: checksums(files) },
    durationMs: elapsedMs(),
    finishedAt: new Date().toISOString(),
  });
  return { record, files: { ...files, [RESULT_FILE]: text(JSON.stringify(record, null, 2)) } };
}
