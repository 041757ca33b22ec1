// Many seeds of one model trained as one computation: every weight carries a leading seed axis,
// and each step is one pass of batched kernels (the layer kinds' StackedGradient) instead of one
// pass per seed. Training a model this small is mostly dispatch (about 40 kernel launches a step,
// each costing more than its arithmetic), so ten seeds stacked cost little more than one.
//
// Each seed keeps what it would have alone: its own initialisation and dead-init redraws
// (init.ts), its own shuffle from its own generator, its own Adam moments, early stopping and best
// epoch — and, for pruners' trainings, its own starting weights, epoch limit and masks held
// (stacked-masks.ts). The arithmetic is the same float32 operations in the same order, so each
// seed's weights, losses and epochs are those of tfjs.ts's `run` to the last bit
// (test/unit/stacked.test.ts); a seed that stops leaves the stack. Only on the wasm backend, with
// Adam and layer kinds that have a stacked pass; elsewhere trainStacked answers undefined and the
// seeds train one by one.
import type { LayersModel, StageContext, Tf, TrainRequest, TrainResult } from '../../plugin/index.ts';
import { disposeModel, kindOfLayer, type StackedGradient } from '../../plugin/kit/model.ts';
import { applyMasks } from '../../plugin/kit/prune.ts';
import { permutation } from '../../plugin/kit/data.ts';
import { ErrorCode, RunexpError } from '../../plugin/index.ts';
import { deadModelError, initialModel, makeOptimizer, outputSpread } from './init.ts';
import type { TrainerOptions } from './options.ts';
import { StackedAdam } from './stacked-adam.ts';
import { maskedVariables, StackedMasks } from './stacked-masks.ts';
import { StackedEpoch } from './stacked-data.ts';
import { byLayer, trainEpoch } from './stacked-step.ts';

type Tensor = InstanceType<Tf['Tensor']>;
type Variable = InstanceType<Tf['Variable']>;

/** One seed's training while it is in the stack. */
interface Seed {
  index: number;
  req: TrainRequest;
  ctx: StageContext;
  model: LayersModel;
  redraws: number;
  deadAtStart: boolean;
  loss: number[];
  valLoss: number[];
  best: number;
  bestEpoch: number;
  bestWeights?: Tensor[];
}

/** The layers' stacked passes, or undefined when one has none. */
function stackedLayers(tf: Tf, model: LayersModel): StackedGradient[] | undefined {
  const passes: StackedGradient[] = [];
  for (const [i, layer] of model.layers.entries()) {
    const pass = kindOfLayer(layer).stacked?.(tf, layer, i === 0);
    if (!pass) return undefined;
    passes.push(pass);
  }
  return passes;
}

/**
 * The seeds' own weights out of the stacked ones: for each seed index, one tensor per variable in
 * the seed's shape. Tensors of their own, not reshaped slices: wasm's kernels read a shape kept per
 * buffer, and a slice's buffer keeps the slice's (a Dense layer given a [1, 120] bias buffer refuses it).
 */
function unstack(tf: Tf, variables: readonly Tensor[], seeds: readonly number[]): Map<number, Tensor[]> {
  const out = new Map<number, Tensor[]>(seeds.map((s) => [s, []]));
  for (const v of variables) {
    const shape = v.shape.slice(1);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = v.dataSync() as Float32Array;
    for (const s of seeds) out.get(s)!.push(tf.tensor(values.slice(s * size, (s + 1) * size), shape));
  }
  return out;
}

export async function trainStacked(
  requests: TrainRequest[],
  options: TrainerOptions,
  contexts: StageContext[],
): Promise<Array<TrainResult | Error> | undefined> {
  const { tf } = contexts[0];
  if (requests.length < 2 || options.optimizer !== 'adam') return undefined;
  if (requests.some((r) => r.events.wantsBatchEvents || r.epochs === 0)) return undefined;
  const { data } = requests[0];
  const shape = (n: number): [number, number, number] => [n, data.lookback, data.features];
  const xTrain = tf.tensor3d(data.train.x, shape(data.train.count));
  const seeds: Seed[] = [];
  let layers: StackedGradient[] | undefined;
  try {
    for (const [index, req] of requests.entries()) {
      const { model, redraws, deadAtStart } = initialModel(tf, req, options.redrawDeadInit, xTrain);
      seeds.push({ index, req, ctx: contexts[index], model, redraws, deadAtStart, loss: [], valLoss: [], best: Infinity, bestEpoch: 0 });
      // Masks on weights that do not train cannot be held in the stack: such a request trains alone.
      if (req.masks && !maskedVariables(model, req.masks)) return undefined;
      // maskHooks' onTrainBegin: the masks hold from the first step.
      if (req.masks) applyMasks(tf, model, req.masks);
    }
    layers = stackedLayers(tf, seeds[0].model);
  } finally {
    xTrain.dispose();
    if (!layers) seeds.forEach((s) => disposeModel(s.model));
  }
  // From here on, trainSeeds disposes every model it does not return.
  return layers && (await trainSeeds(tf, seeds, layers, options));
}

