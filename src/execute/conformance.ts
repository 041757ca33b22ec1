// `runexp check-plugin`: runs a pruning plugin on small, really trained models and tests the
// properties every pruner should have (conformance-checks.ts). The plugin is resolved exactly as
// a spec would resolve it, so what passes here loads the same way in an experiment.
import type { AnyPlugin, CompactResult, LayersModel, Plugin, PruneResult, RetrainOptions, Tf, TrainingHooks } from '../plugin/api.ts';
import { type Architecture, disposeModel } from '../plugin/architecture.ts';
import { underDeadline } from '../plugin/deadlines.ts';
import { ErrorCode, serializeError } from '../plugin/errors.ts';
import { weightsOf } from '../plugin/weights.ts';
import { chainHooks } from '../plugin/training-events.ts';
import { importPlugin } from '../spec/plugin-source.ts';
import type { PluginInstance } from '../spec/plugin-refs.ts';
import { type Compactor, compactorOf, compactorsToCheck, resolvePruner } from './conformance-plugins.ts';
import * as check from './conformance-checks.ts';
import { na } from './sparsity-check.ts';
import { LAB_ARCHITECTURES, labRequest, smallLab, type Lab } from './small-lab.ts';
import { stageContext } from './stages.ts';

export interface ConformanceResult {
  options: Record<string, unknown>;
  architecture: string;
  properties: check.PropertyResult[];
}

/** Seeds each property is checked on: a pruner that misbehaves for some seeds only is caught. */
export const CHECK_SEEDS = [1, 2, 3];

/** How long a whole check may take by default (seconds): the lab's models are small, a check takes about a minute. */
export const CHECK_SECONDS = 600;

/**
 * Checks a pruner on the lab's architectures and seeds. The whole check runs under one deadline
 * (`seconds`), and every call into the plugin announces itself within it: a pruner that never
 * settles or never yields is stopped and named (see plugin/deadlines.ts).
 */
export async function checkPrunePlugin(
  tf: Tf,
  ref: string,
  options: Record<string, unknown>,
  { cwd = process.cwd(), seeds = CHECK_SEEDS, seconds = CHECK_SECONDS } = {},
): Promise<ConformanceResult[]> {
  return underCheckDeadline(ref, seconds, (within) => checkAll(tf, ref, options, cwd, seeds, within));
}

/**
 * Checks a compactor: the built-in magnitude pruner at 50% on the lab's architectures and seeds,
 * then the compactor with `options` (each axis combination); besides every property of a check,
 * its size (quantised: stored smaller than float32) and its ONNX file on ONNX Runtime.
 */
export async function checkCompactPlugin(
  tf: Tf,
  ref: string,
  options: Record<string, unknown>,
  { cwd = process.cwd(), seeds = CHECK_SEEDS, seconds = CHECK_SECONDS } = {},
): Promise<ConformanceResult[]> {
  return underCheckDeadline(ref, seconds, async (within) =>
    checkAll(tf, 'magnitude', { sparsity: 0.5 }, cwd, seeds, within, await compactorsToCheck(ref, options, cwd)),
  );
}

/**
 * Runs a whole check under one deadline of `seconds`. Each call into a plugin shares it (through
 * `within`): the check is what passes it, and the call running then is named as what kept it busy.
 */
function underCheckDeadline<T>(ref: string, seconds: number, run: (within: Within) => Promise<T>): Promise<T> {
  const endsAt = Date.now() + seconds * 1000;
  return underDeadline(
    'check-plugin',
    ref,
    seconds,
    () => run((stage, plugin, fn) => underDeadline(stage, plugin, seconds, fn, endsAt)),
    endsAt,
  );
}

/** Runs `fn`, a call into plugin `plugin`'s `stage`, within the check's deadline. */
type Within = <T>(stage: string, plugin: string, fn: () => Promise<T>) => Promise<T>;

async function checkAll(
  tf: Tf,
  ref: string,
  options: Record<string, unknown>,
  cwd: string,
  seeds: number[],
  within: Within,
  compactors?: Compactor[],
): Promise<ConformanceResult[]> {
  const instances = await resolvePruner(ref, options, cwd);
  const lab = await smallLab(tf);
  const results: ConformanceResult[] = [];
  for (const instance of instances) {
    const pruner = (await importPlugin(instance.module)) as unknown as Plugin<'prune'>;
    for (const compactor of compactors ?? [await compactorOf(instance, cwd)]) {
      const checked = compactor.subject ? compactor.options : instance.options;
      for (const architecture of LAB_ARCHITECTURES) {
        // What a spec would refuse at validate time is not run here either: shown as n/a, with the reason.
        const refusal = refusalOn(architecture, [pruner, instance.options], [compactor.plugin, compactor.options]);
        if (refusal) {
          results.push({ options: checked, architecture: architecture.name, properties: [na('it runs on this architecture', refusal)] });
          continue;
        }
        const perSeed: check.PropertyResult[][] = [];
        for (const seed of seeds) perSeed.push(await checkOn({ lab, pruner, instance, compactor, architecture, seed, within }));
        results.push({ options: checked, architecture: architecture.name, properties: check.mergeSeeds(perSeed, seeds) });
      }
    }
  }
  return results;
}

