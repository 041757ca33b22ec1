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
import type { Series, WindowedData, WindowRequest } from './data-api.ts';
import type { ModelQuantization } from './quantization.ts';
import type { LayersModel, Tensor, Tf } from './tf.ts';
import type { RetrainOptions, TrainingHooks, TrainRequest, TrainResult, TrainingSummary } from './training-api.ts';

export type { LayersModel, Tensor, Tf };

export const SLOTS = ['fetch', 'window', 'train', 'prune', 'compact', 'measure'] as const;
/** One of the six stages a plugin fills: fetch, window, train, prune, compact, measure. */
export type Slot = (typeof SLOTS)[number];

export type { Series, SeriesFeature, WindowedData, WindowRequest, WindowSet } from './data-api.ts';
export type { RetrainOptions, TrainingEvents, TrainingHooks, TrainingSummary, TrainRequest, TrainResult } from './training-api.ts';

// ---------- stages ----------

/**
 * What a prune plugin is given: the model to prune (never to be modified), the dense model, the
 * architecture, the data, the seed, and a trainer for its own trainings.
 */
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

/**
 * One pruned weight of one layer: how many weights there were and are left, how they were chosen, and their
 * values before and after.
 */
export interface PrunedLayer {
  layer: string;
  /** The weight pruned, as its layer kind names it (`recurrentKernel`, …); the kernel when absent. */
  weight?: string;
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

/**
 * A prune plugin's answer: the pruned model, what it pruned per layer (counts are checked against the model)
 * and data for its compactor.
 */
export interface PruneResult {
  /** A new model with the pruned weights (the original is left untouched). */
  model: LayersModel;
  layers: PrunedLayer[];
  /** Passed to the compactor and stored in the record; must survive JSON. */
  data?: PruneData;
}

/** What a compact plugin is given: the dense model ("original"), the pruner's result, the architecture and the windows. */
export interface CompactRequest {
  original: LayersModel;
  pruned: PruneResult;
  architecture: Architecture;
  /** The run's windows, which a compactor may calibrate on (the training split only); runexp always gives them. */
  data?: WindowedData;
}

/**
 * A compact plugin's answer: the compact model (it must reproduce the pruned model's outputs) and its
 * architecture.
 */
export interface CompactResult {
  model: LayersModel;
  /** The compact model's architecture: the same as the original's, or smaller (structured pruning). */
  architecture: Architecture;
  /**
   * How its weights were quantised, when they were (the quantize compactor): the model holds the
   * dequantised values; the measure stage stores and exports it as int8 or float16 from this.
   */
  quantization?: ModelQuantization;
}

/** What a measure plugin is given: the models to measure, by name, and the windowed data. */
export interface MeasureRequest {
  models: Record<string, LayersModel>;
  data: WindowedData;
  /** For each quantised model, by name, how its weights were quantised (CompactResult.quantization). */
  quantization?: Record<string, ModelQuantization>;
}

export type { LayerCount, ModelReport } from './model-report.ts';

/** A measure plugin's answer: a report per model, the test-period predictions and files to keep. */
export interface MeasureResult {
  reports: Record<string, ModelReport>;
  /** Test-period prices: actual and each model's prediction, aligned with `dates`. */
  predictions: { dates: string[]; actual: number[]; byModel: Record<string, number[]> };
  /**
   * Files to keep in the run folder, by relative path (e.g. `compact/model.onnx`), with their
   * checksums in the record. They may not replace runexp's own artifacts.
   */
  files?: Record<string, Uint8Array>;
}

// ---------- contexts ----------

/** Where a plugin writes a line of its log: kept in the run's record (ctx.log). */
export type Logger = (message: string) => void;

/** What a fetch plugin is given besides the ticker: the spec's folder, a cache folder and a logger. */
export interface FetchContext {
  /** Directory of the spec file: relative paths in options resolve against it. */
  specDir: string;
  /** Where a plugin may cache downloads; absent when nothing may be written (`runexp validate`). */
  cacheDir?: string;
  log: Logger;
}

/** What every stage but fetch is given: tfjs, the run's seed, a seeded random generator and a logger. */
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

/**
 * A plugin of one slot: its name, its options' schema (and which are grid axes), and run; pruners may add
 * training hooks, what they retrain, their compactor, what they refuse and what they declare.
 */
// biome-ignore lint/suspicious/noExplicitAny: a plugin of any options must be assignable to Plugin<S> (options are checked by its own schema)
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
   * Train plugins only: trains several seeds' models as one computation. The requests share data,
   * architecture and options, differ only in seed and carry no hooks; each seed must come out as
   * `run` would train it alone (runexp checks this for the built-in trainer, test/unit/stacked.test.ts).
   * Resolves to one result or error per request, in order, or to undefined when this trainer cannot
   * stack these (a layer kind without a stacked pass, another backend): runexp then calls `run` per seed.
   */
  runStacked?: S extends 'train'
    ? (requests: TrainRequest[], options: O, contexts: StageContext[]) => Promise<Array<TrainResult | Error> | undefined>
    : never;
  /**
   * Prune plugins only: hooks into training (gradual pruning). A pruner that has them trains a
   * model of its own with them; the dense model is still trained once and stays "original".
   */
  trainingHooks?: S extends 'prune' ? (options: O, ctx: StageContext) => TrainingHooks : never;
  /**
   * Prune plugins only: the weights the pruner may change besides zeroing the kernels it reports,
   * because it trains them ('all', or the names of the layers it retrains). Without it, runexp
   * checks that nothing else changed (check-plugin fails such a pruner; a run warns).
   */
  retrains?: S extends 'prune' ? 'all' | readonly string[] : never;
  /**
   * Prune plugins only: the compact plugin its results need (a built-in name, or a path relative
   * to this plugin's file, or `{plugin, ...options}`). Without it the spec's `compact` is used.
   */
  compactor?: S extends 'prune' ? string | ({ plugin: string } & Record<string, unknown>) : never;
  /**
   * Prune plugins only: what runexp needs to know about this pruner with these options, so that it
   * never reads a plugin's options by name. runexp checks that the model it returns holds the
   * declared sparsity, stores the declaration in the record, and reports group and sort by it.
   */
  declares?: S extends 'prune' ? (options: O) => PrunerDeclaration : never;
  /**
   * Compact plugins only: how far the compact model's outputs may be from the pruned model's
   * (`runexp check-plugin` checks it); 1e-5 when not given. A compactor that only moves weights
   * (copy, structured) reproduces the pruned model; one that rounds them (quantize) declares how much.
   */
  tolerance?: S extends 'compact' ? (options: O) => number : never;
  /**
   * Compact plugins only: true when it works on any model, including one another compactor built
   * (quantize does). A pruner with a compactor of its own (structured) then runs twice per such
   * compactor in the spec's `compact`: with its own compactor alone, and followed by this one.
   */
  follows?: S extends 'compact' ? boolean : never;
  /**
   * Prune and compact plugins: why this plugin, with these options, cannot work on an architecture
   * of the spec (undefined when it can). `runexp validate` asks it for every architecture of the
   * grid, so that a pruner that could never run on one fails there, pointing at the pruner,
   * instead of every run of that architecture after its training.
   */
  refuses?: S extends 'prune' | 'compact'
    ? (architecture: Architecture, options: O) => { problem: string; hint?: string } | undefined
    : never;
}

/** What a pruner declares about a run (Plugin.declares). */
export interface PrunerDeclaration {
  /** The fraction it removes: of its target weights, or of units where `removes` is 'units'. */
  sparsity?: number;
  /** What the sparsity counts: single weights (the default) or whole units (structured pruning). */
  removes?: 'weights' | 'units';
  /** This run is a control of the named kind (e.g. 'random': the same counts, chosen at random). */
  control?: string;
}

export type AnyPlugin = { [S in Slot]: Plugin<S> }[Slot];

/** Identity helper that gives a plugin its types: `export default definePlugin({...})`. */
export function definePlugin<S extends Slot, O>(plugin: Plugin<S, O>): Plugin<S, O> {
  return plugin;
}
