// Small, real models to run a pruner on outside an experiment (`runexp check-plugin`, tests):
// the bundled SPY snapshot scaled on its training part, four small architectures (the paper's
// kinds, a normalised CNN and a recurrent model), each trained
// for a few epochs with the built-in tfjs trainer. Small enough to train in a second or two.
import type { LayersModel, Plugin, PruneRequest, Slot, Tf, WindowedData } from '../plugin/api.ts';
import { createHash } from 'node:crypto';
import { type Architecture, buildModel } from '../plugin/architecture.ts';
import { importPlugin, moduleUrl } from '../spec/plugin-source.ts';
import { prunerTrainer, type PrunerTrainer, trainAlone } from './pruner-training.ts';
import { stageContext } from './stages.ts';

export const LAB_ARCHITECTURES: Architecture[] = [
  {
    name: 'small-cnn',
    layers: [
      { type: 'conv1d', filters: 4, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' },
      { type: 'flatten' },
      { type: 'dense', units: 16, activation: 'relu' },
      { type: 'dense', units: 1, activation: 'linear' },
    ],
  },
  {
    name: 'two-hidden',
    layers: [
      { type: 'conv1d', filters: 3, kernelSize: 1, strides: 1, padding: 'valid', activation: 'tanh' },
      { type: 'flatten' },
      { type: 'dense', units: 12, activation: 'relu' },
      { type: 'dense', units: 8, activation: 'sigmoid' },
      { type: 'dense', units: 1, activation: 'linear' },
    ],
  },
  {
    // Batch norm after a convolution: structured pruning must carry removed filters through it.
    name: 'normalised-cnn',
    layers: [
      { type: 'conv1d', filters: 4, kernelSize: 3, activation: 'relu' },
      { type: 'batchNormalization' },
      { type: 'maxPooling1d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 8, activation: 'tanh' },
      { type: 'dense', units: 1, activation: 'linear' },
    ],
  },
  {
    // Kernels and recurrent kernels: pruners must keep both masked through training.
    name: 'small-lstm',
    layers: [
      { type: 'lstm', units: 6 },
      { type: 'dense', units: 4, activation: 'tanh' },
      { type: 'dense', units: 1, activation: 'linear' },
    ],
  },
];

const builtin = async <S extends Slot>(slot: S, name: string) =>
  (await importPlugin(moduleUrl({ kind: 'builtin', slot, name }, { specDir: '' }))) as unknown as Plugin<S>;

export interface Lab {
  tf: Tf;
  data: WindowedData;
  trainer: Plugin<'train'>;
  trainerOptions: unknown;
}

/** SPY's last 300 trading days before its final 40: 14-day windows, scaled on the training part. */
export async function smallLab(tf: Tf, epochs = 3): Promise<Lab> {
  const snapshot = await builtin('fetch', 'snapshot');
  const series = await snapshot.run({ ticker: 'SPY' }, snapshot.options.parse({}), { specDir: '.', log: () => {} });
  const end = series.values.length;
  const window = await builtin('window', 'minmax');
  const data = await window.run(
    { series, train: { from: end - 340, to: end - 40 }, test: { from: end - 40, to: end }, lookback: 14, horizon: 1, validationSplit: 0.2 },
    window.options.parse({ fitOn: 'train' }),
    stageContext(tf, 0),
  );
  const trainer = await builtin('train', 'tfjs');
  // With early stopping that restores the best epoch, as a spec's default trainer does: a pruner
  // whose masks do not survive the restore is caught (the watch looks at the end of training).
  return {
    tf,
    data,
    trainer,
    trainerOptions: trainer.options.parse({ epochs, batchSize: 32, earlyStopping: { patience: 1, restoreBest: true } }),
  };
}

/**
 * Dense weights this process already trained, by everything that determines them. Training is
 * deterministic, so a second request for the same model (check-plugin checks each pruner on the
 * same architectures and seeds; a test suite checks many pruners) gets the same weights without
 * training again.
 */
const trainedWeights = new WeakMap<Tf, Map<string, { values: Float32Array; shape: number[] }[]>>();

/** A prune request on a freshly trained small model; every model made is added to `models`. */
export async function labRequest(
  lab: Lab,
  architecture: Architecture,
  seed: number,
  models: Set<LayersModel>,
): Promise<{ request: PruneRequest; trainer: PrunerTrainer }> {
  const { tf, data } = lab;
  const setup = { ...lab, architecture };
  const trainer = prunerTrainer(
    (options) => trainAlone(setup, { options, data, seed }),
    (m) => models.add(m),
  );
  const cache = trainedWeights.get(tf) ?? new Map<string, { values: Float32Array; shape: number[] }[]>();
  trainedWeights.set(tf, cache);
  const key = JSON.stringify([architecture, seed, lab.trainerOptions, createHash('sha256').update(data.train.x).digest('hex')]);
  const known = cache.get(key);
  let dense: LayersModel;
  if (known) {
    dense = buildModel(tf, architecture, [data.lookback, data.features], seed);
    models.add(dense);
    const weights = known.map((w) => tf.tensor(w.values, w.shape));
    dense.setWeights(weights);
    tf.dispose(weights);
  } else {
    dense = (await trainer.train()).model;
    cache.set(
      key,
      dense.getWeights().map((w) => ({ values: Float32Array.from(w.dataSync()), shape: w.shape })),
    );
  }
  trainer.trainings.length = 0; // the dense training is the lab's, not the pruner's
  return { request: { model: dense, dense, architecture, data, seed, train: trainer.train }, trainer };
}
