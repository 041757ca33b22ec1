// The paper's measurements for every model: errors on prices (MSE, RMSE, MAE, R²), parameters and
// non-zeros per layer, stored sizes, inference time (median of repeats after warm-up) and peak
// tensor memory during evaluation. For speed comparisons, also MACs and the latency of one large
// batch (test windows repeated to `latencyBatch` rows), timed in alternating rounds over the
// models so that a machine's drift affects them alike. `runtime: onnxruntime` exports each model
// to ONNX, runs it on ONNX Runtime, checks its outputs against tfjs's and keeps the .onnx file.
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { definePlugin, ErrorCode, RunexpError } from '../../plugin/index.ts';
import { macsOf, weightsOf } from '../../plugin/kit/model.ts';
import { mae, mse, r2, rmse } from '../../plugin/kit/data.ts';
import { ONNX_OPSET, ONNXRUNTIME_INSTALL_HINT, onnxruntimeInstalled } from '../../plugin/kit/onnx.ts';
import type { LayersModel, ModelQuantization, ModelReport, WindowedData } from '../../plugin/index.ts';
import { storedWeights } from '../../plugin/kit/model.ts';
import { onnxPredictor, RUNTIMES, tfjsPredictor, type Predictor } from './predictors.ts';

/** How far ONNX Runtime's integer arithmetic may move the outputs of a model with int8 activations from runexp's. */
const INT8_ACTIVATIONS_TOLERANCE = 1e-2;

function quantile(sorted: number[], q: number): number {
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  return sorted[lo] + (sorted[Math.ceil(rank)] - sorted[lo]) * (rank - lo);
}

/** Sizes of a model's weights: as float32 (dense, sparse, gzip), and as stored when quantised. */
function sizeOf(model: LayersModel, quantization?: ModelQuantization) {
  const layers = weightsOf(model);
  let total = 0;
  let nonzero = 0;
  let sparseBytes = 0;
  const buffers: Buffer[] = [];
  const counts = layers.map(({ layer, tensors }) => {
    let params = 0;
    let nz = 0;
    for (const t of tensors) {
      let tensorNonzero = 0;
      for (const v of t.values) if (v !== 0) tensorNonzero++;
      params += t.values.length;
      nz += tensorNonzero;
      // Sparse storage: each tensor as dense float32, or as (int32 index, float32 value) pairs,
      // whichever is smaller.
      sparseBytes += Math.min(4 * t.values.length, 8 * tensorNonzero);
      buffers.push(Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength));
    }
    total += params;
    nonzero += nz;
    return { name: layer, params, nonzero: nz };
  });
  const gzipBytes = gzipSync(Buffer.concat(buffers), { level: 9 }).length;
  const size = { denseBytes: total * 4, sparseBytes, gzipBytes };
  if (!quantization) return { counts, total, nonzero, size };
  const stored = storedWeights(model, quantization);
  return {
    counts,
    total,
    nonzero,
    size: {
      ...size,
      stored: {
        format: quantization.bits === 8 ? 'int8' : 'float16',
        bytes: stored.length,
        gzipBytes: gzipSync(stored, { level: 9 }).length,
      },
    },
  };
}

/** Median, p10 and p90 of a list of times, and how many there were. */
function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  return { medianMs: quantile(sorted, 0.5), p10Ms: quantile(sorted, 0.1), p90Ms: quantile(sorted, 0.9), repeats: times.length };
}

/** `repeats` timed calls after `warmup` untimed ones. */
async function timeCalls(call: () => Promise<unknown>, warmup: number, repeats: number) {
  for (let i = 0; i < warmup; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
  }
  return summary(times);
}

async function timeInference(predictor: Predictor, data: WindowedData, warmup: number, repeats: number, batchSize: number) {
  const { x, count } = data.test;
  const timed = await timeCalls(() => predictor.predict(x, count, batchSize), warmup, repeats);
  return {
    inference: { ...timed, windows: count },
    memory: { peakTensorBytes: await predictor.peakBytes(x, count, batchSize), rssBytes: process.memoryUsage().rss },
    outputs: await predictor.predict(x, count, batchSize),
  };
}

/** Median, p10 and p90 latency of predicting one batch of `batchSize` windows, per model. */
async function timeLatency(predictors: Record<string, Predictor>, data: WindowedData, batchSize: number, warmup: number, repeats: number) {
  const width = data.lookback * data.features;
  const rows = new Float32Array(batchSize * width);
  for (let i = 0; i < batchSize; i++)
    rows.set(data.test.x.subarray((i % data.test.count) * width, ((i % data.test.count) + 1) * width), i * width);
  const names = Object.keys(predictors);
  const times = new Map(names.map((n) => [n, [] as number[]]));
  const once = async (name: string) => {
    const t0 = performance.now();
    await predictors[name].predict(rows, batchSize, batchSize); // one batch
    return performance.now() - t0;
  };
  for (let i = 0; i < warmup; i++) for (const name of names) await once(name);
  for (let r = 0; r < repeats; r++) {
    const order = r % 2 === 0 ? names : [...names].reverse();
    for (const name of order) times.get(name)!.push(await once(name));
  }
  return Object.fromEntries(names.map((name) => [name, { batchSize, ...summary(times.get(name)!) }]));
}

