// A recurrent layer run over the window both ways: tfjs's Bidirectional wrapper around an lstm, gru
// or simpleRnn, its two directions' outputs concatenated (or summed, averaged, multiplied). Its
// weights are the forward layer's then the backward one's, named forwardKernel,
// forwardRecurrentKernel, forwardBias, backwardKernel, …; ONNX writes one recurrent operator with
// direction "bidirectional". tfjs builds the backward layer from the forward one's config, seeds
// included, so the two directions start from the same weights (as in Keras) and part as they train.
// Structured pruning removes a unit from both directions (the wrapped kind's shrink, twice).
import { z } from 'zod';
import { defineLayerKind, inputShapeOf, type Layer } from '../kind.ts';
import { recurrentOnnx, recurrentSpecOf, type MergeMode } from './recurrent.ts';
import gru from './gru.ts';
import lstm from './lstm.ts';
import simpleRnn from './simple-rnn.ts';

const WRAPPED = [lstm, gru, simpleRnn];
const wrappedSchema = z.discriminatedUnion(
  'type',
  WRAPPED.map((kind) => kind.options.extend({ type: z.literal(kind.type) })) as unknown as [z.ZodObject, ...z.ZodObject[]],
);
type Wrapped = { type: string; units: number; returnSequences?: boolean } & Record<string, unknown>;

const capitalised = (name: string) => name[0].toUpperCase() + name.slice(1);
/** The forward and backward layers tfjs's wrapper holds. */
const directions = (layer: Layer): Layer[] => {
  const wrapper = layer as unknown as { forwardLayer: Layer; backwardLayer: Layer };
  return [wrapper.forwardLayer, wrapper.backwardLayer];
};

export default defineLayerKind({
  type: 'bidirectional',
  className: 'Bidirectional',
  description: 'a recurrent layer (lstm, gru or simpleRnn) run forwards and backwards over the window, outputs merged',
  prunable: true,
  options: z.strictObject({
    layer: wrappedSchema.describe('the recurrent layer run both ways: {type: lstm|gru|simpleRnn, units, …}'),
    mergeMode: z
      .enum(['concat', 'sum', 'ave', 'mul'])
      .optional()
      .describe("how the two directions' outputs combine; concat (2 × units wide) when left out"),
  }),
  outputShape(input, o) {
    const inner = o.layer as Wrapped;
    if (input.length !== 2)
      return `bidirectional needs [steps, features] input (after a flatten, a dense on a flat input or a recurrent layer without returnSequences?)`;
    const width = (o.mergeMode ?? 'concat') === 'concat' ? 2 * inner.units : inner.units;
    return inner.returnSequences ? [input[0], width] : [width];
  },
  build(tf, o, at) {
    const inner = o.layer as Wrapped;
    const kind = WRAPPED.find((k) => k.type === inner.type)!;
    const layer = kind.build(tf, inner, { name: inner.type, seed: at.seed });
    return tf.layers.bidirectional({
      layer: layer as never,
      mergeMode: o.mergeMode ?? 'concat',
      name: at.name,
      ...(at.inputShape ? { inputShape: at.inputShape } : {}),
    } as never) as unknown as Layer;
  },
  weights(layer) {
    return directions(layer).flatMap((direction, i) =>
      recurrentWeights(direction).map((w) => ({ ...w, name: `${i === 0 ? 'forward' : 'backward'}${capitalised(w.name)}` })),
    );
  },
  uses(layer) {
    const steps = inputShapeOf(layer)[0];
    return { forwardKernel: steps, forwardRecurrentKernel: steps, backwardKernel: steps, backwardRecurrentKernel: steps };
  },
  onnx(layer, graph) {
    const [forward] = directions(layer);
    const spec = recurrentSpecOf(forward.getClassName())!;
    recurrentOnnx(
      spec,
      layer.name,
      directions(layer),
      inputShapeOf(layer)[1],
      graph,
      (layer.getConfig() as { mergeMode?: MergeMode }).mergeMode ?? 'concat',
    );
  },
  onnxActivates: true,
  // Unit u is removed from both directions at once (its columns in every gate of each), so the
  // merged channel u (and, concatenated, u + units) is 0: merged from two zeros by any mode.
  shrink(tf, layer, incoming, removed) {
    const [forward, backward] = directions(layer);
    const inner = kindOfWrapped(forward);
    const shrunk = [forward, backward].map((direction) => inner.shrink!(tf, direction, incoming, removed));
    const weights = shrunk.flatMap((d) => d.weights);
    const own = shrunk[0].out;
    const units = unitsOf(forward);
    if (!own.kept || ((layer.getConfig() as { mergeMode?: MergeMode }).mergeMode ?? 'concat') !== 'concat') return { weights, out: own };
    const kept = [...own.kept, ...own.kept.map((u) => u + units)];
    const constants = new Map(
      [...own.constants].flatMap(
        ([u, v]) =>
          [
            [u, v],
            [u + units, v],
          ] as [number, number][],
      ),
    );
    return { weights, out: { kept, constants } };
  },
  units: (o) => (o.layer as Wrapped).units,
  withUnits: (o, units) => ({ ...o, layer: { ...(o.layer as Wrapped), units } }),
});

const unitsOf = (layer: Layer) => (layer.getConfig() as { units: number }).units;
const kindOfWrapped = (layer: Layer) => WRAPPED.find((k) => k.className === layer.getClassName())!;

/** A wrapped recurrent layer's own weights (its kind's). */
function recurrentWeights(layer: Layer) {
  return kindOfWrapped(layer).weights(layer);
}
