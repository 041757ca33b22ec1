// The plugin interface. Every stage of an experiment is a plugin in one of six slots; built-in
// plugins (src/plugins/) are written against exactly these types, as a user's would be.
//
//   fetch → window → train → prune → compact → measure
//
// `fetch` runs once per dataset in the main thread (its result is plain data that crosses to the
// workers). The other stages run inside a worker thread and may pass tfjs models to each other.
import type { z } from 'zod';
import type { Architecture } from './architecture.ts';
import type { ModelReport } from './model-report.ts';
import type { LayersModel, Tf } from './tf.ts';

export type { LayersModel, Tf };

export const SLOTS = ['fetch', 'window', 'train', 'prune', 'compact', 'measure'] as const;
export type Slot = (typeof SLOTS)[number];

// ---------- data ----------

/** A daily price series, oldest first. Plain data. */
export interface Series {
  ticker: string;
  dates: string[];
  values: number[];
  /** sha256 of the bytes the series was read from (or of its canonical JSON). */
  checksum: string;
  /** Where it came from, e.g. "snapshot:data/snapshot/SPY.csv" or "yahoo (cached 2026-11-27)". */
  source: string;
}

/** A set of windows: `x` holds `count × lookback × features` values, `y` holds `count` targets. */
export interface WindowSet {
  x: Float32Array;
  y: Float32Array;
  count: number;
  /** The unscaled price of each target, for metrics in price units. */
  targets: Float64Array;
  /** The date of each target. */
  dates: string[];
}

export interface WindowRequest {
  series: Series;
  /** Index range [from, to) of the training segment (training + validation split) in the series. */
  train: { from: number; to: number };
  /** Index range [from, to) of the test targets; their input windows may reach back before `from`. */
  test: { from: number; to: number };
  lookback: number;
  horizon: number;
  validationSplit: number;
}

export interface WindowedData {
  lookback: number;
  features: number;
  train: WindowSet;
  validation: WindowSet;
  test: WindowSet;
  /** Maps model outputs (scaled) back to prices for a split. */
  toPrice(scaled: ArrayLike<number>, split: 'train' | 'validation' | 'test'): Float64Array;
  /** Plain description of the scaling, stored with every result (e.g. {kind, fitOn, min, max}). */
  scaler: Record<string, unknown>;
}

// ---------- stages ----------

/**
 * What a pruning plugin can do during training (gradual pruning, masks held while training).
 * Each hook object gets a seeded generator of its own, so adding a hook never changes the
 * trainer's shuffle.
 */
export interface TrainingHooks {
  onTrainBegin?(model: LayersModel): void | Promise<void>;
  /** After every optimizer step; `step` counts steps from 0 over the whole training. */
  onBatchEnd?(model: LayersModel, step: number): void | Promise<void>;
  onEpochEnd?(model: LayersModel, epoch: number, logs: { loss: number; valLoss: number }): void | Promise<void>;
  /**
   * Early stopping is about to restore the best epoch's weights. Return false to keep the last
   * weights instead (e.g. when the best epoch predates the final masks). Called after restoring,
   * `onRestoreBest` can re-apply masks.
   */
  allowRestoreBest?(model: LayersModel, bestEpoch: number): boolean;
  onRestoreBest?(model: LayersModel): void | Promise<void>;
  onTrainEnd?(model: LayersModel): void | Promise<void>;
}

/**
 * The one interface through which a trainer reports progress; core builds it from every hook
 * that applies to this training. A trainer calls each method at the moment its name says.
 */
export interface TrainingEvents {
  /** Whether anything listens to batch events (a trainer may skip per-batch work when not). */
  readonly wantsBatchEvents: boolean;
  trainBegin(model: LayersModel): Promise<void>;
  batchEnd(model: LayersModel, step: number): Promise<void>;
  epochEnd(model: LayersModel, epoch: number, logs: { loss: number; valLoss: number }): Promise<void>;
  /** True unless a hook forbids restoring the best epoch's weights. */
  mayRestoreBest(model: LayersModel, bestEpoch: number): boolean;
  restoredBest(model: LayersModel): Promise<void>;
  trainEnd(model: LayersModel): Promise<void>;
}

export interface TrainRequest {
  data: WindowedData;
  architecture: Architecture;
  seed: number;
  /** Call these during training; core wires the hooks of pruners that act during training. */
  events: TrainingEvents;
  /** Start from a copy of these weights instead of a fresh initialisation (fine-tuning, rewinding). */
  init?: LayersModel;
  /** Train at most this many epochs, instead of the trainer's own setting. */
  epochs?: number;
}

export interface TrainResult {
  model: LayersModel;
  epochs: number;
  bestEpoch: number;
  loss: number[];
  valLoss: number[];
  timeMs: number;
  /** Largest tfjs tensor memory seen during training (bytes), if the trainer measures it. */
  peakTensorBytes?: number;
  /** How many times the initial weights were drawn again because the model was dead at start. */
  redraws?: number;
}

/** What a training produced, without the model: stored with every result. */
export type TrainingSummary = Omit<TrainResult, 'model'>;

