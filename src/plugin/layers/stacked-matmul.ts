// A matrix product over a leading seed axis, for training many seeds' models as one computation.
// tfjs's own BatchMatMul on wasm multiplies batches with a plain loop that sums in blocks: 50×
// slower than its XNNPACK path for one matrix (10 × [32, 70]·[70, 120]: 4.2 ms against 0.08 ms
// for one) and different in the last bits. This kernel (stacked-matmul.wat) works in place on
// tfjs's wasm heap and sums every output in the order XNNPACK does, so that seed s of a stacked
// product is, to the bit, the product tf.matMul gives seed s alone; it leaves out the terms that
// ReLU zeroed, which changes no bit (the .wat says why). Only on the wasm backend.
import { readFileSync } from 'node:fs';
import type { Tensor, Tf } from '../tf.ts';

const KERNEL = 'RunexpStackedMatMul';
const RELU_GRADIENT = 'RunexpStackedReluGrad';
const COLUMN_SUMS = 'RunexpStackedColumnSums';
const KERNEL_GRADIENT_F64 = 'RunexpStackedKernelGradF64';
const TRANSPOSE = 'RunexpStackedTranspose';

/** The exports of stacked-matmul.wasm and stacked-elementwise.wasm; every argument that names a tensor is its byte offset. */
interface Kernels {
  matmul(
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
    scratch: number,
    skipZeros: number,
  ): number;
  biasRelu(c: number, bias: number, a: number, seeds: number, rows: number, n: number, biasSeed: number, relu: number): void;
  reluGrad(da: number, z: number, dz: number, count: number): void;
  columnSums(x: number, out: number, seeds: number, rows: number, n: number): void;
  kernelGradF64(x: number, dy: number, dw: number, seeds: number, rows: number, inputs: number, outputs: number): void;
  transpose(x: number, out: number, seeds: number, rows: number, cols: number): void;
}

interface TensorInfoLike {
  dataId: object;
  shape: number[];
}
interface WasmBackend {
  wasm: { asm: { memory: WebAssembly.Memory }; _malloc(bytes: number): number; _free(offset: number): void };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfoLike;
}

const compiled = new Map<string, WebAssembly.Module>();
function wasmModule(file: string): WebAssembly.Module {
  let module = compiled.get(file);
  if (!module) {
    module = new WebAssembly.Module(readFileSync(new URL(file, import.meta.url)));
    compiled.set(file, module);
  }
  return module;
}
const instances = new WeakMap<WebAssembly.Memory, Kernels>();

/** The kernels, instantiated once per wasm heap (each worker thread has its own backend and heap). */
function kernelsFor(backend: WasmBackend): Kernels {
  const memory = backend.wasm.asm.memory;
  let kernels = instances.get(memory);
  if (!kernels) {
    const exports = (file: string) => new WebAssembly.Instance(wasmModule(file), { env: { memory } }).exports;
    kernels = { ...exports('./stacked-matmul.wasm'), ...exports('./stacked-elementwise.wasm') } as unknown as Kernels;
    instances.set(memory, kernels);
  }
  return kernels;
}

/**
 * tfjs's wasm heap: its memory, and where a tensor's values sit in it (byte offset). For kernels
 * that work in place on tensors (this product, the stacked Adam step).
 */
export function wasmHeap(tf: Tf): { memory: WebAssembly.Memory; offset(tensor: { dataId: object }): number } {
  const backend = tf.backend() as unknown as WasmBackend;
  return { memory: backend.wasm.asm.memory, offset: (tensor) => backend.dataIdMap.get(tensor.dataId).memoryOffset };
}

/** Whether stackedMatMul can run here: the wasm backend, with its heap and its allocator reachable. */
export function canStackMatMul(tf: Tf): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  registerKernels(tf);
  const wasm = (tf.backend() as unknown as Partial<WasmBackend>).wasm;
  return wasm?.asm?.memory instanceof WebAssembly.Memory && typeof wasm._malloc === 'function' && typeof wasm._free === 'function';
}

