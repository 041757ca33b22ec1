// Chooses and starts the TensorFlow.js backend. Order for "auto": tfjs-node (native TensorFlow,
// an optional dependency that cannot install offline), then wasm (SIMD), then the pure-JS cpu.
// Every worker thread calls this itself: backends are per thread.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import type { Tf } from '../plugin/api.ts';
import { registerChainedOps } from './chained-ops.ts';
import { registerWasmConv2DBackpropFilter } from './wasm-conv-grad.ts';
import { registerWasmTransposedMatMul } from './wasm-matmul.ts';

export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
/** The tfjs backend a run asks for: auto (tensorflow, then wasm, then cpu) or one by name. */
export type BackendChoice = (typeof BACKENDS)[number];

export interface LoadedBackend {
  tf: Tf;
  /** The backend actually in use: tensorflow, wasm or cpu. */
  name: string;
  tfjsVersion: string;
  /** Why a preferred backend was skipped, when one was. */
  notes: string[];
}

const require = createRequire(import.meta.url);

const tensorflowMissing = (err: unknown) =>
  new RunexpError(
    ErrorCode.USAGE,
    `backend "tensorflow" is not available: ${(err as Error).message.split('\n')[0]}`,
    'install @tensorflow/tfjs-node (needs internet at install time) or use --backend wasm',
  );

/**
 * Refuses, before any work, a backend that was asked for by name and cannot load here; otherwise
 * every run would fail on its own with the same message. Only tensorflow can be missing.
 */
export async function requireBackend(choice: BackendChoice): Promise<void> {
  if (choice !== 'tensorflow') return;
  try {
    await import('@tensorflow/tfjs-node' as string);
  } catch (err) {
    throw tensorflowMissing(err);
  }
}

/**
 * What "auto" would load on this machine, named, for work sent elsewhere: a queue's workers then
 * all run the backend the submitter would have run, or refuse the job, instead of each taking its
 * own (the backends agree only to about 1e-6, and an early stop can turn on the last digit).
 */
export function pinBackend(choice: BackendChoice): Exclude<BackendChoice, 'auto'> {
  if (choice !== 'auto') return choice;
  try {
    require.resolve('@tensorflow/tfjs-node');
    return 'tensorflow';
  } catch {
    return 'wasm';
  }
}

export async function loadBackend(choice: BackendChoice): Promise<LoadedBackend> {
  const notes: string[] = [];
  if (choice === 'auto' || choice === 'tensorflow') {
    try {
      const mod = (await import('@tensorflow/tfjs-node' as string)) as Tf;
      mod.enableProdMode();
      return { tf: mod, name: mod.getBackend(), tfjsVersion: mod.version_core, notes };
    } catch (err) {
      if (choice === 'tensorflow') throw tensorflowMissing(err);
      notes.push('tfjs-node is not installed; using the wasm backend');
    }
  }
  // The kit's `tf`: core's ops and layers' models in one namespace, as the umbrella package has them.
  const [core, layers] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@tensorflow/tfjs-layers'),
    import('@tensorflow/tfjs-backend-cpu'),
  ]);
  const tf = { ...core, ...layers } as Tf;
  registerChainedOps(tf);
  tf.enableProdMode();
  if (choice === 'auto' || choice === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dist = `${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`;
    wasm.setWasmPaths(dist);
    registerWasmConv2DBackpropFilter(tf);
    // setBackend resolves to false (and stays on cpu) instead of throwing when wasm fails.
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      // After the backend is ready: the wrapper needs wasm's own kernels, set up.
      registerWasmTransposedMatMul(tf);
      return { tf, name: 'wasm', tfjsVersion: tf.version_core, notes };
    }
    if (choice === 'wasm') throw new RunexpError(ErrorCode.USAGE, 'the wasm backend failed to start', 'use --backend cpu');
    notes.push('the wasm backend failed to start; using cpu');
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { tf, name: 'cpu', tfjsVersion: tf.version_core, notes };
}
