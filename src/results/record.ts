// The run record: one line of results.jsonl. This schema is its only definition; the store
// writes what it describes and everything that reads results (the report, the end-of-run table,
// the verdicts) reads through `parseRecord`. Lines written before `schemaVersion` existed are
// version 1 and are read as such.
import { z } from 'zod';
import { jsonNumber, modelReportSchema } from '../plugin/model-report.ts';
import { efficiencySchema } from '../evaluation/efficiency.ts';
import { runEvaluationSchema } from '../evaluation/evaluation.ts';

export const RECORD_SCHEMA_VERSION = 2;

const options = z.record(z.string(), z.unknown());

/** What distinguishes a run (see plan/types.ts). Version 1 records lack the optional blocks. */
export const paramsSchema = z.object({
  ticker: z.string(),
  days: z.number(),
  testEnd: z.string(),
  /** Walk-forward only (from issue 12). */
  fold: z.number().optional(),
  /** Only in a grid where some dataset has input features (from issue 26). */
  features: z.string().optional(),
  architecture: z.string(),
  seed: z.number(),
  pruner: z.string(),
  prune: options,
  train: options.default({}),
  window: options.default({}),
  source: z.string().optional(),
  fetch: options.optional(),
  compactor: z.string().optional(),
  compact: options.optional(),
  measure: options.optional(),
});

/** How a quantising compactor stored the compact model's weights (plugin/quantization.ts). */
const quantizationRecordSchema = z.object({
  bits: z.number(),
  scheme: z.string(),
  activations: z.string(),
  /** The largest |q| of int8 weights when not 127 (63 with int8 activations). */
  weightLimit: z.number().optional(),
  /** int8 activations: how their ranges were calibrated on the training windows ("minmax", "percentile 99.99"). */
  calibration: z.string().optional(),
  /** The quantised weights, as layer:weight. */
  weights: z.array(z.string()),
  /** How many float32 scales the int8 weights carry. */
  scales: z.number(),
});

const range = z.object({ from: z.number().optional(), to: z.number().optional(), start: z.string(), end: z.string(), days: z.number() });

export const trainingSchema = z.object({
  epochs: z.number(),
  bestEpoch: z.number(),
  loss: z.array(jsonNumber),
  valLoss: z.array(jsonNumber),
  timeMs: z.number(),
  peakTensorBytes: z.number().optional(),
  redraws: z.number().default(0),
  /** A pruner's training whose model ended dead (constant output): kept and scored, not failed. */
  dead: z.boolean().optional(),
  /** Trained stacked with other seeds (TrainResult.stack): timeMs is this seed's share of the stack's. */
  stack: z.object({ seeds: z.number(), timeMs: z.number() }).optional(),
  /** Whether this run found the training in the cache instead of training it. */
  cached: z.boolean(),
});

export const errorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  stage: z.string().optional(),
  plugin: z.string().optional(),
  /** The plugin's `file:line:col` where it was thrown (from issue 23). */
  at: z.string().optional(),
  stack: z.string().optional(),
  /** Found while unwinding the failure, e.g. tensors left undisposed (from issue 23). */
  afterwards: z.string().optional(),
});

const prunedLayerSchema = z.object({
  layer: z.string(),
  /** The weight pruned when it is not the layer's kernel (from the layer registry, issue 25). */
  weight: z.string().optional(),
  criterion: z.string().optional(),
  /** Absent (null in version 1) when the pruner used no score threshold. */
  threshold: z
    .number()
    .nullish()
    .transform((t) => (t === null || t === undefined || Number.isNaN(t) ? undefined : t)),
  total: z.number(),
  kept: z.number(),
  sparsity: jsonNumber,
});

const common = {
  schemaVersion: z.number().int().default(1),
  runId: z.string(),
  trainKey: z.string(),
  backend: z.string().optional(),
  finishedAt: z.string(),
  durationMs: z.number().optional(),
  /** What the run's plugins logged (ctx.log): the first 64 KB, and how much more was only counted (from issue 24). */
  log: z.object({ lines: z.array(z.string()), droppedLines: z.number(), droppedBytes: z.number() }).optional(),
  /** What the pruner declared about the run (Plugin.declares); absent in records of runexp 0.2 and before. */
  declared: z
    .object({ sparsity: z.number().optional(), removes: z.enum(['weights', 'units']).optional(), control: z.string().optional() })
    .optional(),
};

