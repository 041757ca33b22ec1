// One way to run a model, whatever executes it: tfjs (the backend the run trained on) or ONNX
// Runtime on the model exported to ONNX. The measure plugin times and scores both with the same
// code, so their numbers differ only by the runtime.
import type { LayersModel, ModelQuantization, StageContext, Tensor } from '../../plugin/index.ts';
import { exportOnnx, onnxSession } from '../../plugin/kit/onnx.ts';

export const RUNTIMES = ['tfjs', 'onnxruntime'] as const;
export type Runtime = (typeof RUNTIMES)[number];

export interface Predictor {
  /** Model outputs for `rows` windows laid out as [rows, lookback, features], fed `batchSize` at a time. */
  predict(x: Float32Array, rows: number, batchSize: number): Promise<Float32Array>;
  /** Peak tensor memory of one prediction, where the runtime can tell it (tfjs can, ONNX Runtime cannot). */
  peakBytes(x: Float32Array, rows: number, batchSize: number): Promise<number>;
  /** The model file this runtime ran, kept in the run folder (ONNX only). */
  file?: Uint8Array;
  release(): Promise<void>;
}

export function tfjsPredictor(ctx: StageContext, model: LayersModel, shape: { lookback: number; features: number }): Predictor {
  const { tf } = ctx;
  const run = (x: Float32Array, rows: number, batchSize: number) =>
    tf.tidy(() => {
      const input = tf.tensor3d(x, [rows, shape.lookback, shape.features]);
      return (model.predict(input, { batchSize }) as Tensor).dataSync() as Float32Array;
    });
  return {
    predict: async (x, rows, batchSize) => run(x, rows, batchSize),
    peakBytes: async (x, rows, batchSize) => (await tf.profile(() => void run(x, rows, batchSize))).peakBytes,
    release: async () => {},
  };
}

/**
 * ONNX Runtime on one thread, fed `batchSize` windows at a time like tfjs's predict; a quantised
 * model is exported with its weights as stored (int8 or float16).
 */
export async function onnxPredictor(
  model: LayersModel,
  shape: { lookback: number; features: number },
  quantization?: ModelQuantization,
): Promise<Predictor> {
  const file = exportOnnx(model, undefined, quantization);
  const session = await onnxSession(file);
  const width = shape.lookback * shape.features;
  return {
    file,
    async predict(x, rows, batchSize) {
      const parts: Float32Array[] = [];
      for (let from = 0; from < rows; from += batchSize) {
        const n = Math.min(batchSize, rows - from);
        parts.push(await session.predict(x.subarray(from * width, (from + n) * width), n, shape.lookback, shape.features));
      }
      if (parts.length === 1) return parts[0];
      const out = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    },
    peakBytes: async () => NaN,
    release: () => session.release(),
  };
}
