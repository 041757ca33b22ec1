// Writes a tfjs LayersModel that runexp builds as an ONNX model, opset 13: each layer is written
// by its kind (layers/kinds/), then its activation (layers/activations.ts). Tensors keep tfjs's
// layout, [batch, steps, channels]; kinds that ONNX computes in another layout (Conv, pooling,
// recurrent operators) transpose around themselves. The batch dimension is symbolic, so one file
// serves any batch.
import { layerActivation, ACTIVATION_TABLE } from '../layers/activations.ts';
import { kindOfLayer } from '../layers/registry.ts';
import type { LayersModel } from '../tf.ts';
import { OnnxExportError, OnnxGraph } from './graph.ts';
import type { ModelQuantization } from '../quantization.ts';
import { writeQuantizedWeights } from './quantized-weights.ts';
import { modelProto, ONNX_FLOAT } from './schema.ts';

export { OnnxExportError } from './graph.ts';

/** The ONNX opset exported models use. */
export const ONNX_OPSET = 13;
/** ONNX IR version 7 is the one that goes with opset 13. */
const IR_VERSION = 7;
/** The name of an exported model's input: windows of shape [batch, steps, features]. */
export const ONNX_INPUT = 'input';
/** The name of an exported model's output: one forecast per window. */
export const ONNX_OUTPUT = 'output';

/**
 * The model as the bytes of an .onnx file. Its producer is "runexp"; the run's manifest records
 * which version, so `producerVersion` is only written when given. A quantised model's kernels are
 * written as stored (int8 with DequantizeLinear, or float16 with a Cast) when `quantization` says how.
 */
export function exportOnnx(model: LayersModel, producerVersion?: string, quantization?: ModelQuantization): Uint8Array {
  const inputShape = model.inputs[0].shape;
  if (inputShape.length !== 3) throw new OnnxExportError(`expected an input of [batch, steps, features], not [${inputShape.join(', ')}]`);
  const graph = new OnnxGraph(ONNX_INPUT);
  // Each layer reads what the layers feeding it left (a residual block's sum reads two); the
  // model's input layer, listed or hidden (a sequential model's), is the graph's input.
  const outputOf = new Map<string, string>();
  for (const layer of model.layers) {
    const inbound = (layer as unknown as { inboundNodes: { inboundLayers: { name: string }[] }[] }).inboundNodes[0]?.inboundLayers ?? [];
    graph.inputs = inbound.map((l) => outputOf.get(l.name) ?? ONNX_INPUT);
    graph.current = graph.inputs[0] ?? ONNX_INPUT;
    const kind = kindOfLayer(layer);
    if (!kind.onnx) throw new OnnxExportError(`layer "${layer.name}" is a ${kind.type}, which has no ONNX export`);
    kind.onnx(layer, graph);
    const config = layer.getConfig() as Record<string, unknown>;
    if ('activation' in config && !kind.onnxActivates) {
      const activation = layerActivation(config);
      if (!activation)
        throw new OnnxExportError(`layer "${layer.name}" uses an activation tfjs does not name (${JSON.stringify(config.activation)})`);
      ACTIVATION_TABLE[activation].onnx(graph, layer.name);
    }
    outputOf.set(layer.name, graph.current);
  }
  if (quantization) writeQuantizedWeights(graph, quantization, (name) => model.getLayer(name));
  graph.current = outputOf.get(model.layers.at(-1)!.name)!;
  // The graph's output has a fixed name whatever the last layer is; a model of identities alone gets one node.
  if (graph.current === ONNX_INPUT) graph.op('Identity', 'output');
  const last = [...graph.nodes].reverse().find((n) => n.output.includes(graph.current))!;
  last.output[last.output.indexOf(graph.current)] = ONNX_OUTPUT;
  const outputShape = model.outputs[0].shape;
  const valueInfo = (name: string, shape: (number | null)[]) => ({
    name,
    type: {
      tensorType: { elemType: ONNX_FLOAT, shape: { dim: shape.map((d) => (d === null ? { dimParam: 'batch' } : { dimValue: d })) } },
    },
  });
  const type = modelProto();
  const message = type.fromObject({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'runexp',
    ...(producerVersion ? { producerVersion } : {}),
    graph: {
      name: model.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: [valueInfo(ONNX_INPUT, inputShape)],
      output: [valueInfo(ONNX_OUTPUT, outputShape)],
    },
  });
  return type.encode(message).finish();
}
