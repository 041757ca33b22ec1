// The public plugin interface. Every stage of an experiment is a plugin in one of six slots;
// built-in plugins (src/plugins/) are written against exactly these types, as a user's would be.
//
//   fetch → window → train → prune → compact → measure
//
// `fetch` runs once per dataset in the main thread (its result is plain data that crosses to the
// workers). The other stages run inside a worker thread and may pass tfjs models to each other.
import type * as tfjs from '@tensorflow/tfjs';
import type { z } from 'zod';
import type { Architecture } from './architecture.ts';

export type Tf = typeof tfjs;
export type LayersModel = tfjs.LayersModel;

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

/** Callbacks a pruning plugin can hook into training (gradual pruning acts during training). */
export interface TrainingHooks {
  onTrainBegin?(model: LayersModel): void | Promise<void>;
  onEpochEnd?(model: LayersModel, epoch: number, logs: { loss: number; valLoss: number }): void | Promise<void>;
  onTrainEnd?(model: LayersModel): void | Promise<void>;
}

export interface TrainRequest {
  data: WindowedData;
  architecture: Architecture;
  seed: number;
  /** Hooks contributed by pruning plugins that act during training. */
  hooks: TrainingHooks[];
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

export interface PruneRequest {
  /** The trained model. Do not modify it: other runs reuse it. */
  model: LayersModel;
  architecture: Architecture;
  data: WindowedData;
  seed: number;
}

export interface PrunedLayer {
  layer: string;
  /** The |w| threshold used; weights with |w| <= threshold were zeroed. */
  threshold: number;
  total: number;
  kept: number;
  before: Float32Array;
  after: Float32Array;
}

export interface PruneResult {
  /** A new model with the pruned weights (the original is left untouched). */
  model: LayersModel;
  layers: PrunedLayer[];
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

export interface LayerCount {
  name: string;
  params: number;
  nonzero: number;
}

export interface ModelReport {
  mse: number;
  rmse: number;
  mae: number;
  r2: number;
  layers: LayerCount[];
  totalParams: number;
  nonzeroParams: number;
  compressionRatio: number;
  size: { denseBytes: number; sparseBytes: number; gzipBytes: number };
  inference: { medianMs: number; p10Ms: number; p90Ms: number; repeats: number; windows: number };
  memory: { peakTensorBytes: number; rssBytes: number };
}

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
  /** A seeded generator in [0, 1); use it instead of Math.random so runs repeat exactly. */
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
   * Prune plugins only: hooks into training (gradual pruning). A pruner that has them gets a
   * training of its own instead of sharing one with the other pruners.
   */
  trainingHooks?: S extends 'prune' ? (options: O, ctx: StageContext) => TrainingHooks : never;
}

export type AnyPlugin = { [S in Slot]: Plugin<S> }[Slot];

/** Identity helper that gives a plugin its types: `export default definePlugin({...})`. */
export function definePlugin<S extends Slot, O>(plugin: Plugin<S, O>): Plugin<S, O> {
  return plugin;
}
