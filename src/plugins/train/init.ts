// What the tfjs trainer does before and after its epochs, shared by one seed's training (tfjs.ts)
// and many seeds' at once (stacked.ts): the seeded initialisation with its dead-model redraws, the
// optimizer, and the dead-model verdict at the end.
import { buildModel } from '../../plugin/kit/model.ts';
import { ErrorCode, RunexpError } from '../../plugin/index.ts';
import type { LayersModel, Tf, TrainRequest } from '../../plugin/index.ts';

export function makeOptimizer(tf: Tf, name: 'adam' | 'sgd' | 'rmsprop', learningRate: number) {
  if (name === 'sgd') return tf.train.sgd(learningRate);
  if (name === 'rmsprop') return tf.train.rmsprop(learningRate);
  return tf.train.adam(learningRate);
}

/** Spread of a model's predictions; 0 means a constant (dead) model. */
export function outputSpread(tf: Tf, model: LayersModel, x: InstanceType<Tf['Tensor']>): number {
  return tf.tidy(() => {
    const out = model.predict(x) as InstanceType<Tf['Tensor']>;
    return out.max().sub(out.min()).dataSync()[0];
  });
}

const lastActivation = (layers: readonly object[]) => (layers.at(-1) as { activation?: string } | undefined)?.activation;

/** What to try for a dead model, for the architecture it is: a ReLU output, or hidden layers that stopped responding. */
function deadModelHint(lastActivation: string | undefined, deadAtStart: boolean, redrawDeadInit: number): string {
  if (lastActivation === 'relu') {
    const draw = deadAtStart ? `raise train.redrawDeadInit (now ${redrawDeadInit}), ` : 'lower train.learningRate, ';
    return `the ReLU output layer (activation: relu on the last layer) outputs 0 for every window: ${draw}try another seed, or use activation: linear on the last layer`;
  }
  return `the last layer is ${lastActivation ?? 'linear'}, so a hidden ReLU layer stopped responding to every window${deadAtStart ? ' from the start' : ' during training'}: lower train.learningRate, try another seed${deadAtStart ? `, or raise train.redrawDeadInit (now ${redrawDeadInit})` : ''}`;
}

/**
 * The seed's initial model. A ReLU output layer whose initial weights give a negative
 * pre-activation for every input is dead before training starts (no gradient reaches it):
 * draw again, up to `redrawDeadInit` times, with seeds derived from the request's.
 */
export function initialModel(tf: Tf, req: TrainRequest, redrawDeadInit: number, xTrain: InstanceType<Tf['Tensor']>) {
  const { data } = req;
  let redraws = 0;
  let model = buildModel(tf, req.architecture, [data.lookback, data.features], req.seed);
  if (req.init) model.setWeights(req.init.getWeights());
  while (!req.init && redraws < redrawDeadInit && !(outputSpread(tf, model, xTrain) > 1e-6)) {
    model.dispose();
    redraws++;
    model = buildModel(tf, req.architecture, [data.lookback, data.features], req.seed + redraws * 1_000_003);
  }
  return { model, redraws, deadAtStart: !(outputSpread(tf, model, xTrain) > 1e-6) };
}

/** The error of a trained model whose output is constant on every validation window. */
export function deadModelError(req: TrainRequest, redraws: number, deadAtStart: boolean, redrawDeadInit: number): RunexpError {
  return new RunexpError(
    ErrorCode.DEAD_MODEL,
    `the trained model is dead: its output is constant on all ${req.data.validation.count} validation windows${redraws ? ` (after ${redraws} redrawn initialisations)` : ''}${deadAtStart ? ', and was from the start' : ', after training'}`,
    deadModelHint(lastActivation(req.architecture.layers), deadAtStart, redrawDeadInit),
  );
}
