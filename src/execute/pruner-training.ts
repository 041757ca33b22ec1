// `req.train` for pruners: trainings a pruner asks for during its own stage (fine-tuning, lottery
// levels, gradual schedules), run by the spec's trainer on the run's data and architecture. Core
// owns the models (freed with the run's others) and lists every training in the record.
import type { LayersModel, Plugin, RetrainOptions, Tf, TrainResult, WindowedData } from '../plugin/api.ts';
import type { Architecture } from '../plugin/architecture.ts';
import { trainingEvents } from '../plugin/training-events.ts';
import { stageContext } from './stages.ts';

/** What a pruner's training left in the record. */
export interface PrunerTrainingSummary {
  epochs: number;
  bestEpoch: number;
  loss: number;
  valLoss: number;
  timeMs: number;
  /** Whether it started from given weights (fine-tuning, rewinding) rather than a fresh init. */
  fromWeights: boolean;
  /** The model ended dead (constant output): kept, since that is the method's outcome. */
  dead?: boolean;
}

export interface PrunerTrainer {
  train(options?: RetrainOptions): Promise<TrainResult>;
  readonly trainings: PrunerTrainingSummary[];
}

interface Setup {
  tf: Tf;
  trainer: Plugin<'train'>;
  trainerOptions: unknown;
  data: WindowedData;
  architecture: Architecture;
  seed: number;
  /** Receives every model made, for the caller to free. */
  keep(model: LayersModel): void;
}

export function prunerTrainer({ tf, trainer, trainerOptions, data, architecture, seed: runSeed, keep }: Setup): PrunerTrainer {
  const trainings: PrunerTrainingSummary[] = [];
  return {
    trainings,
    async train(options = {}) {
      const seed = options.seed ?? runSeed;
      const events = trainingEvents(options.hooks ? [options.hooks] : []);
      const result = await trainer.run(
        { data, architecture, seed, events, init: options.from, epochs: options.epochs, keepDead: true },
        trainerOptions,
        stageContext(tf, seed),
      );
      keep(result.model);
      trainings.push({
        epochs: result.epochs,
        bestEpoch: result.bestEpoch,
        loss: result.loss.at(-1) ?? NaN,
        valLoss: result.valLoss.at(-1) ?? NaN,
        timeMs: result.timeMs,
        fromWeights: options.from !== undefined,
        ...(result.dead ? { dead: true } : {}),
      });
      return result;
    },
  };
}
