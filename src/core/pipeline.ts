// Runs one training group inside a worker: window → train (or reuse a cached training) → for each
// run: prune → compact → measure → store files → report the record. A failure in one run is
// recorded for that run and the others go on; a failure before pruning fails every run of the group.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { disposeModel } from './architecture.ts';
import { checksumFolder, predictionsCsv, prunedWeightsJson, saveModel, writeRunFolder } from './artifacts.ts';
import { serializeError, type SerializedError } from './errors.ts';
import { evaluateGroup, evaluateRun, type GroupEvaluation } from './evaluation.ts';
import type { RunConfig, TrainGroup } from './grid.ts';
import { sha256 } from './hash.ts';
import type { AnyPlugin, LayersModel, Plugin, Series, Slot, StageContext, Tf, TrainingHooks, TrainResult, WindowedData } from './plugin-api.ts';
import { importPlugin } from './plugins.ts';
import { mulberry32 } from './random.ts';
import { runDir } from './store.ts';
import { weightsOf } from './weights.ts';

export interface GroupTask {
  group: TrainGroup;
  series: Series;
  outDir: string;
  /** Ids of the group's runs that still need doing. */
  pending: string[];
  backend: string;
}

export type RunRecord = Record<string, unknown> & { runId: string; status: 'ok' | 'failed'; error?: SerializedError };

const loaded = new Map<string, Promise<AnyPlugin>>();

async function load<S extends Slot>(module: string, slot: S): Promise<Plugin<S>> {
  if (!loaded.has(module)) loaded.set(module, importPlugin(module));
  const plugin = await loaded.get(module)!;
  if (plugin.slot !== slot) throw new Error(`${module} is a ${plugin.slot} plugin, expected ${slot}`);
  return plugin as unknown as Plugin<S>;
}

/** Wraps a stage so that its errors carry the stage and plugin name. */
async function stage<T>(name: Slot, plugin: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw Object.assign(err instanceof Error ? err : new Error(String(err)), { stage: name, plugin });
  }
}

function failure(err: unknown): SerializedError {
  const e = err as { stage?: string; plugin?: string };
  return serializeError(err, { stage: e.stage, plugin: e.plugin });
}

export async function runGroup(task: GroupTask, tf: Tf, emit: (record: RunRecord) => void): Promise<void> {
  const { group, series } = task;
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const context = (seed: number): StageContext => ({ tf, seed, random: mulberry32(seed), log });
  const runs = group.runs.filter((r) => task.pending.includes(r.runId));
  const base = (run: RunConfig) => ({
    runId: run.runId,
    trainKey: group.trainKey,
    params: run.params,
    data: { ticker: series.ticker, source: series.source, checksum: series.checksum, train: group.ranges.train, test: group.ranges.test },
    backend: task.backend,
  });

  let data: WindowedData;
  let trained: TrainResult & { cached: boolean };
  let shared: GroupEvaluation;
  try {
    shared = evaluateGroup(series, group);
    const windowPlugin = await load(group.window.module, 'window');
    data = await stage('window', windowPlugin.name, () =>
      windowPlugin.run({ series, train: group.ranges.train, test: group.ranges.test, lookback: group.window.lookback, horizon: group.window.horizon, validationSplit: group.window.validationSplit }, group.window.options, context(group.seed)),
    );
    trained = await trainOrReuse(task, tf, data, context(group.seed));
  } catch (err) {
    for (const run of runs) emit({ ...base(run), status: 'failed', error: failure(err), finishedAt: new Date().toISOString() });
    return;
  }
  const training = { epochs: trained.epochs, bestEpoch: trained.bestEpoch, loss: trained.loss, valLoss: trained.valLoss, timeMs: trained.timeMs, peakTensorBytes: trained.peakTensorBytes, redraws: trained.redraws ?? 0, cached: trained.cached };
  try {
    for (const run of runs) {
      const started = performance.now();
      const models: LayersModel[] = [];
      try {
        const record = await runOne(run, group, tf, data, trained.model, context(group.seed), models, task.outDir, shared, (files) => ({
          ...base(run),
          status: 'ok',
          scaler: data.scaler,
          training,
          ...files,
          durationMs: performance.now() - started,
          finishedAt: new Date().toISOString(),
        }));
        emit(record);
      } catch (err) {
        emit({ ...base(run), status: 'failed', error: failure(err), training, durationMs: performance.now() - started, finishedAt: new Date().toISOString() });
      } finally {
        models.forEach(disposeModel);
      }
    }
  } finally {
    disposeModel(trained.model);
  }
}

