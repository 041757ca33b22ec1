// What the four 1-D pooling kinds share: windowed pooling over steps (max or average) and global
// pooling over all steps. No weights; ONNX pools [batch, channels, steps], hence the Transposes.
import { z } from 'zod';
import { defineLayerKind, inputShapeOf, type LayerKind } from '../kind.ts';
import { int, ints, samePads } from '../../onnx/graph.ts';
import { passChannels } from '../shrink.ts';

const needsSteps = (type: string, input: number[]) => (input.length === 2 ? undefined : `${type} needs [steps, channels] input`);

export function windowedPooling(
  type: string,
  className: 'MaxPooling1D' | 'AveragePooling1D',
  onnxOp: 'MaxPool' | 'AveragePool',
  what: string,
): LayerKind {
  return defineLayerKind({
    type,
    className,
    description: `${what} of each poolSize steps`,
    prunable: false,
    options: z.strictObject({
      poolSize: z.int().positive().default(2),
      strides: z.int().positive().optional().describe('steps between pools (poolSize when left out)'),
      padding: z.enum(['valid', 'same']).default('valid'),
    }),
    outputShape(input, o) {
      const problem = needsSteps(type, input);
      if (problem) return problem;
      const stride = o.strides ?? o.poolSize;
      const steps = o.padding === 'same' ? Math.ceil(input[0] / stride) : Math.floor((input[0] - o.poolSize) / stride) + 1;
      return steps < 1 ? `${type}'s pool of ${o.poolSize} steps is longer than its input (${input[0]})` : [steps, input[1]];
    },
    build: (tf, o, at) => {
      const args = {
        ...(at.inputShape ? { inputShape: at.inputShape } : {}),
        name: at.name,
        poolSize: o.poolSize,
        strides: o.strides ?? o.poolSize,
        padding: o.padding,
      };
      return className === 'MaxPooling1D' ? tf.layers.maxPooling1d(args) : tf.layers.averagePooling1d(args);
    },
    weights: () => [],
    // A constant channel pools to that constant: kept channels and constants pass as they are.
    shrink: passChannels,
    uses: () => ({}),
    onnx(layer, graph) {
      const config = layer.getConfig() as { poolSize: number[] | number; strides: number[] | number; padding: string };
      const pool = [config.poolSize].flat()[0];
      const stride = [config.strides].flat()[0];
      const pads = samePads(config.padding, inputShapeOf(layer)[0], pool, stride);
      graph.op('Transpose', `${layer.name}/in`, [], [ints('perm', [0, 2, 1])]);
      // Averages over the steps inside the input only, as tfjs does at the padded edge.
      graph.op(onnxOp, layer.name, [], [ints('kernel_shape', [pool]), ints('strides', [stride]), ints('pads', pads)]);
      graph.op('Transpose', `${layer.name}/out`, [], [ints('perm', [0, 2, 1])]);
    },
  });
}

export function globalPooling(
  type: string,
  className: 'GlobalMaxPooling1D' | 'GlobalAveragePooling1D',
  onnxOp: 'ReduceMax' | 'ReduceMean',
  what: string,
): LayerKind {
  return defineLayerKind({
    type,
    className,
    description: `${what} over all steps: one value per channel`,
    prunable: false,
    options: z.strictObject({}),
    outputShape: (input) => needsSteps(type, input) ?? [input[1]],
    build: (tf, _o, at) => {
      const args = { ...(at.inputShape ? { inputShape: at.inputShape } : {}), name: at.name };
      return className === 'GlobalMaxPooling1D' ? tf.layers.globalMaxPooling1d(args) : tf.layers.globalAveragePooling1d(args);
    },
    weights: () => [],
    // A constant channel pools to that constant: kept channels and constants pass as they are.
    shrink: passChannels,
    uses: () => ({}),
    onnx: (layer, graph) => void graph.op(onnxOp, layer.name, [], [ints('axes', [1]), int('keepdims', 0)]),
  });
}
