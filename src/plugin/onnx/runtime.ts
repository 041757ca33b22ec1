// ONNX Runtime for Node, loaded only when a spec asks for it: it is an optional peer dependency
// (288 MB with the binaries of every platform), so a user's install stays small without it.
import { createRequire } from 'node:module';
import { ErrorCode, RunexpError } from '../errors.ts';
import { ONNX_INPUT, ONNX_OUTPUT } from './export.ts';

type Ort = typeof import('onnxruntime-node');

/** How to install onnxruntime-node, the optional peer dependency onnxSession needs. */
export const ONNXRUNTIME_INSTALL_HINT =
  'install it with `npm install onnxruntime-node` (set ONNXRUNTIME_NODE_INSTALL=skip where its download is blocked: the CPU binaries ship in the package)';

/** Whether onnxruntime-node can be found from here, without loading its native code. */
export function onnxruntimeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('onnxruntime-node');
    return true;
  } catch {
    return false;
  }
}

let ort: Promise<Ort> | undefined;
function loadOnnxruntime(): Promise<Ort> {
  ort ??= import('onnxruntime-node').catch((err: Error) => {
    ort = undefined;
    throw new RunexpError(ErrorCode.USAGE, `onnxruntime-node cannot be loaded: ${err.message.split('\n')[0]}`, ONNXRUNTIME_INSTALL_HINT);
  });
  return ort;
}

/** A model loaded in ONNX Runtime (onnxSession): predict windows, then release it. */
export interface OnnxSession {
  /** Predicts `rows` windows of `[steps, features]`; resolves to one float per output value. */
  predict(x: Float32Array, rows: number, steps: number, features: number): Promise<Float32Array>;
  release(): Promise<void>;
}

/** A session on one thread, like the tfjs backends it is compared with. */
export async function onnxSession(bytes: Uint8Array, threads = 1): Promise<OnnxSession> {
  const { InferenceSession, Tensor } = await loadOnnxruntime();
  const session = await InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    // int8 weights (DequantizeLinear → MatMul) are fused into ORT's MatMulNBits kernel, which by
    // default rounds the activations to int8 too (accuracy level 4: outputs 1e-2 away from the
    // weight-only model runexp evaluates); level 0 keeps them float32 and matches it to 1e-7.
    extra: { session: { qdq_matmulnbits_accuracy_level: '0' } },
  });
  return {
    async predict(x, rows, steps, features) {
      const out = await session.run({ [ONNX_INPUT]: new Tensor('float32', x, [rows, steps, features]) });
      return out[ONNX_OUTPUT].data as Float32Array;
    },
    release: () => session.release(),
  };
}