async function runOne(
  run: RunConfig,
  group: TrainGroup,
  tf: Tf,
  data: WindowedData,
  original: LayersModel,
  ctx: StageContext,
  models: LayersModel[],
  outDir: string,
  shared: GroupEvaluation,
  finish: (fields: Record<string, unknown>) => RunRecord,
): Promise<RunRecord> {
  const pruner = await load(run.prune.module, 'prune');
  const compactor = await load(run.compact.module, 'compact');
  const measurer = await load(run.measure.module, 'measure');
  const pruned = await stage('prune', pruner.name, () => pruner.run({ model: original, architecture: group.architecture, data, seed: group.seed }, run.prune.options, ctx));
  models.push(pruned.model);
  const compact = await stage('compact', compactor.name, () => compactor.run({ original, pruned, architecture: group.architecture }, run.compact.options, ctx));
  models.push(compact.model);
  const measured = await stage('measure', measurer.name, () => measurer.run({ models: { original, compact: compact.model }, data }, run.measure.options, ctx));
  const compactVsPruned = maxAbsDifference(tf, pruned.model, compact.model, data);
  const byModel = measured.predictions.byModel as { original: number[]; compact: number[] };
  const evaluation = evaluateRun(shared, byModel, group.window.horizon);
  const prunedNames = new Set(pruned.layers.map((l) => l.layer));

  const record = finish({
    pruning: {
      plugin: pruner.name,
      options: run.prune.options,
      layers: pruned.layers.map(({ layer, threshold, total, kept }) => ({ layer, threshold, total, kept, sparsity: 1 - kept / total })),
    },
    original: measured.reports.original,
    compact: { ...measured.reports.compact, architecture: compact.architecture.name },
    ...evaluation,
    compactVsPruned: { maxAbsDifference: compactVsPruned },
    // Values that changed outside the pruned kernels (conv, output layer, every bias): should be 0.
    untouchedWeightsChanged: compact.architecture === group.architecture ? changedOutside(original, compact.model, prunedNames) : null,
  });
  await writeRunFolder(runDir(outDir, run.runId), async (dir) => {
    const savedOriginal = await saveModel(tf, original, join(dir, 'original'));
    const savedCompact = await saveModel(tf, compact.model, join(dir, 'compact'));
    writeFileSync(join(dir, 'predictions.csv'), predictionsCsv({ ...measured.predictions, byModel: { ...byModel, ...shared.baselinePredictions } }));
    writeFileSync(join(dir, 'pruned-weights.json'), prunedWeightsJson(pruned.layers));
    // The record lists each artifact's checksum, so a damaged run folder is redone on resume.
    Object.assign(record, { files: { originalWeightsBytes: savedOriginal, compactWeightsBytes: savedCompact, sha256: checksumFolder(dir) } });
    writeFileSync(join(dir, 'result.json'), JSON.stringify(record, null, 2));
  });
  return record;
}

/** How far the compact model's test predictions are from the pruned original's (should be 0). */
function maxAbsDifference(tf: Tf, a: LayersModel, b: LayersModel, data: WindowedData): number {
  return tf.tidy(() => {
    const x = tf.tensor3d(data.test.x, [data.test.count, data.lookback, data.features]);
    const pa = a.predict(x) as InstanceType<Tf['Tensor']>;
    const pb = b.predict(x) as InstanceType<Tf['Tensor']>;
    return pa.sub(pb).abs().max().dataSync()[0];
  });
}

/** Counts weight values that differ between two same-shaped models, skipping the pruned kernels. */
function changedOutside(a: LayersModel, b: LayersModel, prunedKernels: Set<string>): number {
  const wa = weightsOf(a);
  const wb = weightsOf(b);
  let changed = 0;
  wa.forEach((layer, li) =>
    layer.tensors.forEach((t, ti) => {
      if (ti === 0 && prunedKernels.has(layer.layer)) return;
      const other = wb[li].tensors[ti].values;
      t.values.forEach((v, i) => {
        if (v !== other[i]) changed++;
      });
    }),
  );
  return changed;
}

// ---------- trained-model cache ----------

async function trainOrReuse(task: GroupTask, tf: Tf, data: WindowedData, ctx: StageContext): Promise<TrainResult & { cached: boolean }> {
  const { group } = task;
  const dir = join(task.outDir, 'cache', 'models', group.trainKey);
  const cached = await loadCached(tf, dir);
  if (cached) return { ...cached, cached: true };
  const trainer = await load(group.train.module, 'train');
  const hooks: TrainingHooks[] = [];
  if (group.trainingPruner) {
    const pruner = await load(group.trainingPruner.module, 'prune');
    if (pruner.trainingHooks) hooks.push(pruner.trainingHooks(group.trainingPruner.options, ctx));
  }
  const result = await stage('train', trainer.name, () => trainer.run({ data, architecture: group.architecture, seed: group.seed, hooks }, group.train.options, ctx));
  await writeRunFolder(dir, async (tmp) => {
    await saveModel(tf, result.model, tmp);
    const meta = { epochs: result.epochs, bestEpoch: result.bestEpoch, loss: result.loss, valLoss: result.valLoss, timeMs: result.timeMs, peakTensorBytes: result.peakTensorBytes, redraws: result.redraws };
    writeFileSync(join(tmp, 'training.json'), JSON.stringify({ ...meta, weightsSha256: sha256(readFileSync(join(tmp, 'weights.bin'))) }));
  });
  return { ...result, cached: false };
}

/** A cached training, if present and intact (checksum of its weights matches); else undefined. */
async function loadCached(tf: Tf, dir: string): Promise<TrainResult | undefined> {
  try {
    if (!existsSync(join(dir, 'training.json'))) return undefined;
    const meta = JSON.parse(readFileSync(join(dir, 'training.json'), 'utf8'));
    const weights = readFileSync(join(dir, 'weights.bin'));
    if (sha256(weights) !== meta.weightsSha256) return undefined;
    const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) }),
    );
    return { model, epochs: meta.epochs, bestEpoch: meta.bestEpoch, loss: meta.loss, valLoss: meta.valLoss, timeMs: meta.timeMs, peakTensorBytes: meta.peakTensorBytes, redraws: meta.redraws };
  } catch {
    return undefined;
  }
}