function registerKernels(tf: Tf): void {
  if (tf.getKernel(KERNEL, 'wasm')) return;
  const register = (
    kernelName: string,
    run: (
      wasm: WasmBackend,
      offset: (t: TensorInfoLike) => number,
      inputs: Record<string, TensorInfoLike>,
      attrs: Record<string, unknown>,
    ) => unknown,
  ) =>
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const wasm = backend as unknown as WasmBackend;
        const offset = (t: TensorInfoLike) => wasm.dataIdMap.get(t.dataId).memoryOffset;
        return run(wasm, offset, inputs as unknown as Record<string, TensorInfoLike>, attrs as Record<string, unknown>) as never;
      },
    });
  register(KERNEL, (wasm, offset, { a, b, bias }, attrs) => {
    const transposeA = attrs.transposeA as boolean;
    const [aSeeds, aRows, aCols] = a.shape;
    const [bSeeds, k, n] = b.shape;
    const m = transposeA ? aCols : aRows;
    const seeds = Math.max(aSeeds, bSeeds);
    const out = wasm.makeOutput([seeds, m, n], 'float32');
    const kernels = kernelsFor(wasm);
    const aSeed = aSeeds === 1 ? 0 : 4 * m * k;
    const bSeed = bSeeds === 1 ? 0 : 4 * k * n;
    // The kernel's working room: a list of rows, one of terms, which rows and terms are zero.
    const scratch = wasm.wasm._malloc(8 * Math.max(m, n) + 12 * k + 16);
    try {
      if (n === 1 && transposeA) {
        // One output column: c = a·b is cᵀ = bᵀ·aᵀ, whose one row runs SIMD across a's rows (each
        // sum still in order of k, each product the same). Measured no slower than one lane of a
        // 4-row tile per row, which the general path would use.
        kernels.matmul(offset(b), offset(a), offset(out), seeds, 1, k, m, 0, bSeed, aSeed, scratch, 0);
      } else {
        // Zero terms are worth looking for only in a product of some size.
        const skipZeros = k >= 8 && n >= 8 ? 1 : 0;
        kernels.matmul(offset(a), offset(b), offset(out), seeds, m, k, n, transposeA ? 1 : 0, aSeed, bSeed, scratch, skipZeros);
      }
    } finally {
      wasm.wasm._free(scratch);
    }
    if (!bias) return out;
    // The bias (and ReLU) after the whole sum, as tf.add and tf.relu would apply them.
    const relu = attrs.relu as boolean;
    const activated = relu ? wasm.makeOutput([seeds, m, n], 'float32') : undefined;
    const biasSeed = bias.shape[0] === 1 ? 0 : 4 * n;
    kernels.biasRelu(offset(out), offset(bias), activated ? offset(activated) : 0, seeds, m, n, biasSeed, relu ? 1 : 0);
    return activated ? [out, activated] : out;
  });
  register(RELU_GRADIENT, (wasm, offset, { dy, z }) => {
    const out = wasm.makeOutput(z.shape, 'float32');
    kernelsFor(wasm).reluGrad(
      offset(dy),
      offset(z),
      offset(out),
      z.shape.reduce((a, b) => a * b, 1),
    );
    return out;
  });
  register(COLUMN_SUMS, (wasm, offset, { x }) => {
    const [seeds, rows, n] = x.shape;
    const out = wasm.makeOutput([seeds, n], 'float32');
    kernelsFor(wasm).columnSums(offset(x), offset(out), seeds, rows, n);
    return out;
  });
  register(TRANSPOSE, (wasm, offset, { x }) => {
    const [seeds, rows, cols] = x.shape;
    const out = wasm.makeOutput([seeds, cols, rows], 'float32');
    kernelsFor(wasm).transpose(offset(x), offset(out), seeds, rows, cols);
    return out;
  });
  register(KERNEL_GRADIENT_F64, (wasm, offset, { x, dy }) => {
    const [seeds, rows, inputs] = x.shape;
    const outputs = dy.shape[2];
    const out = wasm.makeOutput([seeds, inputs, outputs], 'float32');
    kernelsFor(wasm).kernelGradF64(offset(x), offset(dy), offset(out), seeds, rows, inputs, outputs);
    return out;
  });
}

