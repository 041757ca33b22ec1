// Adam for a stack of seeds (stacked.ts): one call of adam.wasm per stacked weight, working in
// place on tfjs's wasm heap (the gradient, both moments and the weights are tensors there), so a
// step copies nothing. Element by element it is WasmAdam's arithmetic, which is tfjs's to the bit;
// every seed stepped together, so the beta powers they share are those each would have alone.
import type { Tf } from '../../plugin/index.ts';
import { wasmHeap } from '../../plugin/kit/model.ts';
import { AdamArithmetic } from './adam.ts';

type Tensor = InstanceType<Tf['Tensor']>;
type Variable = InstanceType<Tf['Variable']>;

export class StackedAdam {
  private readonly arithmetic: AdamArithmetic;
  private moments: Array<{ m: Tensor; v: Tensor }>;

  constructor(
    private readonly tf: Tf,
    /** A tfjs AdamOptimizer, for its settings (learning rate, betas, epsilon). */
    optimizer: { learningRate: number; beta1: number; beta2: number; epsilon: number },
    variables: readonly Variable[],
  ) {
    this.arithmetic = new AdamArithmetic(wasmHeap(tf).memory, optimizer);
    this.moments = variables.map((v) => ({ m: tf.zeros(v.shape), v: tf.zeros(v.shape) }));
  }

  /** One step: variables[i] moves by grads[i], in place. */
  apply(variables: readonly Variable[], grads: readonly Tensor[]): void {
    // The heap may have grown since the last step: offsets are asked afresh.
    const { offset } = wasmHeap(this.tf);
    variables.forEach((variable, i) => {
      const { m, v } = this.moments[i];
      this.arithmetic.update(offset(grads[i]), offset(m), offset(v), offset(variable), variable.size);
    });
    this.arithmetic.next();
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
