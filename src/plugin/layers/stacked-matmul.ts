// A matrix product over a leading seed axis, for training many seeds' models as one computation.
// tfjs's own BatchMatMul on wasm multiplies batches with a plain loop that sums in blocks: 50×
// slower than its XNNPACK path for one matrix (10 × [32, 70]·[70, 120]: 4.2 ms against 0.08 ms
// for one) and different in the last bits. This kernel (stacked-matmul.wat) works in place on
// tfjs's wasm heap and sums every output in the order XNNPACK does, so that seed s of a stacked
// product is, to the bit, the product tf.matMul gives seed s alone. Only on the wasm backend.
import { readFileSync } from 'node:fs';
import type { Tensor, Tf } from '../tf.ts';

const KERNEL = 'RunexpStackedMatMul';

type MatMulKernel = (
  a: number,
  b: number,
  c: number,
  seeds: number,
  m: number,
  k: number,
  n: number,
  aTransposed: number,
  aSeed: number,
  bSeed: number,
) => void;

interface TensorInfoLike {
  dataId: object;
  shape: number[];
}
interface WasmBackend {
  wasm: { asm: { memory: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfoLike;
}

let compiled: WebAssembly.Module | undefined;
const kernelModule = () => (compiled ??= new WebAssembly.Module(readFileSync(new URL('./stacked-matmul.wasm', import.meta.url))));
const instances = new WeakMap<WebAssembly.Memory, MatMulKernel>();

/** The kernel, instantiated once per wasm heap (each worker thread has its own backend and heap). */
function kernelFor(backend: WasmBackend): MatMulKernel {
  const memory = backend.wasm.asm.memory;
  let kernel = instances.get(memory);
  if (!kernel) {
    kernel = new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports.matmul as MatMulKernel;
    instances.set(memory, kernel);
  }
  return kernel;
}

/**
 * tfjs's wasm heap: its memory, and where a tensor's values sit in it (byte offset). For kernels
 * that work in place on tensors (this product, the stacked Adam step).
 */
export function wasmHeap(tf: Tf): { memory: WebAssembly.Memory; offset(tensor: { dataId: object }): number } {
  const backend = tf.backend() as unknown as WasmBackend;
  return { memory: backend.wasm.asm.memory, offset: (tensor) => backend.dataIdMap.get(tensor.dataId).memoryOffset };
}

/** Whether stackedMatMul can run here: the wasm backend, with its heap reachable. */
export function canStackMatMul(tf: Tf): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  registerKernel(tf);
  return (tf.backend() as unknown as Partial<WasmBackend>).wasm?.asm?.memory instanceof WebAssembly.Memory;
}

function registerKernel(tf: Tf): void {
  if (tf.getKernel(KERNEL, 'wasm')) return;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as unknown as WasmBackend;
      const { a, b } = inputs as unknown as { a: TensorInfoLike; b: TensorInfoLike };
      const transposeA = (attrs as { transposeA: boolean }).transposeA;
      const [aSeeds, aRows, aCols] = a.shape;
      const [bSeeds, k, n] = b.shape;
      const m = transposeA ? aCols : aRows;
      const seeds = Math.max(aSeeds, bSeeds);
      const out = wasm.makeOutput([seeds, m, n], 'float32');
      const offset = (t: TensorInfoLike) => wasm.dataIdMap.get(t.dataId).memoryOffset;
      const aSeed = aSeeds === 1 ? 0 : 4 * m * k;
      const bSeed = bSeeds === 1 ? 0 : 4 * k * n;
      if (n === 1 && transposeA) {
        // One output column: c = a·b is cᵀ = bᵀ·aᵀ, whose one row runs SIMD across a's rows (each
        // sum still in order of k, each product the same), instead of one scalar sum per row.
        kernelFor(wasm)(offset(b), offset(a), offset(out), seeds, 1, k, m, 0, bSeed, aSeed);
      } else {
        kernelFor(wasm)(offset(a), offset(b), offset(out), seeds, m, k, n, transposeA ? 1 : 0, aSeed, bSeed);
      }
      return out as never;
    },
  });
}

/**
 * `a[s]·b[s]` for every seed s: a is [seeds, m, k] ([seeds, k, m] with transposeA), b is
 * [seeds, k, n] ([seeds, n, k] with transposeB); either may have 1 seed, shared by all. Returns
 * [seeds, m, n]. Call canStackMatMul first.
 */
export function stackedMatMul(tf: Tf, a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  const [aSeeds, aRows, aCols] = a.shape;
  const bIn = transposeB ? tf.transpose(b, [0, 2, 1]) : b;
  const [bSeeds, k, n] = bIn.shape;
  if ((transposeA ? aRows : aCols) !== k || (aSeeds !== bSeeds && aSeeds !== 1 && bSeeds !== 1))
    throw new Error(`stackedMatMul: shapes [${a.shape}]${transposeA ? 'ᵀ' : ''} and [${bIn.shape}] do not multiply`);
  // One output column from many rows is faster from a's transpose (see the kernel).
  const aIn = n === 1 && !transposeA && aRows >= 8 ? tf.transpose(a, [0, 2, 1]) : a;
  try {
    return tf.engine().runKernel(KERNEL, { a: aIn, b: bIn }, { transposeA: transposeA || aIn !== a } as never) as Tensor;
  } finally {
    if (bIn !== b) bIn.dispose();
    if (aIn !== a) aIn.dispose();
  }
}
