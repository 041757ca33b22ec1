// An ONNX graph under construction: the nodes and initialisers a model's layers add, one after
// another, each reading the tensor the previous one left (`current`). Layer kinds
// (src/plugin/layers/kinds/) write their own part through it; the exporter (export.ts) wraps it.
import { ATTRIBUTE, ONNX_FLOAT } from './schema.ts';

export type Attribute = {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  ints?: number[];
  floats?: number[];
  strings?: Uint8Array[];
};
export type Node = { name: string; opType: string; input: string[]; output: string[]; attribute?: Attribute[] };
export type Initializer = { name: string; dims: number[]; dataType: number; rawData: Uint8Array };

export const ints = (name: string, values: number[]): Attribute => ({ name, type: ATTRIBUTE.INTS, ints: values });
export const int = (name: string, value: number): Attribute => ({ name, type: ATTRIBUTE.INT, i: value });
export const float = (name: string, value: number): Attribute => ({ name, type: ATTRIBUTE.FLOAT, f: value });
export const floats = (name: string, values: number[]): Attribute => ({ name, type: ATTRIBUTE.FLOATS, floats: values });
export const string = (name: string, value: string): Attribute => ({ name, type: ATTRIBUTE.STRING, s: new TextEncoder().encode(value) });
export const strings = (name: string, values: string[]): Attribute => ({
  name,
  type: ATTRIBUTE.STRINGS,
  strings: values.map((v) => new TextEncoder().encode(v)),
});

/** A model, or a layer of it, that cannot be written as ONNX (the message says which and why). */
export class OnnxExportError extends Error {}

/**
 * ONNX `pads` [begin, end] for tfjs's `same` padding of a window `span` steps wide moving by
 * `stride` over `length` steps: the extra step at the end, as TensorFlow does. `valid` pads nothing.
 */
export function samePads(padding: unknown, length: number, span: number, stride: number): [number, number] {
  if (padding !== 'same') return [0, 0];
  const total = Math.max((Math.ceil(length / stride) - 1) * stride + span - length, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * An ONNX graph being built: nodes, initializers and fresh value names; a layer kind's `onnx` hook adds its
 * nodes to it.
 */
export class OnnxGraph {
  readonly nodes: Node[] = [];
  readonly initializers: Initializer[] = [];
  /** The tensors the layer being written reads (the exporter sets them; `current` is the first). */
  inputs: string[] = [];

  constructor(
    /** The tensor the next node reads by default. */
    public current: string,
  ) {}

  /**
   * Adds a node reading `from` (the current tensor unless given) and `inputs`; its output becomes
   * the current tensor, and is returned. `name` is the layer's name; the node is `name/opType`.
   */
  op(opType: string, name: string, inputs: string[] = [], attribute?: Attribute[], from = this.current): string {
    const output = `${name}/${opType.toLowerCase()}`;
    const unique = this.nodes.some((n) => n.output[0] === output) ? `${output}_${this.nodes.length}` : output;
    this.nodes.push({ name: unique, opType, input: [from, ...inputs], output: [unique], ...(attribute ? { attribute } : {}) });
    this.current = unique;
    return unique;
  }

  /** A node with several outputs (a recurrent layer's sequence and last state); none becomes current. */
  opWithOutputs(opType: string, name: string, inputs: string[], attribute: Attribute[], outputs: string[]): string[] {
    const names = outputs.map((o) => `${name}/${o}`);
    this.nodes.push({ name: `${name}/${opType}`, opType, input: inputs, output: names, attribute });
    return names;
  }

  /** A float initialiser (a weight or a constant), stored little-endian as ONNX's raw data is. */
  constant(name: string, dims: number[], values: Float32Array | number[]): string {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    this.initializers.push({ name, dims, dataType: ONNX_FLOAT, rawData });
    return name;
  }

  /** A uint8 scalar initialiser (an activation's zero point). */
  uint8(name: string, value: number): string {
    this.initializers.push({ name, dims: [], dataType: ONNX_UINT8, rawData: Uint8Array.of(value) });
    return name;
  }

  /** An int64 initialiser (shapes, axes). */
  int64(name: string, values: number[]): string {
    const data = BigInt64Array.from(values.map(BigInt));
    this.initializers.push({ name, dims: [values.length], dataType: ONNX_INT64, rawData: new Uint8Array(data.buffer).slice() });
    return name;
  }
}

/** ONNX's TensorProto.DataType for int64. */
export const ONNX_INT64 = 7;
/** ONNX's TensorProto.DataType for uint8. */
export const ONNX_UINT8 = 2;
