// Adam's update outside tfjs's kernels, for the wasm and cpu backends. tfjs's AdamOptimizer spends
// about a dozen kernel launches per weight tensor per step (mul, add, square, div, sqrt, assign,
// ...), and on a model as small as the paper's each launch costs more than its arithmetic. Here the
// whole update of a tensor is one call into a small WebAssembly function (adam.wat: float32 SIMD,
// 393 bytes) doing the same float32 operations in the same order, so the weights come out
// bit-identical to tfjs's (test/unit/training-loop.test.ts): both backends compute every
// element-wise op in IEEE float32 without fused multiply-adds. Native TensorFlow (tfjs-node) may
// fuse or vectorise differently, so it keeps tfjs's optimizer.
import { readFileSync } from 'node:fs';
import type { Tf } from '../../plugin/index.ts';

type Tensor = InstanceType<Tf['Tensor']>;
type Variable = InstanceType<Tf['Variable']>;
const f32 = Math.fround;

type AdamKernel = (
  g: number,
  m: number,
  v: number,
  w: number,
  n: number,
  beta1: number,
  beta2: number,
  oneMinusBeta1: number,
  oneMinusBeta2: number,
  biasCorrection1: number,
  biasCorrection2: number,
  epsilon: number,
  negativeLearningRate: number,
  shortcut: number,
) => void;

let compiled: WebAssembly.Module | undefined;
const adamModule = () => (compiled ??= new WebAssembly.Module(readFileSync(new URL('./adam.wasm', import.meta.url))));

/** Adam's kernel working on `memory` (its arrays are byte offsets into it). */
const adamKernel = (memory: WebAssembly.Memory): AdamKernel =>
  new WebAssembly.Instance(adamModule(), { env: { memory } }).exports.adam as AdamKernel;

/** tfjs's Adam constants, each rounded to float32 as tfjs's expressions round them. */
function adamConstants(optimizer: { learningRate: number; beta1: number; beta2: number; epsilon: number }) {
  const c = {
    beta1: f32(optimizer.beta1),
    beta2: f32(optimizer.beta2),
    oneMinusBeta1: f32(1 - optimizer.beta1),
    oneMinusBeta2: f32(1 - optimizer.beta2),
    epsilon: f32(optimizer.epsilon),
    negativeLearningRate: f32(-optimizer.learningRate),
  };
  // Where adam.wat's dead-unit shortcut gives the plain arithmetic's bits (see its header): the
  // updates of the subnormal first moments it takes are too small to move their weights.
  const exact = c.beta1 >= 0 && c.beta1 <= f32(0.9) && c.beta2 >= 0.5 && c.epsilon >= f32(1e-7) && Math.abs(c.negativeLearningRate) <= 0.05;
  return { ...c, shortcut: exact ? -1 : 0 };
}

/**
 * tfjs's Adam arithmetic over arrays in one wasm memory: its constants, the beta powers it
 * keeps, and the kernel. `update` for each variable of a step, then `next`.
 */
export class AdamArithmetic {
  private readonly constants: ReturnType<typeof adamConstants>;
  private accBeta1: number;
  private accBeta2: number;
  private readonly kernel: AdamKernel;

  constructor(memory: WebAssembly.Memory, optimizer: { learningRate: number; beta1: number; beta2: number; epsilon: number }) {
    this.constants = adamConstants(optimizer);
    this.accBeta1 = this.constants.beta1;
    this.accBeta2 = this.constants.beta2;
    this.kernel = adamKernel(memory);
  }

  /** One variable's step: n floats of gradient, moments and weights at these byte offsets (m, v, w in place). */
  update(g: number, m: number, v: number, w: number, n: number): void {
    const c = this.constants;
    const biasCorrection1 = f32(1 - this.accBeta1);
    const biasCorrection2 = f32(1 - this.accBeta2);
    this.kernel(
      g,
      m,
      v,
      w,
      n,
      c.beta1,
      c.beta2,
      c.oneMinusBeta1,
      c.oneMinusBeta2,
      biasCorrection1,
      biasCorrection2,
      c.epsilon,
      c.negativeLearningRate,
      c.shortcut,
    );
  }

  /** The step is done: the beta powers move on. */
  next(): void {
    this.accBeta1 = f32(this.accBeta1 * this.constants.beta1);
    this.accBeta2 = f32(this.accBeta2 * this.constants.beta2);
  }
}

/** Byte offsets of one variable's four arrays (gradient, moments, weights) in the module's memory. */
interface Slots {
  g: number;
  m: number;
  v: number;
  w: number;
  n: number;
}

/** The state tfjs's Adam keeps, held in the module's memory: first and second moments, and beta powers. */
export class WasmAdam {
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly arithmetic: AdamArithmetic;
  private readonly slots = new Map<string, Slots>();
  private used = 0;

  constructor(
    private readonly tf: Tf,
    optimizer: { learningRate: number; beta1: number; beta2: number; epsilon: number },
  ) {
    this.arithmetic = new AdamArithmetic(this.memory, optimizer);
  }

  /** A variable's arrays, allocated (moments zeroed, as tfjs starts them) on its first step. */
  private slotsOf(variable: Variable): Slots {
    let slots = this.slots.get(variable.name);
    if (!slots) {
      const n = variable.size;
      const bytes = Math.ceil((4 * n) / 16) * 16; // 16-byte aligned, for the SIMD loads
      const at = (i: number) => this.used + i * bytes;
      slots = { g: at(0), m: at(1), v: at(2), w: at(3), n };
      this.used += 4 * bytes;
      const missing = this.used - this.memory.buffer.byteLength;
      if (missing > 0) this.memory.grow(Math.ceil(missing / 65_536)); // new pages are zeros
      this.slots.set(variable.name, slots);
    }
    return slots;
  }

  /** One Adam step: each variable moves by its gradient (variables without one are left alone). */
  apply(variables: readonly Variable[], grads: Record<string, Tensor>): void {
    for (const variable of variables) {
      const gradient = grads[variable.name];
      if (!gradient) continue;
      const { g, m, v, w, n } = this.slotsOf(variable);
      const heap = new Float32Array(this.memory.buffer); // after any growth
      heap.set(gradient.dataSync() as Float32Array, g / 4);
      heap.set(variable.dataSync() as Float32Array, w / 4);
      this.arithmetic.update(g, m, v, w, n);
      // A copy: the cpu backend keeps the array it is given. assign() shares the new tensor's data
      // and leaves the tensor itself to us.
      const updated = this.tf.tensor(heap.slice(w / 4, w / 4 + n), variable.shape);
      variable.assign(updated);
      updated.dispose();
    }
    this.arithmetic.next();
  }
}

const states = new WeakMap<object, WasmAdam>();

/**
 * The WasmAdam that stands in for `optimizer` across epochs, or undefined where tfjs's own must run:
 * another optimizer, or a backend other than wasm and cpu.
 */
export function wasmAdamFor(tf: Tf, optimizer: object): WasmAdam | undefined {
  if (!(optimizer instanceof tf.AdamOptimizer) || !['wasm', 'cpu'].includes(tf.getBackend())) return undefined;
  let adam = states.get(optimizer);
  if (!adam) {
    adam = new WasmAdam(tf, optimizer as unknown as { learningRate: number; beta1: number; beta2: number; epsilon: number });
    states.set(optimizer, adam);
  }
  return adam;
}
