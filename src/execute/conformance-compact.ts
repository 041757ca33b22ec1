// The properties check-plugin tests of what follows pruning: tensors left behind, and the compact
// model (it reproduces the pruned one within its compactor's tolerance, its architecture builds;
// checking a compactor: a quantised model is stored smaller, and it runs on ONNX Runtime).
import type { CompactResult, LayersModel, PruneResult, Tensor, Tf, WindowedData } from '../plugin/api.ts';
import { buildModel } from '../plugin/architecture.ts';
import { exportOnnx } from '../plugin/onnx/export.ts';
import { onnxruntimeInstalled, onnxSession } from '../plugin/onnx/runtime.ts';
import { storedWeights } from '../plugin/quantization.ts';
import { maxAbsDifference } from './checks.ts';
import { fail, na, pass, type PropertyResult } from './sparsity-check.ts';

export function noLeak(before: number, after: number): PropertyResult {
  const name = 'no tensors leak';
  return after === before
    ? pass(name, `${before} tensors before and after`)
    : fail(
        name,
        `expected ${before} live tensors after two runs with every model they made disposed, saw ${after} (${after - before} leaked)`,
      );
}

export function compactReproduces(
  tf: Tf,
  result: PruneResult,
  compact: CompactResult,
  data: WindowedData,
  tolerance = 1e-5,
): PropertyResult {
  const name = 'the compact model reproduces the pruned model';
  const diff = maxAbsDifference(tf, result.model, compact.model, data);
  return diff <= tolerance
    ? pass(name, `max |difference| ${diff.toExponential(1)} on ${data.test.count} windows (tolerance ${tolerance})`)
    : fail(name, `expected outputs within ${tolerance} of the pruned model's (the compactor's tolerance), saw ${diff.toExponential(2)}`);
}

/** A quantised compact model stores its weights in fewer bytes than float32 would; n/a for others. */
export function storedSmaller(compact: CompactResult): PropertyResult {
  const name = 'a quantised model is stored smaller';
  if (!compact.quantization) return na(name, 'the compactor does not quantise');
  const stored = storedWeights(compact.model, compact.quantization).length;
  const float = compact.model.getWeights().reduce((n, w) => n + 4 * w.size, 0);
  return stored < float
    ? pass(name, `${stored} bytes stored against ${float} as float32 (${(float / stored).toFixed(2)}× smaller)`)
    : fail(name, `expected fewer bytes than float32's ${float}, the stored weights take ${stored}`);
}

/**
 * The compact model exports to ONNX (as stored, when quantised) and ONNX Runtime gives its outputs:
 * within 1e-5, or 1e-2 with int8 activations (ORT sums them exactly). n/a without onnxruntime-node.
 */
export async function runsOnOnnx(tf: Tf, compact: CompactResult, data: WindowedData): Promise<PropertyResult> {
  const name = 'it exports to ONNX and ONNX Runtime reproduces it';
  if (!onnxruntimeInstalled()) return na(name, 'onnxruntime-node is not installed');
  const tolerance = compact.quantization?.activations === 'int8' ? 1e-2 : 1e-5;
  let session: Awaited<ReturnType<typeof onnxSession>> | undefined;
  try {
    session = await onnxSession(exportOnnx(compact.model, undefined, compact.quantization));
    const { x, count } = data.test;
    const onnx = await session.predict(x, count, data.lookback, data.features);
    const tfjs = tf.tidy(() => (compact.model.predict(tf.tensor3d(x, [count, data.lookback, data.features])) as Tensor).dataSync());
    let diff = 0;
    for (let i = 0; i < tfjs.length; i++) diff = Math.max(diff, Math.abs(onnx[i] - tfjs[i]));
    return diff <= tolerance
      ? pass(name, `max |difference| ${diff.toExponential(1)} on ${count} windows (tolerance ${tolerance})`)
      : fail(name, `expected ONNX Runtime's outputs within ${tolerance} of tfjs's, saw ${diff.toExponential(2)}`);
  } catch (err) {
    return fail(name, `expected it to export and run, it failed: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    await session?.release();
  }
}

export function compactArchitectureValid(tf: Tf, compact: CompactResult, input: [number, number]): PropertyResult {
  const name = 'the compact architecture is valid';
  let rebuilt: LayersModel;
  try {
    rebuilt = buildModel(tf, compact.architecture, input, 0);
  } catch (err) {
    return fail(name, `expected "${compact.architecture.name}" to build, it failed: ${(err as Error).message}`);
  }
  try {
    const want = rebuilt.getWeights().map((w) => w.shape.join('×'));
    const have = compact.model.getWeights().map((w) => w.shape.join('×'));
    if (want.join() !== have.join())
      return fail(
        name,
        `expected the compact model's weights to have the architecture's shapes [${want.join(', ')}], saw [${have.join(', ')}]`,
      );
    const out = (compact.model.outputs[0].shape as number[]).slice(1);
    if (out.join() !== '1') return fail(name, `expected one output per window, saw shape [${out.join(', ')}]`);
    return pass(name, `${compact.architecture.name}: ${have.join(', ')}`);
  } finally {
    rebuilt.dispose();
  }
}
