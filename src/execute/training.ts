// Training, owned by core. The dense model is trained once per group with no hooks: it is
// "original" for every run. A pruner with `trainingHooks` gets a training of its own, with its
// hooks wired into the trainer's events and a generator of its own, so hooks never shift the
// trainer's shuffle. Either training is reused from the cache when the task brings it.
import type { LayersModel, Plugin, Tf, TrainingSummary, WindowedData } from '../plugin/api.ts';
import { shortHash } from '../plugin/hash.ts';
import { trainingEvents } from '../plugin/training-events.ts';
import type { PluginCall, TrainGroup } from '../plan/types.ts';
import type { Timeouts } from '../spec/schema.ts';
import type { PluginPlace } from '../spec/plugin-source.ts';
import { text, type ArtifactFiles } from '../results/artifacts.ts';
import type { TrainingRecord } from '../results/record.ts';
import { loadModel, modelFiles } from './model-files.ts';
import { loadPlugin, stage, stageContext } from './stages.ts';
import { loadLayerKinds } from './layer-kinds.ts';

export interface Trained {
  model: LayersModel;
  summary: TrainingRecord;
  /** The files to cache when this training is new. */
  files?: ArtifactFiles;
}

interface TrainingSpec {
  group: TrainGroup;
  data: WindowedData;
  tf: Tf;
  place: PluginPlace;
  timeouts: Timeouts;
  cached?: ArtifactFiles;
  /** The cached training was made by a stack in this invocation (stack-task.ts), not found from an earlier one. */
  stacked?: boolean;
  /** The pruner whose hooks act during this training; none for the dense model. */
  pruner?: { call: PluginCall; plugin: Plugin<'prune'> };
}

/** The seed of a pruner's hook generator: derived from the run's seed, never equal to the trainer's. */
const hookSeed = (seed: number, pruner: PluginCall) => parseInt(shortHash({ seed, hooks: pruner }).slice(0, 8), 16);

export async function train(spec: TrainingSpec): Promise<Trained> {
  const { tf, group, data } = spec;
  await loadLayerKinds(group.architecture, spec.place, spec.timeouts.load);
  if (spec.cached) return fromCache(tf, spec.cached, !spec.stacked);
  const trainer = await loadPlugin(group.train, 'train', spec.place, spec.timeouts);
  const hooks = spec.pruner?.plugin.trainingHooks?.(
    spec.pruner.call.options,
    stageContext(tf, group.seed, hookSeed(group.seed, spec.pruner.call)),
  );
  const result = await stage('train', trainer.name, spec.timeouts, () =>
    trainer.run(
      {
        data,
        architecture: group.architecture,
        seed: group.seed,
        events: trainingEvents(hooks ? [hooks] : []),
        ...(spec.pruner ? { keepDead: true } : {}),
      },
      group.train.options,
      stageContext(tf, group.seed),
    ),
  );
  const { model, ...summary } = result;
  const { files } = await modelFiles(tf, model);
  return {
    model,
    summary: { ...summary, redraws: summary.redraws ?? 0, cached: false },
    files: { ...files, 'training.json': text(JSON.stringify(summary)) },
  };
}

async function fromCache(tf: Tf, files: ArtifactFiles, cached: boolean): Promise<Trained> {
  const summary = JSON.parse(new TextDecoder().decode(files['training.json'])) as TrainingSummary;
  return { model: await loadModel(tf, files), summary: { ...summary, redraws: summary.redraws ?? 0, cached } };
}