/** Why a pruner or compactor (with its options) refuses an architecture (Plugin.refuses), if one does. */
function refusalOn(architecture: Architecture, ...plugins: [AnyPlugin, Record<string, unknown>][]): string | undefined {
  for (const [plugin, options] of plugins) {
    const refusal = (plugin.refuses as ((a: Architecture, o: unknown) => { problem: string } | undefined) | undefined)?.(
      architecture,
      options,
    );
    if (refusal) return `the ${plugin.name} ${plugin.slot === 'prune' ? 'pruner' : 'compactor'} refuses it: ${refusal.problem}`;
  }
  return undefined;
}

interface CheckCase {
  lab: Lab;
  pruner: Plugin<'prune'>;
  instance: PluginInstance;
  compactor: Compactor;
  architecture: (typeof LAB_ARCHITECTURES)[number];
  seed: number;
  within: Within;
}

async function checkOn({ lab, pruner, instance, compactor, architecture, seed, within }: CheckCase): Promise<check.PropertyResult[]> {
  const { tf } = lab;
  const models = new Set<LayersModel>();
  const { request, trainer } = await labRequest(lab, architecture, seed, models);
  const dense = request.dense;
  const watch = check.maskWatcher();
  // Every training the pruner asks for is watched after its own hooks have run.
  const watched = (options: RetrainOptions = {}) => trainer.train({ ...options, hooks: chain(options.hooks, watch.hooks) });
  const runOnce = async (): Promise<{ result: PruneResult; made: Set<LayersModel> }> => {
    const made = new Set<LayersModel>();
    const keep = (m: LayersModel) => {
      made.add(m);
      return m;
    };
    let model = dense;
    if (pruner.trainingHooks) {
      const hooks = pruner.trainingHooks(instance.options, stageContext(tf, seed, seed + 1));
      const own = await within('prune', pruner.name, () => trainer.train({ hooks: chain(hooks, watch.hooks) }));
      model = keep(own.model);
    }
    const train = async (o?: RetrainOptions) => {
      const r = await watched(o);
      keep(r.model);
      return r;
    };
    const result = await within('prune', pruner.name, async () =>
      pruner.run({ ...request, model, train }, instance.options, stageContext(tf, seed)),
    );
    keep(result.model);
    return { result, made };
  };
  // Frees every model once, whoever returned it: a compactor may hand back the pruned model, or a
  // model sharing its layers, whose weights are then already gone.
  const free = (...sets: Iterable<LayersModel>[]) => {
    for (const m of new Set(sets.flatMap((set) => [...set]))) {
      models.delete(m);
      try {
        disposeModel(m);
      } catch {
        // already disposed through a model it shares its layers with
      }
    }
  };
  const tensorsBefore = tf.memory().numTensors;
  const denseBefore = weightsOf(dense);
  let first: Awaited<ReturnType<typeof runOnce>>;
  try {
    first = await runOnce();
  } catch (err) {
    // The plugin's own error, with where it was thrown, is the finding; what it left behind is freed.
    free(models);
    const error = serializeError(err, { plugin: instance.name });
    // A small model that dies while the pruner retrains it says nothing about the pruner: the other seeds decide.
    if (error.code === ErrorCode.DEAD_MODEL) return [check.deadInTraining(error)];
    return [check.ranWithoutThrowing('the pruner runs without throwing', error)];
  }
  const leftAlone = check.requestLeftAlone(denseBefore, dense, first.result);
  if (leftAlone.status === 'fail') {
    // Nothing else can be checked against an original that changed (or is the result itself).
    free(models);
    return [leftAlone];
  }
  const trained = trainer.trainings.length > 0 || pruner.trainingHooks !== undefined;
  let compact: CompactResult;
  try {
    compact = await within('compact', compactor.plugin.name, async () =>
      compactor.plugin.run(
        { original: dense, pruned: first.result, architecture, data: lab.data },
        compactor.options,
        stageContext(tf, seed),
      ),
    );
  } catch (err) {
    free(first.made, models);
    return [
      leftAlone,
      check.ranWithoutThrowing('the compactor runs without throwing', serializeError(err, { plugin: compactor.plugin.name })),
    ];
  }
  const properties = [
    leftAlone,
    check.sparsityMatches(first.result, instance.declared ?? {}),
    check.reportMatchesModel(first.result),
    check.reportsWhatItPruned(dense, first.result, pruner.retrains),
    check.masksHeld(watch, trained),
    check.untouchedUnchanged(dense, first.result, pruner.retrains),
    check.compactReproduces(tf, first.result, compact, lab.data, compactor.plugin.tolerance?.(compactor.options) ?? 1e-5),
    check.compactArchitectureValid(tf, compact, [lab.data.lookback, lab.data.features]),
    ...(compactor.subject ? [check.storedSmaller(compact), await check.runsOnOnnx(tf, compact, lab.data)] : []),
  ];
  const second = await runOnce();
  properties.splice(6, 0, check.sameResult(first.result, second.result, seed));
  // Everything both runs made, freed: what is still alive beyond the start leaked.
  free([compact.model], first.made, second.made);
  properties.splice(7, 0, check.noLeak(tensorsBefore, tf.memory().numTensors));
  free(models);
  return properties;
}

/** Hooks that call `first`'s, then `second`'s. */
function chain(first: TrainingHooks | undefined, second: TrainingHooks): TrainingHooks {
  return first ? chainHooks(first, second) : second;
}
