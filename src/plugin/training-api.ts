// Training as plugins see it: the trainer's request and result, the hooks a pruner can attach
// to a training, and the options of `req.train` (a training a pruner asks for).
import type { Architecture } from './architecture.ts';
import type { WindowedData } from './data-api.ts';
import type { LayersModel } from './tf.ts';

/** Which values of one weight variable are kept, the weight named as its layer kind names it. */
export interface WeightMask {
  layer: string;
  /** `kernel`, `recurrentKernel`, `bias`, … (layers/kinds/). */
  weight: string;
  /** 1 = kept, 0 = pruned; one entry per value, in the variable's row-major order. */
  keep: Uint8Array;
}

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

/**
 * What a train plugin is given: the windowed data, the architecture, the seed, training events and (for a
 * pruner's training) hooks and starting weights.
 */
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
  /**
   * Weights held at zero (a pruner's `req.train({ masks })`). runexp hands them to `run` as hooks
   * in `events`, so only `runStacked` sees them here: it must hold them as maskHooks would (zeroed
   * at the start, after every optimizer step and at the end), or answer undefined.
   */
  masks?: readonly WeightMask[];
  /**
   * A training a pruner caused (gradual schedule, fine-tuning, lottery level): a model that ends
   * dead (a constant output) is the pruning method's outcome, so return it with `dead: true` to be
   * scored, instead of failing. The dense original's training leaves it unset: pruning a dead
   * model would say nothing.
   */
  keepDead?: boolean;
}

/** A train plugin's answer: the trained model and its training summary (losses, epochs, time). */
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
  /** The model ended dead (constant output); only ever true when the request had `keepDead`. */
  dead?: boolean;
  /**
   * Trained as one of `seeds` seeds stacked into one computation (Plugin.runStacked): `timeMs`
   * above is this seed's share of the stack's `timeMs`, and `peakTensorBytes` is the stack's.
   */
  stack?: { seeds: number; timeMs: number };
}

/** What a training produced, without the model: stored with every result. */
export type TrainingSummary = Omit<TrainResult, 'model'>;

/**
 * How a pruner asks for one of its own trainings (req.train): from which weights, how many epochs, with
 * which hooks.
 */
export interface RetrainOptions {
  /** Start from a copy of this model's weights; absent: a fresh initialisation from `seed`. */
  from?: LayersModel;
  /** At most this many epochs, instead of the spec's `train` setting. */
  epochs?: number;
  /**
   * Weights held at zero throughout: zeroed at the start, after every optimizer step, after early
   * stopping restores its best weights and at the end — what `maskHooks` does, declared instead of
   * coded, so that runexp can train such requests of several runs as one computation (a stack).
   * Applied before `hooks`.
   */
  masks?: readonly WeightMask[];
  /** Hooks acting during this training: a pruning schedule, weights captured. A training with hooks is trained alone. */
  hooks?: TrainingHooks;
  /** The training's seed (initialisation and shuffle); the run's seed when absent. */
  seed?: number;
}
