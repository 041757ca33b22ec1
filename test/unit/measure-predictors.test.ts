/**
 * @jest-environment ./test/helpers/host-typed-arrays.environment.cjs
 */
// The measure plugin's two runtimes behind one predict(x, rows, batchSize): tfjs feeds the model the
// batch size asked for (the latency row asks for one batch of all rows), and ONNX Runtime gives the
// same outputs however the windows are batched.
import { loadBackend } from '../../src/execute/backend.ts';
import { buildModel } from '../../src/plugin/kit/model.ts';
import { mulberry32 } from '../../src/plugin/kit/data.ts';
import type { Tf } from '../../src/plugin/index.ts';
import { onnxPredictor, tfjsPredictor } from '../../src/plugins/measure/predictors.ts';
import { EVERY_LAYER } from '../helpers/architectures.ts';
import { stageContext } from '../helpers/tf.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadBackend('wasm')).tf;
});

test('tfjs is asked for the batch size given, and ONNX Runtime agrees in any batching', async () => {
  const model = buildModel(tf, { name: 'paper', layers: EVERY_LAYER.paper }, [14, 1], 1);
  const batchSizes: number[] = [];
  const predict = model.predict.bind(model);
  model.predict = ((x: never, config?: { batchSize?: number }) => {
    batchSizes.push(config?.batchSize ?? -1);
    return predict(x, config);
  }) as typeof model.predict;
  const random = mulberry32(2);
  const x = Float32Array.from({ length: 100 * 14 }, () => random());
  const viaTfjs = tfjsPredictor(stageContext(tf, 1), model, { lookback: 14, features: 1 });
  const oneBatch = await viaTfjs.predict(x, 100, 100);
  const batched = await viaTfjs.predict(x, 100, 32);
  expect(batchSizes).toEqual([100, 32]);
  const viaOnnx = await onnxPredictor(model, { lookback: 14, features: 1 });
  for (const outputs of [await viaOnnx.predict(x, 100, 100), await viaOnnx.predict(x, 100, 32)]) {
    expect(outputs.length).toBe(100);
    outputs.forEach((v, i) => expect(Math.abs(v - oneBatch[i])).toBeLessThan(1e-5));
  }
  batched.forEach((v, i) => expect(Math.abs(v - oneBatch[i])).toBeLessThan(1e-5));
  expect(await viaOnnx.peakBytes(x, 100, 32)).toBeNaN();
  await viaOnnx.release();
  model.dispose();
});