export interface PruneRequest {
  /**
   * The model to prune. Do not modify it: other runs reuse it. It is the dense model, or, for a
   * pruner with `trainingHooks`, the model trained with its hooks.
   */
  model: LayersModel;
  /** The dense model trained once per (data, architecture, seed, trainer options): "original". */
  dense: LayersModel;
  architecture: Architecture;
  data: WindowedData;
  seed: number;
  /** The training of `model` when the pruner trained its own (absent when `model` is `dense`). */
  training?: TrainingSummary;
  /**
   * Trains a model with the spec's trainer, data and architecture (fine-tuning, lottery tickets,
   * gradual pruning). The model it returns belongs to runexp, which frees it after the run; it may
   * be returned as the result's model. Each training is listed in the record.
   */
  train(options?: RetrainOptions): Promise<TrainResult>;
}

export interface RetrainOptions {
  /** Start from a copy of this model's weights; absent: a fresh initialisation from `seed`. */
  from?: LayersModel;
  /** At most this many epochs, instead of the spec's `train` setting. */
  epochs?: number;
  /** Hooks acting during this training: masks held, a pruning schedule, weights captured. */
  hooks?: TrainingHooks;
  /** The training's seed (initialisation and shuffle); the run's seed when absent. */
  seed?: number;
}

export interface PrunedLayer {
  layer: string;
  /** How weights were chosen, e.g. "|w|" or "random"; shown in reports. */
  criterion?: string;
  /** The score threshold used, when there is one: weights with score <= threshold were zeroed. */
  threshold?: number;
  total: number;
  kept: number;
  before: Float32Array;
  after: Float32Array;
}

/** Plain JSON data a pruner hands to its compactor (removed units, masks, scores, ...). */
export type PruneData = Record<string, unknown>;

export interface PruneResult {
  /** A new model with the pruned weights (the original is left untouched). */
  model: LayersModel;
  layers: PrunedLayer[];
  /** Passed to the compactor and stored in the record; must survive JSON. */
  data?: PruneData;
}

export interface CompactRequest {
  original: LayersModel;
  pruned: PruneResult;
  architecture: Architecture;
}

export interface CompactResult {
  model: LayersModel;
  /** The compact model's architecture: the same as the original's, or smaller (structured pruning). */
  architecture: Architecture;
}

export interface MeasureRequest {
  models: Record<string, LayersModel>;
  data: WindowedData;
}

export type { LayerCount, ModelReport } from './model-report.ts';

export interface MeasureResult {
  reports: Record<string, ModelReport>;
  /** Test-period prices: actual and each model's prediction, aligned with `dates`. */
  predictions: { dates: string[]; actual: number[]; byModel: Record<string, number[]> };
}

// ---------- contexts ----------

export interface Logger {
  (message: string): void;
}

export interface FetchContext {
  /** Directory of the spec file: relative paths in options resolve against it. */
  specDir: string;
  /** Where a plugin may cache downloads; absent when nothing may be written (`runexp validate`). */
  cacheDir?: string;
  log: Logger;
}

export interface StageContext {
  tf: Tf;
  seed: number;
  /** A seeded generator in [0, 1), fresh for each stage; use it instead of Math.random. */
  random(): number;
  log: Logger;
}

export interface SlotTypes {
  fetch: { request: { ticker: string }; result: Series; context: FetchContext };
  window: { request: WindowRequest; result: WindowedData; context: StageContext };
  train: { request: TrainRequest; result: TrainResult; context: StageContext };
  prune: { request: PruneRequest; result: PruneResult; context: StageContext };
  compact: { request: CompactRequest; result: CompactResult; context: StageContext };
  measure: { request: MeasureRequest; result: MeasureResult; context: StageContext };
}

// ---------- plugins ----------

export interface Plugin<S extends Slot = Slot, O = any> {
  slot: S;
  /** Short name used in specs (`plugin: magnitude`). */
  name: string;
  description?: string;
  /** Options schema. Use z.strictObject so that misspelt keys are reported. */
  options: z.ZodType<O>;
  /**
   * Option keys that are grid axes: in a spec they accept one value or a list, and the grid runs
   * once per value (e.g. `percentile: [20, 35, 50]`).
   */
  axes?: readonly string[];
  run(request: SlotTypes[S]['request'], options: O, ctx: SlotTypes[S]['context']): Promise<SlotTypes[S]['result']> | SlotTypes[S]['result'];
  /**
   * Prune plugins only: hooks into training (gradual pruning). A pruner that has them trains a
   * model of its own with them; the dense model is still trained once and stays "original".
   */
  trainingHooks?: S extends 'prune' ? (options: O, ctx: StageContext) => TrainingHooks : never;
  /**
   * Prune plugins only: the compact plugin its results need (a built-in name, or a path relative
   * to this plugin's file, or `{plugin, ...options}`). Without it the spec's `compact` is used.
   */
  compactor?: S extends 'prune' ? string | ({ plugin: string } & Record<string, unknown>) : never;
}

export type AnyPlugin = { [S in Slot]: Plugin<S> }[Slot];

/** Identity helper that gives a plugin its types: `export default definePlugin({...})`. */
export function definePlugin<S extends Slot, O>(plugin: Plugin<S, O>): Plugin<S, O> {
  return plugin;
}
