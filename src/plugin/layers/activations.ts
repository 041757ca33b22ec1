// Every activation tfjs-layers offers, in one table: what a layer kind's `activation` option
// accepts, what the activation outputs at 0 (the constant a structurally removed unit still
// hands on), and how it is written in ONNX. Adding one here is all any layer kind needs.
import { z } from 'zod';
import { float, type OnnxGraph } from '../onnx/graph.ts';

interface ActivationInfo {
  /** f(0): what a removed unit outputs; NaN where it depends on the other units (softmax). */
  atZero: number;
  /** Writes f(current) into the graph; linear writes nothing. */
  onnx(graph: OnnxGraph, name: string): void;
}

const unary = (opType: string, attrs?: Parameters<OnnxGraph['op']>[3]) => (graph: OnnxGraph, name: string) =>
  void graph.op(opType, name, [], attrs);
/** x · g(x), for the gated activations (swish, mish, gelu). */
const timesInput = (gate: (graph: OnnxGraph, name: string) => void) => (graph: OnnxGraph, name: string) => {
  const x = graph.current;
  gate(graph, name);
  graph.op('Mul', `${name}/gated`, [x]);
};

export const ACTIVATION_TABLE = {
  linear: { atZero: 0, onnx: () => {} },
  relu: { atZero: 0, onnx: unary('Relu') },
  relu6: {
    atZero: 0,
    onnx: (graph, name) => void graph.op('Clip', name, [graph.constant(`${name}/zero`, [], [0]), graph.constant(`${name}/six`, [], [6])]),
  },
  elu: { atZero: 0, onnx: unary('Elu', [float('alpha', 1)]) },
  selu: { atZero: 0, onnx: unary('Selu') },
  tanh: { atZero: 0, onnx: unary('Tanh') },
  sigmoid: { atZero: 0.5, onnx: unary('Sigmoid') },
  hardSigmoid: { atZero: 0.5, onnx: unary('HardSigmoid', [float('alpha', 0.2), float('beta', 0.5)]) },
  softplus: { atZero: Math.log(2), onnx: unary('Softplus') },
  softsign: { atZero: 0, onnx: unary('Softsign') },
  softmax: { atZero: NaN, onnx: unary('Softmax', [{ name: 'axis', type: 2, i: -1 }]) },
  swish: { atZero: 0, onnx: timesInput(unary('Sigmoid')) },
  mish: {
    atZero: 0,
    onnx: timesInput((graph, name) => {
      graph.op('Softplus', name);
      graph.op('Tanh', name);
    }),
  },
  // x · Φ(x) with the exact normal CDF, as tfjs computes it: 0.5 · (1 + erf(x / √2)).
  gelu: {
    atZero: 0,
    onnx: timesInput((graph, name) => {
      graph.op('Div', name, [graph.constant(`${name}/sqrt2`, [], [Math.SQRT2])]);
      graph.op('Erf', name);
      graph.op('Add', name, [graph.constant(`${name}/one`, [], [1])]);
      graph.op('Mul', name, [graph.constant(`${name}/half`, [], [0.5])]);
    }),
  },
  // The tanh approximation: 0.5 · (1 + tanh(√(2/π) · (x + 0.044715 x³))).
  gelu_new: {
    atZero: 0,
    onnx: timesInput((graph, name) => {
      const x = graph.current;
      const cube = graph.op('Pow', `${name}/cube`, [graph.constant(`${name}/three`, [], [3])], undefined, x);
      graph.op('Mul', `${name}/cube`, [graph.constant(`${name}/c`, [], [0.044715])], undefined, cube);
      graph.op('Add', name, [x]);
      graph.op('Mul', name, [graph.constant(`${name}/k`, [], [Math.sqrt(2 / Math.PI)])]);
      graph.op('Tanh', name);
      graph.op('Add', name, [graph.constant(`${name}/one`, [], [1])]);
      graph.op('Mul', name, [graph.constant(`${name}/half`, [], [0.5])]);
    }),
  },
} satisfies Record<string, ActivationInfo>;

/** One activation name of ACTIVATIONS. */
export type Activation = keyof typeof ACTIVATION_TABLE;
/** The activation names a layer spec accepts (relu, tanh, gelu, …), in a stable order. */
export const ACTIVATIONS = Object.keys(ACTIVATION_TABLE) as Activation[];
export const activationSchema = z.enum(ACTIVATIONS as [Activation, ...Activation[]]);

/**
 * A built layer's activation, read from its config (a name, or a serialised activation class);
 * undefined when it is not one of tfjs's.
 */
export function layerActivation(config: Record<string, unknown>): Activation | undefined {
  const a = config.activation;
  const name = typeof a === 'string' ? a : String((a as { className?: string } | undefined)?.className ?? 'linear');
  // Serialised class names are the identifiers themselves, except for case in older files.
  const found = ACTIVATIONS.find((known) => known.toLowerCase() === name.toLowerCase());
  return found;
}