export const okRecordSchema = z.looseObject({
  ...common,
  status: z.literal('ok'),
  params: paramsSchema,
  data: z.object({ ticker: z.string(), source: z.string(), checksum: z.string(), train: range, test: range }),
  scaler: z.record(z.string(), z.unknown()),
  /** The dense model's training: "original". */
  training: trainingSchema,
  /** The pruner's own training, when it trained a model with its hooks. */
  prunerTraining: trainingSchema.optional(),
  pruning: z.object({
    plugin: z.string(),
    options: options.optional(),
    layers: z.array(prunedLayerSchema),
    /** Plugin-defined data the pruner passed to its compactor (removed units, masks, ...). */
    data: options.optional(),
    /** What the pruner declares it retrains ('all', or layer names; [] for nothing); absent before issue 24. */
    retrains: z.union([z.literal('all'), z.array(z.string())]).optional(),
    /** The trainings the pruner ran itself through `req.train` (fine-tuning, lottery levels, ...). */
    trainings: z
      .array(
        z.object({
          epochs: z.number(),
          bestEpoch: z.number(),
          loss: jsonNumber,
          valLoss: jsonNumber,
          timeMs: z.number(),
          fromWeights: z.boolean(),
          dead: z.boolean().optional(),
          /** Trained in a stack with other runs' trainings; `timeMs` is its share of the stack's. */
          stack: z.object({ seeds: z.number(), timeMs: z.number() }).optional(),
        }),
      )
      .optional(),
  }),
  original: modelReportSchema,
  compact: modelReportSchema.extend({ architecture: z.string(), quantization: quantizationRecordSchema.optional() }),
  ...runEvaluationSchema.shape,
  /** The compact model against the original: MACs, sizes, latency (absent before version 0.2). */
  efficiency: efficiencySchema.optional(),
  compactVsPruned: z.object({ maxAbsDifference: jsonNumber }),
  /** Highest minus lowest compact output on the test windows; ≤ 1e-6: a dead (constant) compact model (absent before issue 25). */
  compactOutputSpread: jsonNumber.optional(),
  /** Values changed outside the pruned kernels; null when the compact architecture differs. */
  untouchedWeightsChanged: z.number().nullable(),
  files: z.object({ originalWeightsBytes: z.number(), compactWeightsBytes: z.number(), sha256: z.record(z.string(), z.string()) }),
});

export const failedRecordSchema = z.looseObject({
  ...common,
  status: z.literal('failed'),
  params: paramsSchema.optional(),
  data: z.object({ ticker: z.string(), source: z.string(), checksum: z.string(), train: range, test: range }).partial().optional(),
  training: trainingSchema.optional(),
  error: errorSchema,
});

export const recordSchema = z.discriminatedUnion('status', [okRecordSchema, failedRecordSchema]);

/** What the store writes (schemaVersion included) and readers get back. */
export type RunRecord = z.output<typeof recordSchema>;
/**
 * A stored run that finished: parameters, data, training, pruning, both models' reports, forecast scores,
 * baselines, tests and efficiency.
 */
export type OkRecord = z.output<typeof okRecordSchema>;
/** A stored run that failed: its parameters (when known) and the error, with stage and plugin. */
export type FailedRecord = z.output<typeof failedRecordSchema>;
export type RecordParams = z.output<typeof paramsSchema>;
export type TrainingRecord = z.output<typeof trainingSchema>;

/** The record of a run that did not finish: who it was, and why. */
export function failedRecord(
  run: Pick<FailedRecord, 'runId' | 'trainKey' | 'params' | 'backend' | 'data'>,
  error: FailedRecord['error'],
  extra: Partial<FailedRecord> = {},
): FailedRecord {
  return { schemaVersion: RECORD_SCHEMA_VERSION, ...run, status: 'failed', error, ...extra, finishedAt: new Date().toISOString() };
}

/** The scores of an ok record that are not finite ("compact.mse"): lines stored before runexp 0.2 could hold null. */
export function nonFiniteScores(record: OkRecord): string[] {
  return (['original', 'compact'] as const).flatMap((model) =>
    (['mse', 'rmse', 'mae', 'r2'] as const).filter((k) => !Number.isFinite(record[model][k])).map((k) => `${model}.${k}`),
  );
}

/** A parsed record, or why a stored value is not one (the caller decides what to do with it). */
export function parseRecord(value: unknown): { ok: true; record: RunRecord } | { ok: false; problem: string } {
  const result = recordSchema.safeParse(value);
  if (result.success) return { ok: true, record: result.data };
  const issue = result.error.issues[0];
  return { ok: false, problem: `${issue.path.join('.') || 'record'}: ${issue.message}` };
}
