// Adam's update in plain JavaScript, for the wasm and cpu backends. tfjs's AdamOptimizer spends about
// a dozen kernel launches per weight tensor per step (mul, add, square, div, sqrt, assign, ...), and
// on a model as small as the paper's each launch costs more than its arithmetic. This does the same
// float32 operations in the same order, each rounded to float32 with Math.fround, so the weights
// come out bit-identical to tfjs's (test/unit/training-loop.test.ts): both backends compute every
// elementwise op in IEEE float32 without fused multiply-adds. Native TensorFlow (tfjs-node) may
// fuse or vectorise differently, so it keeps tfjs's optimizer.
import type { Tf } from '../../plugin/index.ts';

type Tensor = InstanceType<Tf['Tensor']>;
type Variable = InstanceType<Tf['Variable']>;
const f32 = Math.fround;

/** The state tfjs's Adam keeps, held as arrays: first and second moments, and beta powers. */
export class JsAdam {
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly oneMinusBeta1: number;
  private readonly oneMinusBeta2: number;
  private readonly epsilon: number;
  private readonly negativeLearningRate: number;
  private accBeta1: number;
  private accBeta2: number;
  /** Per variable: the moments, and a scratch array for the new values (tfjs copies it). */
  private readonly moments = new Map<string, { m: Float32Array; v: Float32Array; next: Float32Array }>();

  constructor(private readonly tf: Tf, optimizer: { learningRate: number; beta1: number; beta2: number; epsilon: number }) {
    // Each constant becomes a float32 scalar tensor in tfjs's expressions: round it the same way.
    this.beta1 = f32(optimizer.beta1);
    this.beta2 = f32(optimizer.beta2);
    this.oneMinusBeta1 = f32(1 - optimizer.beta1);
    this.oneMinusBeta2 = f32(1 - optimizer.beta2);
    this.epsilon = f32(optimizer.epsilon);
    this.negativeLearningRate = f32(-optimizer.learningRate);
    this.accBeta1 = this.beta1;
    this.accBeta2 = this.beta2;
  }

  /** One Adam step: each variable moves by its gradient (variables without one are left alone). */
  apply(variables: readonly Variable[], grads: Record<string, Tensor>): void {
    const biasCorrection1 = f32(1 - this.accBeta1);
    const biasCorrection2 = f32(1 - this.accBeta2);
    for (const variable of variables) {
      const gradient = grads[variable.name];
      if (!gradient) continue;
      const g = gradient.dataSync() as Float32Array;
      const value = variable.dataSync() as Float32Array;
      let state = this.moments.get(variable.name);
      if (!state) {
        state = { m: new Float32Array(g.length), v: new Float32Array(g.length), next: new Float32Array(g.length) };
        this.moments.set(variable.name, state);
      }
      const { m, v, next } = state;
      // Locals, not fields, in the hot loop.
      const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, epsilon, negativeLearningRate } = this;
      for (let i = 0; i < g.length; i++) {
        const gi = g[i];
        const mi = f32(f32(m[i] * beta1) + f32(gi * oneMinusBeta1));
        const vi = f32(f32(v[i] * beta2) + f32(f32(gi * gi) * oneMinusBeta2));
        m[i] = mi;
        v[i] = vi;
        const mHat = f32(mi / biasCorrection1);
        const vHat = f32(vi / biasCorrection2);
        next[i] = f32(f32(f32(mHat / f32(f32(Math.sqrt(vHat)) + epsilon)) * negativeLearningRate) + value[i]);
      }
      // assign() shares the new tensor's data and leaves the tensor itself to the caller.
      const updated = this.tf.tensor(next, variable.shape);
      variable.assign(updated);
      updated.dispose();
    }
    this.accBeta1 = f32(this.accBeta1 * this.beta1);
    this.accBeta2 = f32(this.accBeta2 * this.beta2);
  }
}

const states = new WeakMap<object, JsAdam>();

/**
 * The JsAdam that stands in for `optimizer` across epochs, or undefined where tfjs's own must run:
 * another optimizer, or a backend other than wasm and cpu.
 */
export function jsAdamFor(tf: Tf, optimizer: object): JsAdam | undefined {
  if (!(optimizer instanceof tf.AdamOptimizer) || !['wasm', 'cpu'].includes(tf.getBackend())) return undefined;
  let adam = states.get(optimizer);
  if (!adam) {
    adam = new JsAdam(tf, optimizer as unknown as { learningRate: number; beta1: number; beta2: number; epsilon: number });
    states.set(optimizer, adam);
  }
  return adam;
}
