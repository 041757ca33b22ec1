/**
 * @jest-environment ./test/helpers/host-typed-arrays.environment.cjs
 */
// ONNX export: every layer and activation runexp builds runs on ONNX Runtime with tfjs's outputs,
// and a hand-computed model gives the hand-computed answer. onnxruntime-node is a devDependency,
// so nothing here can skip.
import { loadBackend } from '../../src/execute/backend.ts';
import { EVERY_KIND, EVERY_LAYER } from '../helpers/architectures.ts';
import { buildModel } from '../../src/plugin/kit/model.ts';
import { exportOnnx, onnxSession } from '../../src/plugin/kit/onnx.ts';
import { mulberry32 } from '../../src/plugin/kit/data.ts';
import type { Tf } from '../../src/plugin/index.ts';
import { modelProto } from '../../src/plugin/onnx/schema.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadBackend('wasm')).tf;
});

/** The op types of an exported model's nodes, decoded from its bytes. */
function opTypes(bytes: Uint8Array): { ops: string[]; opset: number } {
  const model = modelProto().toObject(modelProto().decode(bytes), { longs: Number }) as {
    graph: { node: { opType: string }[] };
    opsetImport: { version: number }[];
  };
  return { ops: model.graph.node.map((n) => n.opType), opset: model.opsetImport[0].version };
}

test.each(Object.entries({ ...EVERY_LAYER, ...EVERY_KIND }))('%s: ONNX Runtime reproduces tfjs within 1e-5', async (_, layers) => {
  const model = buildModel(tf, { name: 'm', layers }, [14, 2], 3);
  const random = mulberry32(11);
  // Weights as training leaves them, not as initialised: batch norm's statistics and scale away from 0 and 1.
  const weights = model.getWeights().map((w, i) =>
    tf.tensor(
      Float32Array.from({ length: w.size }, () => (model.weights[i].name.includes('moving_variance') ? 0.5 + random() : random() - 0.5)),
      w.shape,
    ),
  );
  model.setWeights(weights);
  tf.dispose(weights);
  const rows = 37;
  const x = Float32Array.from({ length: rows * 28 }, () => random() * 4 - 2);
  const input = tf.tensor3d(x, [rows, 14, 2]);
  const output = model.predict(input) as ReturnType<Tf['tensor']>;
  const expected = output.dataSync() as Float32Array;
  const session = await onnxSession(exportOnnx(model));
  const actual = await session.predict(x, rows, 14, 2);
  await session.release();
  expect(actual.length).toBe(expected.length);
  let max = 0;
  for (let i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i] - expected[i]));
  expect(max).toBeLessThan(1e-5);
  tf.dispose([input, output]);
  model.dispose();
});

test('the paper model (linear output) exports as Conv between two Transposes, then Flatten, MatMul and Add, opset 13', async () => {
  const model = buildModel(tf, { name: 'paper', layers: EVERY_LAYER.paper }, [14, 1], 1);
  expect(opTypes(exportOnnx(model, 'test'))).toEqual({
    ops: ['Transpose', 'Conv', 'Transpose', 'Relu', 'Flatten', 'MatMul', 'Add', 'Relu', 'MatMul', 'Add'],
    opset: 13,
  });
  model.dispose();
});

test('a model with hand-set weights gives the hand-computed outputs', async () => {
  // Conv1D(1 filter, kernel 2, stride 1, valid) on 3 steps of 1 feature, then Dense(1), both linear:
  // conv = [1·x0 + 2·x1 + 0.5, 1·x1 + 2·x2 + 0.5]; out = 3·conv0 − conv1 + 1.
  const model = buildModel(
    tf,
    {
      name: 'hand',
      layers: [
        { type: 'conv1d', filters: 1, kernelSize: 2, strides: 1, padding: 'valid', activation: 'linear' },
        { type: 'flatten' },
        { type: 'dense', units: 1, activation: 'linear' },
      ],
    },
    [3, 1],
    1,
  );
  const weights = [tf.tensor3d([1, 2], [2, 1, 1]), tf.tensor1d([0.5]), tf.tensor2d([3, -1], [2, 1]), tf.tensor1d([1])];
  model.setWeights(weights);
  const session = await onnxSession(exportOnnx(model));
  // x = [1, 2, 3]: conv = [5.5, 8.5], out = 16.5 − 8.5 + 1 = 9. x = [0, 0, 0]: 1.5 − 0.5 + 1 = 2.
  expect(Array.from(await session.predict(Float32Array.from([1, 2, 3, 0, 0, 0]), 2, 3, 1))).toEqual([9, 2]);
  await session.release();
  tf.dispose(weights);
  model.dispose();
});
