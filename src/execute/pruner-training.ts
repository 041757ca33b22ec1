// `req.train` for pruners: trainings a pruner asks for during its own stage (fine-tuning, lottery
// levels, gradual schedules), run by the spec's trainer on the run's data and architecture. Core
// owns the models (freed with the run's others) and lists every training in the record. Trainings
// of several runs asked for at once (execute/interleave.ts) train as one stack where they can.
import type { LayersModel, Plugin, RetrainOptions, Tf, TrainRequest, TrainResult, WindowedData } from '../plugin/api.ts';
import type { Architecture } from '../plugin/architecture.ts';
import { maskHooks } from '../plugin/masks.ts';
import { trainingEvents } from '../plugin/training-events.ts';
import type { GroupTask } from './launcher.ts';
import { loadPlugin, stageContext } from './stages.ts';

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
  /** Trained in a stack of this many trainings (`timeMs` is its share of the stack's `timeMs`). */
  stack?: { seeds: number; timeMs: number };
}

export interface PrunerTrainer {
  train(options?: RetrainOptions): Promise<TrainResult>;
  readonly trainings: PrunerTrainingSummary[];
}

/** The trainer and what every training of one group shares. */
export interface TrainerSetup {
  tf: Tf;
  trainer: Plugin<'train'>;
  trainerOptions: unknown;
  architecture: Architecture;
}

/** The group's trainer, for its pruners' trainings. */
export async function groupTrainer(task: GroupTask, tf: Tf): Promise<TrainerSetup> {
  const { group } = task;
  return {
    tf,
    trainer: await loadPlugin(group.train, 'train', task, task.timeouts),
    trainerOptions: group.train.options,
    architecture: group.architecture,
  };
}

/** One training a pruner asked for: its options, on its run's data, with its run's seed. */
export interface Asked {
  options: RetrainOptions;
  data: WindowedData;
  seed: number;
}

/** The trainer's request for one training; masks become hooks unless the trainer stacks it. */
function requestOf(setup: TrainerSetup, { options, data, seed }: Asked, stacked: boolean): TrainRequest {
  const hooks = [
    ...(options.masks && !stacked ? [maskHooks(setup.tf, () => options.masks!)] : []),
    ...(options.hooks ? [options.hooks] : []),
  ];
  return {
    data,
    architecture: setup.architecture,
    seed: options.seed ?? seed,
    events: trainingEvents(hooks),
    init: options.from,
    epochs: options.epochs,
    keepDead: true,
    ...(stacked && options.masks ? { masks: options.masks } : {}),
  };
}

/** One training, alone. */
export function trainAlone(setup: TrainerSetup, asked: Asked): Promise<TrainResult> {
  const request = requestOf(setup, asked, false);
  return Promise.resolve(setup.trainer.run(request, setup.trainerOptions, stageContext(setup.tf, request.seed)));
}

/** Whether a training can join a stack: no hooks of its own, and at least one epoch. */
const stackable = (setup: TrainerSetup, { options }: Asked) =>
  setup.trainer.runStacked !== undefined && !options.hooks && options.epochs !== 0;

/**
 * Several trainings at once: those on the same windows with the same epoch limit train as one
 * stack (at most `cap` each) where the trainer can; the rest, and any stack the trainer declines,
 * one by one. One result or error per training, in order.
 */
export async function trainTogether(setup: TrainerSetup, all: readonly Asked[], cap: number): Promise<Array<TrainResult | Error>> {
  const results: Array<TrainResult | Error> = new Array(all.length);
  const stacks = new Map<string, number[]>();
  const alone: number[] = [];
  const windows = new Map<WindowedData, number>();
  all.forEach((asked, i) => {
    if (!stackable(setup, asked)) return void alone.push(i);
    if (!windows.has(asked.data)) windows.set(asked.data, windows.size);
    const key = `${windows.get(asked.data)}:${asked.options.epochs ?? ''}`;
    stacks.set(key, [...(stacks.get(key) ?? []), i]);
  });
  for (const members of stacks.values()) {
    for (let at = 0; at < members.length; at += cap) {
      const chunk = members.slice(at, at + cap);
      const requests = chunk.map((i) => requestOf(setup, all[i], true));
      const trained =
        chunk.length > 1
          ? await setup.trainer.runStacked!(
              requests,
              setup.trainerOptions,
              requests.map((r) => stageContext(setup.tf, r.seed)),
            )
          : undefined;
      if (trained) chunk.forEach((i, k) => (results[i] = trained[k]));
      else alone.push(...chunk);
    }
  }
  for (const i of alone.sort((a, b) => a - b)) {
    try {
      results[i] = await trainAlone(setup, all[i]);
    } catch (err) {
      results[i] = err instanceof Error ? err : new Error(String(err));
    }
  }
  return results;
}

/**
 * A run's `req.train`: each training through `via` (alone, or handed to the scheduler that stacks
 * the runs' trainings), its model kept for the caller to free, its summary listed.
 */
export function prunerTrainer(via: (options: RetrainOptions) => Promise<TrainResult>, keep: (model: LayersModel) => void): PrunerTrainer {
  const trainings: PrunerTrainingSummary[] = [];
  return {
    trainings,
    async train(options = {}) {
      const result = await via(options);
      keep(result.model);
      trainings.push({
        epochs: result.epochs,
        bestEpoch: result.bestEpoch,
        loss: result.loss.at(-1) ?? NaN,
        valLoss: result.valLoss.at(-1) ?? NaN,
        timeMs: result.timeMs,
        fromWeights: options.from !== undefined,
        ...(result.dead ? { dead: true } : {}),
        ...(result.stack ? { stack: result.stack } : {}),
      });
      return result;
    },
  };
}
