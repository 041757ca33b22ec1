// Normalises each step's features by their own mean and variance, then scales (gamma) and
// shifts (beta). ONNX's LayerNormalization operator needs opset 17; in opset 13 it is written out.
import { z } from 'zod';
import { defineLayerKind, inputShapeOf, product } from '../kind.ts';
import { ints } from '../../onnx/graph.ts';

export default defineLayerKind({
  type: 'layerNormalization',
  className: 'LayerNormalization',
  description: "normalises each step's features by their own mean and variance, then scale (gamma) and shift (beta)",
  prunable: false,
  options: z.strictObject({
    epsilon: z.number().positive().optional().describe('added to the variance (0.001 when left out)'),
  }),
  outputShape: (input) => input,
  build: (tf, o, at) =>
    tf.layers.layerNormalization({
      ...(at.inputShape ? { inputShape: at.inputShape } : {}),
      name: at.name,
      ...(o.epsilon ? { epsilon: o.epsilon } : {}),
    }),
  weights: () => ['gamma', 'beta'].map((name) => ({ name, prunedByDefault: false })),
  uses: (layer) => ({ gamma: product(inputShapeOf(layer).slice(0, -1)) }),
  onnx(layer, graph) {
    const epsilon = (layer.getConfig() as { epsilon: number }).epsilon;
    const [gamma, beta] = layer.getWeights();
    const n = layer.name;
    const x = graph.current;
    const mean = graph.op('ReduceMean', `${n}/mean`, [], [ints('axes', [-1])], x);
    const centred = graph.op('Sub', `${n}/centred`, [mean], undefined, x);
    graph.op('Mul', `${n}/square`, [centred]);
    graph.op('ReduceMean', `${n}/variance`, [], [ints('axes', [-1])]);
    graph.op('Add', `${n}/variance`, [graph.constant(`${n}/epsilon`, [], [epsilon])]);
    const std = graph.op('Sqrt', n);
    graph.op('Div', n, [std], undefined, centred);
    graph.op('Mul', n, [graph.constant(`${n}/gamma`, gamma.shape, gamma.dataSync() as Float32Array)]);
    graph.op('Add', n, [graph.constant(`${n}/beta`, beta.shape, beta.dataSync() as Float32Array)]);
  },
});
