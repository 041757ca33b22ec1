// Turns the hooks that apply to one training into the single TrainingEvents object a trainer
// calls. Core uses it to wire pruners' hooks into training; a test or a script that trains a
// model directly passes `trainingEvents([])`.
import type { LayersModel, TrainingEvents, TrainingHooks } from './api.ts';

export function trainingEvents(hooks: readonly TrainingHooks[]): TrainingEvents {
  const each = async (call: (hook: TrainingHooks) => void | Promise<void>) => {
    for (const hook of hooks) await call(hook);
  };
  return {
    wantsBatchEvents: hooks.some((h) => h.onBatchEnd !== undefined),
    trainBegin: (model) => each((h) => h.onTrainBegin?.(model)),
    batchEnd: (model, step) => each((h) => h.onBatchEnd?.(model, step)),
    epochEnd: (model, epoch, logs) => each((h) => h.onEpochEnd?.(model, epoch, logs)),
    mayRestoreBest: (model: LayersModel, bestEpoch: number) => hooks.every((h) => h.allowRestoreBest?.(model, bestEpoch) ?? true),
    restoredBest: (model) => each((h) => h.onRestoreBest?.(model)),
    trainEnd: (model) => each((h) => h.onTrainEnd?.(model)),
  };
}

/** One set of hooks that calls each of `all` in order; restoring the best epoch needs every one's consent. */
export function chainHooks(...all: TrainingHooks[]): TrainingHooks {
  const events = trainingEvents(all);
  return {
    onTrainBegin: events.trainBegin,
    onBatchEnd: events.batchEnd,
    onEpochEnd: events.epochEnd,
    allowRestoreBest: events.mayRestoreBest,
    onRestoreBest: events.restoredBest,
    onTrainEnd: events.trainEnd,
  };
}