async function trainSeeds(tf: Tf, seeds: Seed[], layers: StackedGradient[], options: TrainerOptions): Promise<Array<TrainResult | Error>> {
  const { data } = seeds[0].req;
  const results: Array<TrainResult | Error> = new Array(seeds.length);
  // The stacked weights: one variable per trainable weight, seeds along the first axis.
  let variables: Variable[] = seeds[0].model.trainableWeights.map((_, w) =>
    variableOf(tf, tf.stack(seeds.map((s) => (s.model.trainableWeights[w] as unknown as { read(): Tensor }).read()))),
  );
  const optimizer = makeOptimizer(tf, 'adam', options.learningRate);
  const adam = new StackedAdam(tf, optimizer as unknown as ConstructorParameters<typeof StackedAdam>[1], variables);
  optimizer.dispose();
  const masks = new StackedMasks(
    tf,
    seeds[0].model,
    seeds.map((s) => s.req.masks ?? []),
  );
  const counts = seeds[0].model.layers.map((layer) => layer.trainableWeights.length);
  // A seed's own epoch limit (a pruner's `epochs`), else the trainer's.
  const epochsOf = (s: Seed) => s.req.epochs ?? options.epochs;
  const epoch = new StackedEpoch(tf, data, options.batchSize);
  let active = seeds;
  let peakTensorBytes = tf.memory().numBytes;
  const started = performance.now();

  /** Seed s leaves the stack: its final (or best) weights go into its own model, then its verdict. */
  const finish = (s: Seed, error?: Error) => {
    const position = active.indexOf(s);
    if (!error) {
      const restore = s.bestWeights && options.earlyStopping !== false && options.earlyStopping.restoreBest;
      const own = restore ? s.bestWeights! : unstack(tf, variables, [position]).get(position)!;
      s.model.setWeights(own);
      if (!restore) tf.dispose(own);
      // maskHooks' onRestoreBest and onTrainEnd (the weights already hold the masks: as alone).
      if (s.req.masks) applyMasks(tf, s.model, s.req.masks);
      const dead = !(outputSpread(tf, s.model, epoch.xVal) > 1e-6);
      if (dead && !s.req.keepDead) error = deadModelError(s.req, s.redraws, s.deadAtStart, options.redrawDeadInit);
      else {
        s.model.compile({ optimizer: makeOptimizer(tf, 'adam', options.learningRate), loss: options.loss });
        results[s.index] = {
          model: s.model,
          epochs: s.loss.length,
          bestEpoch: (options.earlyStopping === false ? s.loss.length - 1 : s.bestEpoch) + 1,
          loss: s.loss,
          valLoss: s.valLoss,
          timeMs: 0, // each seed's share, set at the end
          peakTensorBytes: 0,
          redraws: s.redraws,
          ...(dead ? { dead } : {}),
        };
      }
    }
    tf.dispose(s.bestWeights ?? []);
    if (error) {
      results[s.index] = error;
      disposeModel(s.model);
    }
  };

  try {
    for (let e = 0; active.length > 0; e++) {
      const batches = epoch.shuffled(active.map((s) => permutation(data.train.count, s.ctx.random)));
      peakTensorBytes = Math.max(peakTensorBytes, tf.memory().numBytes);
      const losses = trainEpoch(tf, layers, counts, variables, adam, options.loss, batches, data.train.count, masks);
      tf.dispose(batches.flatMap((b) => [b.x, b.y]));
      const valLosses = epoch.validationLoss(layers, byLayer(counts, variables), active.length, options.loss);
      const leaving: Array<[Seed, Error | undefined]> = [];
      const improved: number[] = [];
      active.forEach((s, i) => {
        s.loss.push(losses[i]);
        s.valLoss.push(valLosses[i]);
        if (!Number.isFinite(losses[i])) {
          const diverged = new RunexpError(
            ErrorCode.PLUGIN,
            `training diverged: loss is ${losses[i]} at epoch ${e + 1}`,
            'lower the learning rate',
          );
          return void leaving.push([s, diverged]);
        }
        let stops = false;
        if (options.earlyStopping !== false) {
          if (valLosses[i] < s.best - options.earlyStopping.minDelta) {
            s.best = valLosses[i];
            s.bestEpoch = e;
            if (options.earlyStopping.restoreBest) improved.push(i);
          } else stops = e - s.bestEpoch >= options.earlyStopping.patience;
        }
        if (stops || e + 1 >= epochsOf(s)) leaving.push([s, undefined]);
      });
      for (const [i, weights] of unstack(tf, variables, improved)) {
        tf.dispose(active[i].bestWeights ?? []);
        active[i].bestWeights = weights;
      }
      if (leaving.length === 0) continue;
      for (const [s, error] of leaving) finish(s, error);
      const kept = active.flatMap((s, i) => (leaving.some(([l]) => l === s) ? [] : [i]));
      variables = keepSeeds(tf, adam, masks, variables, kept);
      active = kept.map((i) => active[i]);
    }
    for (const s of [...active]) finish(s);
  } finally {
    tf.dispose(variables);
    adam.dispose();
    epoch.dispose();
    for (const s of seeds) if (!results[s.index]) disposeModel(s.model);
  }
  const timeMs = performance.now() - started;
  for (const result of results) {
    if (result instanceof Error) continue;
    result.timeMs = timeMs / seeds.length;
    result.peakTensorBytes = peakTensorBytes;
    result.stack = { seeds: seeds.length, timeMs };
  }
  return results;
}

/** A variable of its own holding `t`'s values (t is disposed): Adam updates it in place. */
function variableOf(tf: Tf, t: Tensor): Variable {
  const variable = tf.variable(t);
  t.dispose();
  return variable;
}

/** The stack without the seeds that left it: the variables and Adam's moments of `kept` only. */
function keepSeeds(tf: Tf, adam: StackedAdam, masks: StackedMasks, variables: Variable[], kept: number[]): Variable[] {
  if (kept.length === 0) return variables;
  adam.keep(kept);
  masks.keep(kept);
  return variables.map((v) => {
    const next = variableOf(tf, tf.gather(v, kept));
    v.dispose();
    return next;
  });
}
