// Writes a quantised model's weights into its exported ONNX graph as what they are stored as: each
// quantised kernel becomes an int8 initialiser with its scales and a DequantizeLinear node (per
// axis in opset 13), or a float16 initialiser with a Cast, named so that the layer's own nodes read
// it unchanged. The values ONNX Runtime computes from them are the float32 values runexp evaluated
// (plugin/quantization.ts), so the exported model's outputs match the evaluated model's.
import type { Layer } from '../layers/kind.ts';
import { kindOfLayer } from '../layers/registry.ts';
import { quantizedWeightsOf, toFloat16Bits, type ModelQuantization } from '../quantization.ts';
import { int, OnnxExportError, type OnnxGraph } from './graph.ts';
import { ONNX_FLOAT } from './schema.ts';

/** ONNX TensorProto.DataType codes for the stored formats. */
const ONNX_INT8 = 3;
const ONNX_FLOAT16 = 10;

/**
 * Replaces the float initialisers of `quantization`'s weights in `graph` by their int8 or float16
 * form, each where its layer kind says it is (QuantizedWeights.onnx: dense and conv kernels keep
 * their names; a recurrent layer's kernels are its W and R, gates reordered).
 */
export function writeQuantizedWeights(graph: OnnxGraph, quantization: ModelQuantization, layerOf: (name: string) => Layer): void {
  const front = [];
  for (const { layer: layerName, weight, scales: tfjsScales } of quantization.weights) {
    const layer = layerOf(layerName);
    const place = quantizedWeightsOf(layer)?.onnx(layer, weight);
    const at = place ? graph.initializers.findIndex((i) => i.name === place.initializer) : -1;
    if (!place || at === -1)
      throw new OnnxExportError(`layer "${layerName}" (${kindOfLayer(layer).type}): its quantised ${weight} has no int8/float16 export`);
    const { initializer: name, axis } = place;
    const scales = place.scales && tfjsScales.length > 1 ? place.scales(tfjsScales) : tfjsScales;
    const [initializer] = graph.initializers.splice(at, 1);
    const values = new Float32Array(initializer.rawData.slice().buffer);
    if (quantization.bits === 16) {
      const halves = toFloat16Bits(values);
      graph.initializers.push({
        name: `${name}_float16`,
        dims: initializer.dims,
        dataType: ONNX_FLOAT16,
        rawData: new Uint8Array(halves.buffer),
      });
      front.push({ name: `${name}/Cast`, opType: 'Cast', input: [`${name}_float16`], output: [name], attribute: [int('to', ONNX_FLOAT)] });
      continue;
    }
    // Each value is q·s exactly, so q comes back as the nearest integer of value / s.
    const perChannel = scales.length > 1;
    const channels = initializer.dims[axis];
    const inner = initializer.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    const q = new Int8Array(values.length);
    for (let i = 0; i < values.length; i++) q[i] = Math.round(values[i] / scales[perChannel ? Math.floor(i / inner) % channels : 0]);
    const scaleDims = perChannel ? [scales.length] : [];
    graph.initializers.push(
      { name: `${name}_quantized`, dims: initializer.dims, dataType: ONNX_INT8, rawData: new Uint8Array(q.buffer) },
      { name: `${name}_scale`, dims: scaleDims, dataType: ONNX_FLOAT, rawData: new Uint8Array(Float32Array.from(scales).buffer) },
      { name: `${name}_zero_point`, dims: scaleDims, dataType: ONNX_INT8, rawData: new Uint8Array(scales.length) },
    );
    front.push({
      name: `${name}/DequantizeLinear`,
      opType: 'DequantizeLinear',
      input: [`${name}_quantized`, `${name}_scale`, `${name}_zero_point`],
      output: [name],
      ...(perChannel ? { attribute: [int('axis', axis)] } : {}),
    });
  }
  // Before every node that reads them (ONNX graphs are in topological order).
  graph.nodes.unshift(...front);
}
