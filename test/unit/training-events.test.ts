// The events a trainer offers to hooks (through trainingEvents, as core wires them): one after
// every optimizer step, one per epoch, and a say in whether early stopping restores the best epoch.
import tfjs from '../../src/plugins/train/tfjs.ts';
import minmax from '../../src/plugins/window/minmax.ts';
import { readSnapshot } from '../../src/plugins/fetch/snapshot.ts';
import { trainingEvents } from '../../src/plugin/training-events.ts';
import type { LayersModel, Tf, TrainingHooks } from '../../src/plugin/index.ts';
import { paperArchitecture } from '../helpers/architectures.ts';
import { cpuTf, stageContext } from '../helpers/tf.ts';

let tf: Tf;
beforeAll(async () => {
  tf = await cpuTf();
});

async function train(hooks: TrainingHooks[], earlyStopping: false | { patience: number; minDelta: number; restoreBest: boolean }) {
  const series = readSnapshot('SPY', 'Adj Close');
  const n = series.values.length;
  // 100 training days → 85 windows: 68 to train on (5 batches of 16), 17 to validate
  const data = await minmax.run(
    { series, train: { from: n - 120, to: n - 20 }, test: { from: n - 20, to: n }, lookback: 14, horizon: 1, validationSplit: 0.2 },
    { fitOn: 'train' },
    stageContext(tf, 3),
  );
  const options = {
    epochs: 12,
    batchSize: 16,
    optimizer: 'adam' as const,
    learningRate: 0.05,
    loss: 'meanSquaredError' as const,
    earlyStopping,
    redrawDeadInit: 5,
  };
  return tfjs.run(
    { data, architecture: paperArchitecture('linear'), seed: 3, events: trainingEvents(hooks) },
    options,
    stageContext(tf, 3),
  );
}

const kernel = (model: LayersModel) => Array.from(model.getLayer('dense').getWeights()[0].dataSync());

test('a batch event after every optimizer step, an epoch event after every epoch', async () => {
  const steps: number[] = [];
  const epochs: number[] = [];
  const result = await train(
    [{ onBatchEnd: (_m, step) => void steps.push(step), onEpochEnd: (_m, epoch) => void epochs.push(epoch) }],
    false,
  );
  expect(steps).toEqual(Array.from({ length: 12 * 5 }, (_, i) => i));
  expect(epochs).toEqual(Array.from({ length: 12 }, (_, i) => i));
  result.model.dispose();
});

test('listening to batches changes nothing in the training', async () => {
  const quiet = await train([], false);
  const listened = await train([{ onBatchEnd: () => {} }], false);
  expect(listened.loss).toEqual(quiet.loss);
  expect(kernel(listened.model)).toEqual(kernel(quiet.model));
  quiet.model.dispose();
  listened.model.dispose();
});

describe('restoring the best epoch', () => {
  // A large learning rate and patience 2 stop early, after the best epoch.
  const stopping = { patience: 2, minDelta: 0, restoreBest: true };

  test('happens when hooks allow it, and they hear of it', async () => {
    const last: number[][] = [];
    let restored = 0;
    const result = await train([{ onEpochEnd: (m) => void last.push(kernel(m)), onRestoreBest: () => void restored++ }], stopping);
    expect(result.bestEpoch).toBeLessThan(result.epochs);
    expect(restored).toBe(1);
    expect(kernel(result.model)).toEqual(last[result.bestEpoch - 1]);
    result.model.dispose();
  });

  test('does not happen when a hook forbids it: the last weights stay', async () => {
    const last: number[][] = [];
    let asked = 0;
    const result = await train(
      [
        {
          onEpochEnd: (m) => void last.push(kernel(m)),
          allowRestoreBest: () => {
            asked++;
            return false;
          },
          onRestoreBest: () => {
            throw new Error('must not restore');
          },
        },
      ],
      stopping,
    );
    expect(result.bestEpoch).toBeLessThan(result.epochs);
    expect(asked).toBe(1);
    expect(kernel(result.model)).toEqual(last[last.length - 1]);
    result.model.dispose();
  });
});
