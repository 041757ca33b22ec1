// Trains an architecture with TensorFlow.js. Reproducible: initialisers are seeded (buildModel)
// and each epoch's shuffle uses the run's seeded generator instead of fit()'s Math.random.
// A model whose output is constant (a dead ReLU output layer) fails the run instead of being scored.
import { disposeModel } from '../../plugin/kit/model.ts';
import { definePlugin, ErrorCode, RunexpError } from '../../plugin/index.ts';
import { permutation } from '../../plugin/kit/data.ts';
import type { Tf } from '../../plugin/index.ts';
import { trainEpoch, validationLoss } from './loop.ts';
import { deadModelError, initialModel, makeOptimizer, outputSpread } from './init.ts';
import { trainerOptions } from './options.ts';
import { trainStacked } from './stacked.ts';

export default definePlugin({
  slot: 'train',
  name: 'tfjs',
  description: 'TensorFlow.js training (tfjs-node, wasm or cpu backend) with seeded shuffling and early stopping.',
  options: trainerOptions,
  axes: ['epochs', 'learningRate', 'batchSize'],
  runStacked: (requests, options, contexts) => trainStacked(requests, options, contexts),
  run: async (req, options, ctx) => {
    const { tf } = ctx;
    const { data } = req;
    const shape = (n: number): [number, number, number] => [n, data.lookback, data.features];
    const xTrain = tf.tensor3d(data.train.x, shape(data.train.count));
    const { model, redraws, deadAtStart } = initialModel(tf, req, options.redrawDeadInit, xTrain);
    model.compile({ optimizer: makeOptimizer(tf, options.optimizer, options.learningRate), loss: options.loss });
    const yTrain = tf.tensor2d(data.train.y, [data.train.count, 1]);
    const xVal = tf.tensor3d(data.validation.x, shape(data.validation.count));
    const yVal = tf.tensor2d(data.validation.y, [data.validation.count, 1]);
    const started = performance.now();
    const loss: number[] = [];
    const valLoss: number[] = [];
    let best = Infinity;
    let bestEpoch = 0;
    let bestWeights: InstanceType<Tf['Tensor']>[] | undefined;
    let peakTensorBytes = tf.memory().numBytes;
    let dead = false;
    try {
      await req.events.trainBegin(model);
      // Per-batch events only when a hook listens.
      let step = 0;
      const afterBatch = req.events.wantsBatchEvents ? async () => req.events.batchEnd(model, step++) : undefined;
      const epochs = req.epochs ?? options.epochs;
      for (let epoch = 0; epoch < epochs; epoch++) {
        const order = tf.tensor1d(Int32Array.from(permutation(data.train.count, ctx.random)), 'int32');
        const xs = tf.gather(xTrain, order);
        const ys = tf.gather(yTrain, order);
        peakTensorBytes = Math.max(peakTensorBytes, tf.memory().numBytes);
        const epochLoss = await trainEpoch(tf, model, options.loss, xs, ys, options.batchSize, afterBatch);
        tf.dispose([order, xs, ys]);
        const epochValLoss = validationLoss(tf, model, options.loss, xVal, yVal, options.batchSize);
        loss.push(epochLoss);
        valLoss.push(epochValLoss);
        await req.events.epochEnd(model, epoch, { loss: epochLoss, valLoss: epochValLoss });
        if (!Number.isFinite(epochLoss))
          throw new RunexpError(
            ErrorCode.PLUGIN,
            `training diverged: loss is ${epochLoss} at epoch ${epoch + 1}`,
            'lower the learning rate',
          );
        if (options.earlyStopping === false) continue;
        if (epochValLoss < best - options.earlyStopping.minDelta) {
          best = epochValLoss;
          bestEpoch = epoch;
          if (options.earlyStopping.restoreBest) {
            tf.dispose(bestWeights ?? []);
            bestWeights = model.getWeights().map((w) => w.clone());
          }
        } else if (epoch - bestEpoch >= options.earlyStopping.patience) {
          break;
        }
      }
      // A pruner whose masks postdate the best epoch may forbid restoring it.
      if (bestWeights && req.events.mayRestoreBest(model, bestEpoch + 1)) {
        model.setWeights(bestWeights);
        await req.events.restoredBest(model);
      }
      await req.events.trainEnd(model);
      dead = !(outputSpread(tf, model, xVal) > 1e-6);
      if (dead && !req.keepDead) throw deadModelError(req, redraws, deadAtStart, options.redrawDeadInit);
    } catch (err) {
      // With its optimizer: Adam keeps two variables of its own, which would otherwise leak.
      disposeModel(model);
      throw err;
    } finally {
      tf.dispose([xTrain, yTrain, xVal, yVal, ...(bestWeights ?? [])]);
    }
    if (options.earlyStopping === false) bestEpoch = loss.length - 1;
    return {
      model,
      epochs: loss.length,
      bestEpoch: bestEpoch + 1,
      loss,
      valLoss,
      timeMs: performance.now() - started,
      peakTensorBytes,
      redraws,
      ...(dead ? { dead } : {}),
    };
  },
});
