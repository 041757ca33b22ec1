// Writes a tfjs LayersModel that runexp builds (Conv1D, Flatten, Dense and their activations, in
// any order and size, so structured-compact models too) as an ONNX model, opset 13. Tensors keep
// tfjs's layout, [batch, steps, channels]; each Conv1D is wrapped in two Transposes because ONNX
// convolves [batch, channels, steps]. The batch dimension is symbolic, so one file serves any batch.
import { ACTIVATIONS, layerActivation, type Activation } from '../architecture.ts';
import type { LayersModel } from '../tf.ts';
import { ATTRIBUTE, modelProto, ONNX_FLOAT } from './schema.ts';

export const ONNX_OPSET = 13;
/** ONNX IR version 7 is the one that goes with opset 13. */
const IR_VERSION = 7;
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

type Attribute = { name: string; type: number; f?: number; i?: number; ints?: number[] };
type Node = { name: string; opType: string; input: string[]; output: string[]; attribute?: Attribute[] };
type Initializer = { name: string; dims: number[]; dataType: number; rawData: Uint8Array };

const ints = (name: string, values: number[]): Attribute => ({ name, type: ATTRIBUTE.INTS, ints: values });
const int = (name: string, value: number): Attribute => ({ name, type: ATTRIBUTE.INT, i: value });

/** The ONNX operator for each activation runexp's layers accept (`linear` needs none). */
const ONNX_ACTIVATIONS: Record<Activation, string | null> = { linear: null, relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid', elu: 'Elu', selu: 'Selu', softplus: 'Softplus' };

export class OnnxExportError extends Error {}

function floatTensor(name: string, dims: number[], values: Float32Array): Initializer {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice(); // little-endian, as ONNX stores raw data
  return { name, dims, dataType: ONNX_FLOAT, rawData: bytes };
}

/** tfjs stores a Conv1D kernel as [kernel, in, out]; ONNX wants [out, in, kernel]. */
function convKernelToOnnx(values: Float32Array, [k, cin, f]: number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let t = 0; t < k; t++) for (let c = 0; c < cin; c++) for (let o = 0; o < f; o++) out[(o * cin + c) * k + t] = values[(t * cin + c) * f + o];
  return out;
}

/** Begin and end padding of tfjs's `same` (extra padding at the end, as TensorFlow does). */
function samePadding(length: number, kernel: number, stride: number): [number, number] {
  const outLength = Math.ceil(length / stride);
  const total = Math.max((outLength - 1) * stride + kernel - length, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * The model as the bytes of an .onnx file. Its producer is "runexp"; the run's manifest records
 * which version, so `producerVersion` is only written when given.
 */
export function exportOnnx(model: LayersModel, producerVersion?: string): Uint8Array {
  const inputShape = model.inputs[0].shape;
  if (inputShape.length !== 3) throw new OnnxExportError(`expected an input of [batch, steps, features], not [${inputShape.join(', ')}]`);
  const nodes: Node[] = [];
  const initializers: Initializer[] = [];
  let current = ONNX_INPUT;
  let steps = inputShape[1] as number;
  const emit = (opType: string, name: string, inputs: string[], attribute?: Attribute[]) => {
    const output = `${name}/${opType.toLowerCase()}`;
    nodes.push({ name: `${name}/${opType}`, opType, input: [current, ...inputs], output: [output], ...(attribute ? { attribute } : {}) });
    current = output;
  };
  for (const layer of model.layers) {
    const config = layer.getConfig() as Record<string, unknown>;
    const weights = layer.getWeights().map((w) => ({ shape: w.shape, values: Float32Array.from(w.dataSync() as Float32Array) }));
    const kind = layer.getClassName();
    if (kind === 'Flatten') {
      emit('Flatten', layer.name, [], [int('axis', 1)]);
      continue;
    }
    if (kind !== 'Conv1D' && kind !== 'Dense') throw new OnnxExportError(`layer "${layer.name}" is a ${kind}; ONNX export supports Conv1D, Flatten and Dense`);
    const [kernel, bias] = weights;
    const kernelName = `${layer.name}/kernel`;
    if (kind === 'Conv1D') {
      const [k, cin, f] = kernel.shape;
      const stride = (config.strides as number[])[0];
      const dilation = ((config.dilationRate as number[] | number | undefined) ?? 1);
      if ((Array.isArray(dilation) ? dilation[0] : dilation) !== 1) throw new OnnxExportError(`layer "${layer.name}" is dilated; ONNX export supports dilation 1`);
      const pads = config.padding === 'same' ? samePadding(steps, k, stride) : [0, 0];
      initializers.push(floatTensor(kernelName, [f, cin, k], convKernelToOnnx(kernel.values, kernel.shape)));
      const convInputs = [kernelName];
      if (bias) {
        initializers.push(floatTensor(`${layer.name}/bias`, bias.shape, bias.values));
        convInputs.push(`${layer.name}/bias`);
      }
      emit('Transpose', `${layer.name}/in`, [], [ints('perm', [0, 2, 1])]);
      emit('Conv', layer.name, convInputs, [ints('kernel_shape', [k]), ints('strides', [stride]), ints('pads', pads), ints('dilations', [1])]);
      emit('Transpose', `${layer.name}/out`, [], [ints('perm', [0, 2, 1])]);
      steps = Math.floor((steps + pads[0] + pads[1] - k) / stride) + 1;
    } else {
      initializers.push(floatTensor(kernelName, kernel.shape, kernel.values));
      emit('MatMul', layer.name, [kernelName]);
      if (bias) {
        initializers.push(floatTensor(`${layer.name}/bias`, bias.shape, bias.values));
        emit('Add', layer.name, [`${layer.name}/bias`]);
      }
    }
    const activation = layerActivation(config);
    if (!activation) throw new OnnxExportError(`layer "${layer.name}" uses an activation runexp does not build; ONNX export supports ${ACTIVATIONS.join(', ')}`);
    const op = ONNX_ACTIVATIONS[activation];
    if (op) emit(op, layer.name, []);
  }
  // The graph's output has a fixed name whatever the last layer is.
  if (nodes.length === 0) throw new OnnxExportError('the model has no layers');
  nodes[nodes.length - 1].output = [ONNX_OUTPUT];
  const outputShape = model.outputs[0].shape;
  const valueInfo = (name: string, shape: (number | null)[]) => ({
    name,
    type: { tensorType: { elemType: ONNX_FLOAT, shape: { dim: shape.map((d) => (d === null ? { dimParam: 'batch' } : { dimValue: d })) } } },
  });
  const type = modelProto();
  const message = type.fromObject({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'runexp',
    ...(producerVersion ? { producerVersion } : {}),
    graph: { name: model.name, node: nodes, initializer: initializers, input: [valueInfo(ONNX_INPUT, inputShape)], output: [valueInfo(ONNX_OUTPUT, outputShape)] },
  });
  return type.encode(message).finish();
}
