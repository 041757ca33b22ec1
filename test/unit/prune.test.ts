import { buildModel } from '../../src/plugin/architecture.ts';
import type { PruneRequest, Tf, WindowedData } from '../../src/index.ts';
import { paperArchitecture } from '../helpers/architectures.ts';
import magnitude from '../../src/plugins/prune/magnitude.ts';
import random from '../../src/plugins/prune/random.ts';
import copy from '../../src/plugins/compact/copy.ts';
import { cpuTf, noTraining, stageContext } from '../helpers/tf.ts';

const paper = paperArchitecture();
const data = { lookback: 14, features: 1 } as WindowedData;

let tf: Tf;
beforeAll(async () => {
  tf = await cpuTf();
});

function request(seed = 3): PruneRequest {
  const model = buildModel(tf, paper, [14, 1], seed);
  // Non-zero biases, so that "biases untouched" is a real check.
  model.setWeights(model.getWeights().map((w, i) => (i % 2 === 1 ? tf.fill(w.shape, 0.25 + i) : w)));
  return { model, dense: model, architecture: paper, data, seed, train: noTraining };
}

const flat = (model: ReturnType<typeof buildModel>) => model.getWeights().map((w) => Array.from(w.dataSync()));

describe('magnitude pruning', () => {
  test('the paper: first dense layer 8,400 weights → 5,460 non-zero at P35; everything else untouched', async () => {
    const req = request();
    const before = flat(req.model);
    const result = await magnitude.run(req, { percentile: 35, layers: 'first-dense', scope: 'layer' }, stageContext(tf));
    expect(result.layers).toHaveLength(1);
    expect(result.layers[0]).toMatchObject({ layer: 'dense', total: 8400, kept: 5460 });
    const after = flat(result.model);
    // weights order: conv kernel, conv bias, dense kernel, dense bias, dense_1 kernel, dense_1 bias
    expect(after[0]).toEqual(before[0]);
    expect(after[1]).toEqual(before[1]);
    expect(after[3]).toEqual(before[3]);
    expect(after[4]).toEqual(before[4]);
    expect(after[5]).toEqual(before[5]);
    expect(after[2].filter((w) => w !== 0)).toHaveLength(5460);
    // kept weights are unchanged and all above the threshold; pruned ones at or below it
    const t = result.layers[0].threshold!;
    expect(result.layers[0].criterion).toBe('|w|');
    after[2].forEach((w, i) => {
      if (w !== 0) expect(w).toBe(before[2][i]);
      expect(Math.abs(before[2][i]) > t).toBe(w !== 0);
    });
    // the original model is left as it was
    expect(flat(req.model)).toEqual(before);
  });

  test('ties at the threshold are pruned (|w| > P keeps strictly larger)', async () => {
    const req = request();
    const kernel = req.model.getLayer('dense').getWeights()[0];
    // Every weight has |w| in {1, 2}: 70% are ±1. P35 is 1, so all ±1 go and all ±2 stay.
    const values = Array.from({ length: 8400 }, (_, i) => (i % 10 < 7 ? 1 : 2) * (i % 2 ? -1 : 1));
    req.model.getLayer('dense').setWeights([tf.tensor(values, kernel.shape), req.model.getLayer('dense').getWeights()[1]]);
    const result = await magnitude.run(req, { percentile: 35, layers: 'first-dense', scope: 'layer' }, stageContext(tf));
    expect(result.layers[0].threshold).toBe(1);
    expect(result.layers[0].kept).toBe(2520);
  });

  test('percentile 0 prunes nothing; hidden-dense and global scope', async () => {
    const req = request();
    const none = await magnitude.run(req, { percentile: 0, layers: 'first-dense', scope: 'layer' }, stageContext(tf));
    expect(none.layers[0].kept).toBe(8400);
    const hidden = await magnitude.run(req, { percentile: 50, layers: 'hidden-dense', scope: 'layer' }, stageContext(tf));
    expect(hidden.layers.map((l) => l.layer)).toEqual(['dense']);
    const global = await magnitude.run(req, { percentile: 50, layers: ['dense', 'dense_1'], scope: 'global' }, stageContext(tf));
    expect(global.layers[0].threshold).toBe(global.layers[1].threshold);
    expect(global.layers[0].kept + global.layers[1].kept).toBe(8520 / 2);
  });

  test('an unknown layer name is an error with a suggestion', async () => {
    const error = await (async () =>
      magnitude.run(request(), { percentile: 35, layers: ['dens'], scope: 'layer' }, stageContext(tf)))().catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'E_PLUGIN', message: 'no layer named "dens" in the model', hint: 'did you mean "dense"?' });
  });
});

describe('random pruning control', () => {
  test('zeroes the same share, reproducibly for a seed', async () => {
    const req = request();
    const a = await random.run(req, { percentile: 35, layers: 'first-dense' }, stageContext(tf, 5));
    const b = await random.run(req, { percentile: 35, layers: 'first-dense' }, stageContext(tf, 5));
    expect(a.layers[0].kept).toBe(5460);
    expect(Array.from(a.layers[0].after)).toEqual(Array.from(b.layers[0].after));
  });
});

describe('compact copy', () => {
  test('the compact model outputs exactly what the pruned model outputs', async () => {
    const req = request();
    const pruned = await magnitude.run(req, { percentile: 35, layers: 'first-dense', scope: 'layer' }, stageContext(tf));
    const compact = await copy.run({ original: req.model, pruned, architecture: paper }, {}, stageContext(tf));
    const x = tf.randomUniform([16, 14, 1], 0, 1, 'float32', 7);
    const a = (pruned.model.predict(x) as ReturnType<typeof tf.tensor>).dataSync();
    const b = (compact.model.predict(x) as ReturnType<typeof tf.tensor>).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});
