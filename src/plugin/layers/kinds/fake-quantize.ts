// Static int8 activation quantisation, as a layer: its input rounded to the uint8 grid of a
// calibrated range and back, q = clamp(round(x / scale) + zeroPoint, 0, 255), out = (q − zeroPoint)
// · scale — ONNX's QuantizeLinear then DequantizeLinear, round half to even, so the model runexp
// evaluates computes what the exported QDQ graph does. Not written in specs: the quantize
// compactor puts one before each quantised layer (plugins/compact/quantize.ts).
import { z } from 'zod';
import { defineLayerKind, type Layer } from '../kind.ts';
import type { Tensor, Tf } from '../../tf.ts';

export const FAKE_QUANTIZE_CLASS_NAME = 'RunexpFakeQuantize';

type LayerClass = new (args: Record<string, unknown>) => Layer;
const classes = new WeakMap<object, LayerClass>();

/** The fake-quantisation layer class for this tfjs, created and registered once. */
function fakeQuantizeClass(tf: Tf): LayerClass {
  const serialization = tf.serialization.SerializationMap.getMap();
  const known = classes.get(serialization);
  if (known) return known;
  const Base = tf.layers.Layer as unknown as LayerClass;
  class FakeQuantize extends Base {
    static className = FAKE_QUANTIZE_CLASS_NAME;
    readonly scale: number;
    readonly zeroPoint: number;
    constructor(args: Record<string, unknown>) {
      super(args);
      this.scale = args.scale as number;
      this.zeroPoint = args.zeroPoint as number;
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.tidy(() => {
        const q = tf.clipByValue(tf.add(tf.round(tf.div(x, this.scale)), this.zeroPoint), 0, 255);
        return tf.mul(tf.sub(q, this.zeroPoint), this.scale);
      });
    }
    override computeOutputShape(inputShape: (number | null)[]) {
      return inputShape;
    }
    override getConfig() {
      return { ...super.getConfig(), scale: this.scale, zeroPoint: this.zeroPoint };
    }
  }
  tf.serialization.registerClass(FakeQuantize as never);
  classes.set(serialization, FakeQuantize);
  return FakeQuantize;
}

export default defineLayerKind({
  type: 'fakeQuantize',
  className: FAKE_QUANTIZE_CLASS_NAME,
  internal: true,
  description: 'its input rounded to a calibrated uint8 grid and back (static int8 activation quantisation)',
  prunable: false,
  options: z.strictObject({ scale: z.number().positive(), zeroPoint: z.int().min(0).max(255) }),
  outputShape: (input) => input,
  register: (tf) => void fakeQuantizeClass(tf),
  build: (tf, o, at) =>
    new (fakeQuantizeClass(tf))({
      ...(at.inputShape ? { inputShape: at.inputShape } : {}),
      name: at.name,
      scale: o.scale,
      zeroPoint: o.zeroPoint,
    }),
  weights: () => [],
  uses: () => ({}),
  onnx(layer, graph) {
    const { scale, zeroPoint } = layer as unknown as { scale: number; zeroPoint: number };
    const scaleName = graph.constant(`${layer.name}/scale`, [], [scale]);
    const zero = graph.uint8(`${layer.name}/zero_point`, zeroPoint);
    graph.op('QuantizeLinear', layer.name, [scaleName, zero]);
    graph.op('DequantizeLinear', layer.name, [scaleName, zero]);
  },
});
