// Adam for a stack of seeds (stacked.ts): one call of adam.wasm per stacked weight, working in
// place on tfjs's wasm heap (the gradient, both moments and the weights are tensors there), so a
// step copies nothing. Element by element it is WasmAdam's arithmetic, which is tfjs's to the bit;
// every seed stepped together, so the beta powers they share are those each would have alone.
import type { Tf } from '../../plugin/index.ts';
import { wasmHeap } from '../../plugin/kit/model.ts';
import { type AdamKernel, adamConstants, adamKernel } from './adam.ts';

type Tensor = InstanceType<Tf['Tensor']>;
type Variable = InstanceType<Tf['Variable']>;
const f32 = Math.fround;

const kernels = new WeakMap<WebAssembly.Memory, AdamKernel>();

export class StackedAdam {
  private readonly constants: ReturnType<typeof adamConstants>;
  private accBeta1: number;
  private accBeta2: number;
  private readonly kernel: AdamKernel;
  private moments: Array<{ m: Tensor; v: Tensor }>;

  constructor(
    private readonly tf: Tf,
    /** A tfjs AdamOptimizer, for its settings (learning rate, betas, epsilon). */
    optimizer: { learningRate: number; beta1: number; beta2: number; epsilon: number },
    variables: readonly Variable[],
  ) {
    this.constants = adamConstants(optimizer);
    this.accBeta1 = this.constants.beta1;
    this.accBeta2 = this.constants.beta2;
    const { memory } = wasmHeap(tf);
    if (!kernels.has(memory)) kernels.set(memory, adamKernel(memory));
    this.kernel = kernels.get(memory)!;
    this.moments = variables.map((v) => ({ m: tf.zeros(v.shape), v: tf.zeros(v.shape) }));
  }

  /** One step: variables[i] moves by grads[i], in place. */
  apply(variables: readonly Variable[], grads: readonly Tensor[]): void {
    const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, epsilon, negativeLearningRate } = this.constants;
    const biasCorrection1 = f32(1 - this.accBeta1);
    const biasCorrection2 = f32(1 - this.accBeta2);
    // The heap may have grown since the last step: offsets are asked afresh.
    const { offset } = wasmHeap(this.tf);
    variables.forEach((variable, i) => {
      const { m, v } = this.moments[i];
      this.kernel(
        offset(grads[i]),
        offset(m),
        offset(v),
        offset(variable),
        variable.size,
        beta1,
        beta2,
        oneMinusBeta1,
        oneMinusBeta2,
        biasCorrection1,
        biasCorrection2,
        epsilon,
        negativeLearningRate,
      );
    });
    this.accBeta1 = f32(this.accBeta1 * beta1);
    this.accBeta2 = f32(this.accBeta2 * beta2);
  }

  /** Keeps the moments of the seeds at `kept` (indices into the leading axis), in that order. */
  keep(kept: readonly number[]): void {
    const { tf } = this;
    const previous = this.moments;
    this.moments = previous.map(({ m, v }) => ({ m: tf.gather(m, [...kept]), v: tf.gather(v, [...kept]) }));
    tf.dispose(previous.flatMap(({ m, v }) => [m, v]));
  }

  dispose(): void {
    this.tf.dispose(this.moments.flatMap(({ m, v }) => [m, v]));
  }
}
