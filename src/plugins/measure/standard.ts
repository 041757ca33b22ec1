// The paper's measurements for every model: errors on prices (MSE, RMSE, MAE, R²), parameters and
// non-zeros per layer, stored sizes, inference time (median of repeats after warm-up) and peak
// tensor memory during evaluation. For speed comparisons, also MACs and the latency of one large
// batch (test windows repeated to `latencyBatch` rows), timed in alternating rounds over the
// models so that a machine's drift affects them alike.
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { definePlugin, macsOf, mae, mse, r2, rmse, weightsOf } from '../../plugin/index.ts';
import type { LayersModel, ModelReport, StageContext, WindowedData } from '../../plugin/index.ts';

function quantile(sorted: number[], q: number): number {
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  return sorted[lo] + (sorted[Math.ceil(rank)] - sorted[lo]) * (rank - lo);
}

function sizeOf(model: LayersModel) {
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
  return { counts, total, nonzero, size: { denseBytes: total * 4, sparseBytes, gzipBytes } };
}

async function timeInference(ctx: StageContext, model: LayersModel, data: WindowedData, warmup: number, repeats: number, batchSize: number) {
  const { tf } = ctx;
  const x = tf.tensor3d(data.test.x, [data.test.count, data.lookback, data.features]);
  try {
    const once = () => tf.tidy(() => (model.predict(x, { batchSize }) as InstanceType<typeof tf.Tensor>).dataSync());
    for (let i = 0; i < warmup; i++) once();
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      once();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const profile = await tf.profile(() => {
      tf.tidy(() => (model.predict(x, { batchSize }) as InstanceType<typeof tf.Tensor>).dataSync());
    });
    return {
      inference: { medianMs: quantile(times, 0.5), p10Ms: quantile(times, 0.1), p90Ms: quantile(times, 0.9), repeats, windows: data.test.count },
      memory: { peakTensorBytes: profile.peakBytes, rssBytes: process.memoryUsage().rss },
      predictions: Array.from(data.toPrice(once(), 'test')),
    };
  } finally {
    x.dispose();
  }
}

/** Median, p10 and p90 latency of predicting one batch of `batchSize` windows, per model. */
function timeLatency(ctx: StageContext, models: Record<string, LayersModel>, data: WindowedData, batchSize: number, warmup: number, repeats: number) {
  const { tf } = ctx;
  const width = data.lookback * data.features;
  const rows = new Float32Array(batchSize * width);
  for (let i = 0; i < batchSize; i++) rows.set(data.test.x.subarray((i % data.test.count) * width, ((i % data.test.count) + 1) * width), i * width);
  const x = tf.tensor3d(rows, [batchSize, data.lookback, data.features]);
  const names = Object.keys(models);
  const times = new Map(names.map((n) => [n, [] as number[]]));
  const once = (name: string) => {
    const t0 = performance.now();
    tf.tidy(() => (models[name].predict(x, { batchSize }) as InstanceType<typeof tf.Tensor>).dataSync());
    return performance.now() - t0;
  };
  try {
    for (let i = 0; i < warmup; i++) names.forEach(once);
    for (let r = 0; r < repeats; r++) {
      const order = r % 2 === 0 ? names : [...names].reverse();
      for (const name of order) times.get(name)!.push(once(name));
    }
  } finally {
    x.dispose();
  }
  return Object.fromEntries(names.map((name) => {
    const sorted = times.get(name)!.sort((a, b) => a - b);
    return [name, { batchSize, medianMs: quantile(sorted, 0.5), p10Ms: quantile(sorted, 0.1), p90Ms: quantile(sorted, 0.9), repeats }];
  }));
}

export default definePlugin({
  slot: 'measure',
  name: 'standard',
  description: 'Accuracy on prices, parameter counts, stored sizes, inference time and peak memory.',
  options: z.strictObject({
    warmup: z.int().min(0).default(3),
    repeats: z.int().positive().default(20).describe('timed predictions of the whole test set; the median is reported'),
    batchSize: z.int().positive().default(32).describe("prediction batch size (32 is Keras' default for predict)"),
    latencyBatch: z.int().positive().default(1024).describe('windows in the one large batch whose latency is compared across models'),
    latencyRepeats: z.int().positive().default(30).describe('timed rounds of that batch; the median is reported'),
  }),
  run: async (req, options, ctx) => {
    const reports: Record<string, ModelReport> = {};
    const byModel: Record<string, number[]> = {};
    const actual = req.data.test.targets;
    const latency = timeLatency(ctx, req.models, req.data, options.latencyBatch, options.warmup, options.latencyRepeats);
    for (const [name, model] of Object.entries(req.models)) {
      const timed = await timeInference(ctx, model, req.data, options.warmup, options.repeats, options.batchSize);
      const { counts, total, nonzero, size } = sizeOf(model);
      const predicted = timed.predictions;
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
      };
      byModel[name] = predicted;
    }
    return { reports, predictions: { dates: req.data.test.dates, actual: Array.from(actual), byModel } };
  },
});