/** Largest |tfjs − ONNX Runtime| over the test windows' outputs (scaled, before prices). */
function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** The ONNX file's place in the run folder, and how closely ONNX Runtime reproduced tfjs. */
function onnxCheck(model: string, file: Uint8Array, outputs: Float32Array, tfjsOutputs: Float32Array, tolerance: number) {
  const difference = maxAbsDifference(outputs, tfjsOutputs);
  // NaN must fail too, so the test is written as "not within".
  if (!(difference <= tolerance)) {
    throw new RunexpError(
      ErrorCode.PLUGIN,
      `the ${model} model's ONNX outputs differ from tfjs's by up to ${difference.toExponential(2)}, more than the tolerance ${tolerance}`,
      'a layer may be exported wrongly: report it with the spec; or raise measure.tolerance',
    );
  }
  return { file: `${model}/model.onnx`, bytes: file.length, opset: ONNX_OPSET, maxAbsDifference: difference, tolerance };
}

export default definePlugin({
  slot: 'measure',
  name: 'standard',
  description: 'Accuracy on prices, parameter counts, stored sizes, inference time and peak memory, on tfjs or ONNX Runtime.',
  options: z
    .strictObject({
      warmup: z.int().min(0).default(3),
      repeats: z.int().positive().default(20).describe('timed predictions of the whole test set; the median is reported'),
      batchSize: z.int().positive().default(32).describe("prediction batch size (32 is Keras' default for predict)"),
      latencyBatch: z.int().positive().default(1024).describe('windows in the one large batch whose latency is compared across models'),
      latencyRepeats: z.int().positive().default(30).describe('timed rounds of that batch; the median is reported'),
      singleWindowLatency: z
        .boolean()
        .optional()
        .describe('also time predicting one window at a time (batch 1), in alternating rounds like the large batch'),
      runtime: z
        .enum(RUNTIMES)
        .default('tfjs')
        .describe('what runs the models: tfjs (the training backend) or ONNX Runtime on the model exported to ONNX (an axis)'),
      tolerance: z
        .number()
        .positive()
        .default(1e-5)
        .describe('onnxruntime only: the largest |output − tfjs output| allowed; a run beyond it fails'),
      // No default in the options themselves: a new default would change every existing run id.
      int8Tolerance: z
        .number()
        .positive()
        .optional()
        .describe(
          `onnxruntime only, for a model with int8 activations (default ${INT8_ACTIVATIONS_TOLERANCE}): ORT sums their products exactly in int32, runexp in float32, so a value on a rounding boundary can land one step apart (up to 1e-3 on the paper's model)`,
        ),
    })
    .superRefine((options, ctx) => {
      if (options.runtime === 'onnxruntime' && !onnxruntimeInstalled()) {
        ctx.addIssue({
          code: 'custom',
          path: ['runtime'],
          message: `the onnxruntime runtime needs the onnxruntime-node package, which is not installed; ${ONNXRUNTIME_INSTALL_HINT}`,
        });
      }
    }),
  axes: ['runtime'],
  run: async (req, options, ctx) => {
    const { data } = req;
    const shape = { lookback: data.lookback, features: data.features };
    const tfjs = Object.fromEntries(Object.entries(req.models).map(([name, model]) => [name, tfjsPredictor(ctx, model, shape)]));
    const predictors: Record<string, Predictor> = {};
    const reports: Record<string, ModelReport> = {};
    const byModel: Record<string, number[]> = {};
    const files: Record<string, Uint8Array> = {};
    try {
      for (const [name, model] of Object.entries(req.models)) {
        predictors[name] = options.runtime === 'onnxruntime' ? await onnxPredictor(model, shape, req.quantization?.[name]) : tfjs[name];
      }
      const latency = await timeLatency(predictors, data, options.latencyBatch, options.warmup, options.latencyRepeats);
      const single = options.singleWindowLatency
        ? await timeLatency(predictors, data, 1, options.warmup, options.latencyRepeats)
        : undefined;
      for (const [name, model] of Object.entries(req.models)) {
        const predictor = predictors[name];
        const timed = await timeInference(predictor, data, options.warmup, options.repeats, options.batchSize);
        const onnx =
          predictor.file &&
          onnxCheck(
            name,
            predictor.file,
            timed.outputs,
            await tfjs[name].predict(data.test.x, data.test.count, options.batchSize),
            req.quantization?.[name]?.activations === 'int8' ? (options.int8Tolerance ?? INT8_ACTIVATIONS_TOLERANCE) : options.tolerance,
          );
        if (onnx) files[onnx.file] = predictor.file!;
        const predicted = Array.from(data.toPrice(timed.outputs, 'test'));
        const actual = data.test.targets;
        const { counts, total, nonzero, size } = sizeOf(model, req.quantization?.[name]);
        reports[name] = {
          mse: mse(actual, predicted),
          rmse: rmse(actual, predicted),
          mae: mae(actual, predicted),
          r2: r2(actual, predicted),
          layers: counts,
          totalParams: total,
          nonzeroParams: nonzero,
          compressionRatio: nonzero === 0 ? Infinity : total / nonzero,
          size,
          inference: timed.inference,
          memory: timed.memory,
          ...macsOf(model),
          latency: latency[name],
          ...(single ? { singleWindowLatency: single[name] } : {}),
          runtime: options.runtime,
          ...(onnx ? { onnx } : {}),
        };
        byModel[name] = predicted;
      }
    } finally {
      for (const p of Object.values(predictors)) await p.release();
    }
    return {
      reports,
      predictions: { dates: data.test.dates, actual: Array.from(data.test.targets), byModel },
      ...(Object.keys(files).length ? { files } : {}),
    };
  },
});
