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
) => void;

let compiled: WebAssembly.Module | undefined;
const adamModule = () => (compiled ??= new WebAssembly.Module(readFileSync(new URL('./adam.wasm', import.meta.url))));

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
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly oneMinusBeta1: number;
  private readonly oneMinusBeta2: number;
  private readonly epsilon: number;
  private readonly negativeLearningRate: number;
  private accBeta1: number;
  private accBeta2: number;
  private readonly memory: WebAssembly.Memory;
  private readonly kernel: AdamKernel;
  private readonly slots = new Map<string, Slots>();
  private used = 0;

  constructor(
    private readonly tf: Tf,
    optimizer: { learningRate: number; beta1: number; beta2: number; epsilon: number },
  ) {
    // Each constant becomes a float32 scalar tensor in tfjs's expressions: round it the same way.
    this.beta1 = f32(optimizer.beta1);
    this.beta2 = f32(optimizer.beta2);
    this.oneMinusBeta1 = f32(1 - optimizer.beta1);
    this.oneMinusBeta2 = f32(1 - optimizer.beta2);
    this.epsilon = f32(optimizer.epsilon);
    this.negativeLearningRate = f32(-optimizer.learningRate);
    this.accBeta1 = this.beta1;
    this.accBeta2 = this.beta2;
    const instance = new WebAssembly.Instance(adamModule());
    this.memory = instance.exports.memory as WebAssembly.Memory;
    this.kernel = instance.exports.adam as AdamKernel;
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

  /**
   * Stacked training (stacked.ts) drops seeds that stopped: `next` replaces `variable`, keeping the
   * moments of the seeds at `kept` (indices into its leading axis of `seeds`), in that order.
   */
  keepSeeds(variable: Variable, next: Variable, kept: readonly number[], seeds: number): void {
    const slots = this.slots.get(variable.name);
    this.slots.delete(variable.name);
    if (!slots) return;
    const heap = new Float32Array(this.memory.buffer);
    const perSeed = slots.n / seeds;
    for (const moments of [slots.m / 4, slots.v / 4]) {
      kept.forEach((seed, i) => heap.copyWithin(moments + i * perSeed, moments + seed * perSeed, moments + (seed + 1) * perSeed));
    }
    this.slots.set(next.name, { ...slots, n: kept.length * perSeed });
  }

  /** One Adam step: each variable moves by its gradient (variables without one are left alone). */
  apply(variables: readonly Variable[], grads: Record<string, Tensor>): void {
    const biasCorrection1 = f32(1 - this.accBeta1);
    const biasCorrection2 = f32(1 - this.accBeta2);
    for (const variable of variables) {
      const gradient = grads[variable.name];
      if (!gradient) continue;
      const { g, m, v, w, n } = this.slotsOf(variable);
      const heap = new Float32Array(this.memory.buffer); // after any growth
      heap.set(gradient.dataSync() as Float32Array, g / 4);
      heap.set(variable.dataSync() as Float32Array, w / 4);
      this.kernel(
        g,
        m,
        v,
        w,
        n,
        this.beta1,
        this.beta2,
        this.oneMinusBeta1,
        this.oneMinusBeta2,
        biasCorrection1,
        biasCorrection2,
        this.epsilon,
        this.negativeLearningRate,
      );
      // A copy: the cpu backend keeps the array it is given. assign() shares the new tensor's data
      // and leaves the tensor itself to us.
      const updated = this.tf.tensor(heap.slice(w / 4, w / 4 + n), variable.shape);
      variable.assign(updated);
      updated.dispose();
    }
    this.accBeta1 = f32(this.accBeta1 * this.beta1);
    this.accBeta2 = f32(this.accBeta2 * this.beta2);
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