/**
 * `a[s]·b[s]` for every seed s: a is [seeds, m, k] ([seeds, k, m] with transposeA), b is
 * [seeds, k, n] ([seeds, n, k] with transposeB); either may have 1 seed, shared by all. Returns
 * [seeds, m, n]. Call canStackMatMul first.
 */
export function stackedMatMul(tf: Tf, a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  return product(tf, a, b, transposeA, transposeB) as Tensor;
}

/**
 * z = a[s]·b[s] + bias[s] for every seed s, and with `relu` also its ReLU: to the bit what
 * tf.matMul, tf.add and tf.relu give each seed alone, as one op instead of three. a is
 * [seeds or 1, m, k], b [seeds, k, n], bias [seeds, n]. `output` is z itself without `relu`.
 */
export function stackedBiasedMatMul(tf: Tf, a: Tensor, b: Tensor, bias: Tensor, relu: boolean): { z: Tensor; output: Tensor } {
  const result = product(tf, a, b, false, false, bias, relu);
  return Array.isArray(result) ? { z: result[0], output: result[1] } : { z: result, output: result };
}

/** dLoss/dz of a ReLU layer from dLoss/da and its z: tf.mul(da, tf.step(z)) to the bit, in one pass. */
export function stackedReluGradient(tf: Tf, da: Tensor, z: Tensor): Tensor {
  return tf.engine().runKernel(RELU_GRADIENT, { dy: da, z }, {}) as Tensor;
}

/** [seeds, n] sums over the rows of a [seeds, rows, n] tensor: tf.sum(x, 1) to the bit, without its transpose. */
export function stackedColumnSums(tf: Tf, x: Tensor): Tensor {
  return tf.engine().runKernel(COLUMN_SUMS, { x }, {}) as Tensor;
}

/**
 * [seeds, inputs, outputs] x[s]ᵀ·dy[s] summed in float64 over the rows in order, then rounded to
 * float32: the kernel gradient of a pointwise conv1d as runexp's Conv2DBackpropFilter on wasm
 * (execute/wasm-conv-grad.ts) computes it for one seed. x is [seeds, rows, inputs], dy [seeds, rows, outputs].
 */
export function stackedKernelGradientF64(tf: Tf, x: Tensor, dy: Tensor): Tensor {
  return tf.engine().runKernel(KERNEL_GRADIENT_F64, { x, dy }, {}) as Tensor;
}

/** [seeds, cols, rows] from [seeds, rows, cols]: tf.transpose(x, [0, 2, 1]), in one pass of 4 × 4 blocks. */
const stackedTranspose = (tf: Tf, x: Tensor): Tensor => tf.engine().runKernel(TRANSPOSE, { x }, {}) as Tensor;

function product(tf: Tf, a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean, bias?: Tensor, relu = false): Tensor | Tensor[] {
  const [aSeeds, aRows, aCols] = a.shape;
  const bIn = transposeB ? stackedTranspose(tf, b) : b;
  const [bSeeds, k, n] = bIn.shape;
  if ((transposeA ? aRows : aCols) !== k || (aSeeds !== bSeeds && aSeeds !== 1 && bSeeds !== 1))
    throw new Error(`stackedMatMul: shapes [${a.shape}]${transposeA ? 'ᵀ' : ''} and [${bIn.shape}] do not multiply`);
  // One output column from many rows is faster from a's transpose (see the kernel).
  const aIn = n === 1 && !transposeA && aRows >= 8 ? stackedTranspose(tf, a) : a;
  try {
    const inputs: Record<string, Tensor> = bias ? { a: aIn, b: bIn, bias } : { a: aIn, b: bIn };
    return tf.engine().runKernel(KERNEL, inputs, { transposeA: transposeA || aIn !== a, relu } as never) as Tensor | Tensor[];
  } finally {
    if (bIn !== b) bIn.dispose();
    if (aIn !== a) aIn.dispose();
  }
}
