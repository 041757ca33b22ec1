// A layer kind of your own: a gated linear unit (Dauphin et al., 2017). Each of its `units`
// outputs is a linear unit gated by the sigmoid of another: y = (x·W + b) ⊙ σ(x·V + c), with W and
// V side by side in one kernel [inputs, 2 · units]. Written on the same descriptor API as runexp's
// built-in kinds (src/plugin/layers/kinds/): a spec names it by this file's path,
// `{type: ./layers/glu.ts, units: 60}`, and runexp validates its options, builds it with seeded
// weights, prunes its kernel (`layers: hidden`, or `layers: [glu]`), counts its MACs and saves and
// loads it. It trains on tfjs's gradient tape; it has no ONNX export (so `runtime: onnxruntime`
// refuses it, naming it) and no structured shrink.
import { z } from 'zod';
import { defineLayerKind, inputShapeOf } from 'runexp/plugin/model';
import type { Tf } from 'runexp/plugin';

const CLASS_NAME = 'GatedLinearUnit';

interface GluArgs {
  units: number;
  seed?: number;
  name?: string;
  inputShape?: number[];
}

/** The tfjs layer class, made once per tfjs (a plugin gets tfjs at run time) and registered so saved models load. */
const classes = new WeakMap<object, new (args: GluArgs) => InstanceType<Tf['layers']['Layer']>>();
function gluClass(tf: Tf) {
  const registry = tf.serialization.SerializationMap.getMap();
  const known = classes.get(registry);
  if (known) return known;
  type Tensor = InstanceType<Tf['Tensor']>;
  class GatedLinearUnit extends tf.layers.Layer {
    static className = CLASS_NAME;
    private readonly units: number;
    private readonly seed?: number;
    private kernel?: ReturnType<GatedLinearUnit['addWeight']>;
    private bias?: ReturnType<GatedLinearUnit['addWeight']>;
    constructor(args: GluArgs) {
      super(args);
      this.units = args.units;
      this.seed = args.seed;
    }
    override build(inputShape: (number | null)[]) {
      const inputs = inputShape.at(-1)!;
      this.kernel = this.addWeight('kernel', [inputs, 2 * this.units], 'float32', tf.initializers.glorotUniform({ seed: this.seed }));
      this.bias = this.addWeight('bias', [2 * this.units], 'float32', tf.initializers.zeros());
      this.built = true;
    }
    override computeOutputShape(inputShape: (number | null)[]) {
      return [...inputShape.slice(0, -1), this.units];
    }
    override call(inputs: Tensor | Tensor[]) {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const rows = tf.reshape(x, [-1, x.shape.at(-1)!]);
        const [linear, gate] = tf.split(tf.add(tf.matMul(rows, this.kernel!.read()), this.bias!.read()), 2, -1);
        return tf.reshape(tf.mul(linear, tf.sigmoid(gate)), [...x.shape.slice(0, -1), this.units]);
      });
    }
    override getConfig() {
      return { ...super.getConfig(), units: this.units, ...(this.seed === undefined ? {} : { seed: this.seed }) };
    }
  }
  tf.serialization.registerClass(GatedLinearUnit);
  classes.set(registry, GatedLinearUnit);
  return GatedLinearUnit;
}

export default defineLayerKind({
  type: 'glu',
  className: CLASS_NAME,
  description: 'gated linear unit: units outputs (x·W + b) ⊙ σ(x·V + c)',
  prunable: true,
  options: z.strictObject({ units: z.int().positive() }),
  outputShape: (input, o) => [...input.slice(0, -1), o.units],
  register: (tf) => void gluClass(tf),
  build: (tf, o, at) =>
    new (gluClass(tf))({ units: o.units, seed: at.seed(0), name: at.name, ...(at.inputShape ? { inputShape: at.inputShape } : {}) }),
  weights: () => [
    { name: 'kernel', prunedByDefault: true },
    { name: 'bias', prunedByDefault: false },
  ],
  // Each kernel value is multiplied once per row the layer sees (one per step on [steps, features]).
  uses: (layer) => ({
    kernel: inputShapeOf(layer)
      .slice(0, -1)
      .reduce((a, b) => a * b, 1),
  }),
});
