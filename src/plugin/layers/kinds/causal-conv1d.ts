// `padding: causal` for conv1d: output step t sees only input steps ≤ t (WaveNet, TCN). tfjs-layers
// throws NotImplementedError for it, so runexp builds a Conv1D subclass that pads the input with
// (kernelSize − 1)·dilationRate zeros on the left and convolves it 'valid' — what Keras does. It is
// registered for tfjs's serialization under its own class name, so saved models load again.
import type { Layer } from '../kind.ts';
import type { Tensor, Tf } from '../../tf.ts';

export const CAUSAL_CLASS_NAME = 'RunexpCausalConv1D';

type LayerClass = new (args: Record<string, unknown>) => Layer;
const classes = new WeakMap<object, LayerClass>();

/** The causal Conv1D class for this tfjs, created and registered once. */
export function causalConv1dClass(tf: Tf): LayerClass {
  const serialization = tf.serialization.SerializationMap.getMap();
  const known = classes.get(serialization);
  if (known) return known;
  const Conv1D = serialization.classNameMap.Conv1D[0] as unknown as LayerClass;
  class CausalConv1D extends Conv1D {
    static className = CAUSAL_CLASS_NAME;
    private readonly leftPad: number;
    constructor(args: Record<string, unknown>) {
      super({ ...args, padding: 'valid' });
      const dilation = args.dilationRate;
      this.leftPad =
        (Array.isArray(args.kernelSize as number[] | number) ? (args.kernelSize as number[])[0] - 1 : (args.kernelSize as number) - 1) *
        ((Array.isArray(dilation) ? dilation[0] : dilation) ?? 1);
    }
    override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor | Tensor[] {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.tidy(
        () =>
          super.call(
            tf.pad(x, [
              [0, 0],
              [this.leftPad, 0],
              [0, 0],
            ]),
            kwargs as never,
          ) as Tensor,
      );
    }
    override computeOutputShape(inputShape: (number | null)[]) {
      const [n, steps, channels] = inputShape;
      return super.computeOutputShape([n, steps === null ? null : steps + this.leftPad, channels] as never);
    }
    override getConfig() {
      return { ...super.getConfig(), padding: 'causal' };
    }
  }
  tf.serialization.registerClass(CausalConv1D as never);
  classes.set(serialization, CausalConv1D);
  return CausalConv1D;
}
