// What the recurrent kinds (lstm, gru, simpleRnn) share: options, building with seeded kernel and
// recurrent initialisers, named weights, MACs, and export as ONNX's LSTM, GRU and RNN operators.
// tfjs keeps each gate's columns side by side in one kernel ([in, gates·units], Keras's gate
// order); ONNX wants [gates·units, in] in its own gate order, with separate input and recurrent biases.
import { z } from 'zod';
import { activationSchema, type Activation } from '../activations.ts';
import { defineLayerKind, inputShapeOf, type Layer, type LayerKind } from '../kind.ts';
import { floats, int, ints, OnnxExportError, string, strings, type OnnxGraph } from '../../onnx/graph.ts';
import type { Tf } from '../../tf.ts';
import { ErrorCode, RunexpError } from '../../errors.ts';
import { activationAtZero, unitShrink } from '../shrink.ts';

export interface RecurrentSpec {
  type: string;
  className: 'LSTM' | 'GRU' | 'SimpleRNN';
  description: string;
  /** Gates per unit: 4 (LSTM), 3 (GRU), 1 (RNN). */
  gates: number;
  onnxOp: 'LSTM' | 'GRU' | 'RNN';
  /** For each ONNX gate, the index of the same gate in tfjs's kernel. */
  onnxGateOrder: number[];
  /** Whether it has a recurrent (gate) activation besides its activation. */
  gated: boolean;
  build: (tf: Tf) => (args: Record<string, unknown>) => Layer;
  /** Its tape-free gradient (recurrent-gradient.ts). */
  gradient: LayerKind['gradient'];
}

/** ONNX's names for the activations its recurrent operators accept; tfjs's hardSigmoid is ONNX's with alpha 0.2, beta 0.5. */
const ONNX_RNN_ACTIVATIONS: Partial<Record<Activation, { name: string; alpha?: number; beta?: number }>> = {
  tanh: { name: 'Tanh' },
  sigmoid: { name: 'Sigmoid' },
  relu: { name: 'Relu' },
  hardSigmoid: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  softsign: { name: 'Softsign' },
  softplus: { name: 'Softplus' },
  elu: { name: 'Elu', alpha: 1 },
};

/** A kernel [in, gates·units] (tfjs) as [gates·units, in] in ONNX's gate order. */
function toOnnxGates(values: Float32Array, rows: number, units: number, order: number[]): Float32Array {
  const out = new Float32Array(values.length);
  const columns = order.length * units;
  order.forEach((tfGate, g) => {
    for (let j = 0; j < units; j++)
      for (let i = 0; i < rows; i++) out[(g * units + j) * rows + i] = values[i * columns + tfGate * units + j];
  });
  return out;
}

const activationOf = (config: Record<string, unknown>, key: string): Activation => {
  const a = config[key];
  return (typeof a === 'string' ? a : (a as { className: string }).className) as Activation;
};

/**
 * Keras's recurrent initialiser (orthogonal), seeded. tfjs warns "Slowness may result" above 2,000
 * values, which an LSTM(32) already has (32 × 128) and which takes milliseconds: said once per
 * model build, it would fill a grid's output; that one warning is left out.
 */
function quietOrthogonal(tf: Tf, seed: number) {
  const orthogonal = tf.initializers.orthogonal({ seed });
  const quiet = Object.create(orthogonal) as typeof orthogonal;
  quiet.apply = (shape, dtype) => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void (String(args[0]).includes('Slowness may result') || warn(...args));
    try {
      return orthogonal.apply(shape, dtype);
    } finally {
      console.warn = warn;
    }
  };
  return quiet;
}

export function recurrentKind(spec: RecurrentSpec): LayerKind {
  specs.set(spec.className, spec);
  return defineLayerKind({
    type: spec.type,
    className: spec.className,
    description: spec.description,
    prunable: true,
    options: z.strictObject({
      units: z.int().positive(),
      returnSequences: z
        .boolean()
        .optional()
        .describe('output every step ([steps, units]) for a following recurrent or conv layer; the last step only when left out'),
      activation: activationSchema.optional().describe('tanh when left out'),
      ...(spec.gated
        ? {
            recurrentActivation: activationSchema
              .optional()
              .describe("of the gates; sigmoid when left out (tfjs's own default is hardSigmoid)"),
          }
        : {}),
    }),
    outputShape(input, o) {
      if (input.length !== 2)
        return `${spec.type} needs [steps, features] input (after a flatten, a dense on a flat input or a recurrent layer without returnSequences?)`;
      return o.returnSequences ? [input[0], o.units] : [o.units];
    },
    build: (tf, o, at) =>
      spec.build(tf)({
        ...(at.inputShape ? { inputShape: at.inputShape } : {}),
        name: at.name,
        units: o.units,
        returnSequences: o.returnSequences ?? false,
        activation: o.activation ?? 'tanh',
        ...(spec.gated ? { recurrentActivation: (o as { recurrentActivation?: Activation }).recurrentActivation ?? 'sigmoid' } : {}),
        kernelInitializer: tf.initializers.glorotUniform({ seed: at.seed(0) }),
        recurrentInitializer: quietOrthogonal(tf, at.seed(1)),
      }),
    weights: () => [
      { name: 'kernel', prunedByDefault: true, perUnit: 'incoming' },
      { name: 'recurrentKernel', prunedByDefault: true, perUnit: 'incoming' },
      { name: 'bias', prunedByDefault: false, perUnit: 'own' },
    ],
    uses: (layer) => ({ kernel: inputShapeOf(layer)[0], recurrentKernel: inputShapeOf(layer)[0] }),
    gradient: spec.gradient,
    onnx: (layer, graph) => recurrentOnnx(spec, layer.name, [layer], inputShapeOf(layer)[1], graph),
    onnxActivates: true,
    // Input and recurrent kernels are stored int8 or float16 (weight-only: ORT's LSTM and GRU have
    // no int8 kernel); their ONNX W and R are [1, gates·units, in] with the gates reordered.
    quantized: {
      weights: ['kernel', 'recurrentKernel'],
      int8Activations: false,
      onnx: (layer, weight) => ({
        initializer: `${layer.name}/${weight === 'kernel' ? 'W' : 'R'}`,
        axis: 1,
        scales: (scales) => {
          const units = (layer.getConfig() as { units: number }).units;
          return Array.from(toOnnxGates(Float32Array.from(scales), 1, units, spec.onnxGateOrder));
        },
      }),
    },
    // A removed unit (every gate's columns zeroed) outputs 0 at every step; a simpleRnn's outputs
    // activation(0), fed back into the others: refused unless that is 0.
    shrink: unitShrink({
      recurrent: true,
      unitsOf: (layer) => (layer.getConfig() as { units: number }).units,
      removedOutput(layer) {
        if (spec.gated) return 0;
        const atZero = activationAtZero(layer);
        if (atZero !== 0)
          throw new RunexpError(
            ErrorCode.PLUGIN,
            `cannot remove units of simpleRnn layer "${layer.name}": its activation is not 0 at 0, so a removed unit would feed a constant back into the others`,
            'use tanh or relu',
          );
        return 0;
      },
    }),
    units: (o) => o.units,
    withUnits: (o, units) => ({ ...o, units }),
  });
}

/** The recurrent kinds' specs by tfjs class: for the bidirectional wrapper, which exports two of one. */
const specs = new Map<string, RecurrentSpec>();
export const recurrentSpecOf = (className: string): RecurrentSpec | undefined => specs.get(className);

/** How a bidirectional layer merges its two directions' outputs (tfjs's mergeMode). */
export type MergeMode = 'concat' | 'sum' | 'ave' | 'mul';

/**
 * Writes one ONNX LSTM, GRU or RNN operator for a recurrent layer, or for the forward and backward
 * layers of a bidirectional one (direction "bidirectional": weights stacked [2, …]), then reshapes
 * its output as tfjs gives it: the last state or every step, the directions merged by `merge`.
 */
export function recurrentOnnx(
  spec: RecurrentSpec,
  name: string,
  directions: Layer[],
  features: number,
  graph: OnnxGraph,
  merge: MergeMode = 'concat',
): void {
  const config = directions[0].getConfig() as Record<string, unknown>;
  const units = config.units as number;
  const n = name;
  // ONNX's list: LSTM f, g, h (gates, cell input, cell output); GRU f, g; RNN f.
  const activation = activationOf(config, 'activation');
  const gate = spec.gated ? activationOf(config, 'recurrentActivation') : activation;
  const listed = spec.onnxOp === 'LSTM' ? [gate, activation, activation] : spec.onnxOp === 'GRU' ? [gate, activation] : [activation];
  const named = listed.map((a) => {
    const known = ONNX_RNN_ACTIVATIONS[a];
    if (!known)
      throw new OnnxExportError(
        `layer "${n}" (${spec.type}) uses the activation ${a}, which ONNX's ${spec.onnxOp} operator does not offer; it offers ${Object.keys(ONNX_RNN_ACTIVATIONS).join(', ')}`,
      );
    return known;
  });
  const gates = spec.gates;
  const d = directions.length;
  const [W, R, B] = [
    new Float32Array(d * gates * units * features),
    new Float32Array(d * gates * units * units),
    new Float32Array(d * 2 * gates * units),
  ];
  directions.forEach((layer, i) => {
    const [kernel, recurrent, bias] = layer.getWeights().map((w) => w.dataSync() as Float32Array);
    W.set(toOnnxGates(kernel, features, units, spec.onnxGateOrder), i * gates * units * features);
    R.set(toOnnxGates(recurrent, units, units, spec.onnxGateOrder), i * gates * units * units);
    // ONNX adds an input bias and a recurrent bias; tfjs has one, so the recurrent one is zero.
    B.set(toOnnxGates(bias, 1, units, spec.onnxGateOrder), i * 2 * gates * units);
  });
  const inputs = [
    graph.constant(`${n}/W`, [d, gates * units, features], W),
    graph.constant(`${n}/R`, [d, gates * units, units], R),
    graph.constant(`${n}/B`, [d, 2 * gates * units], B),
  ];
  // Bidirectional: the activations are listed once per direction.
  const perDirection = d === 2 ? [...named, ...named] : named;
  const attributes = [
    int('hidden_size', units),
    strings(
      'activations',
      perDirection.map((a) => a.name),
    ),
    ...(d === 2 ? [string('direction', 'bidirectional')] : []),
  ];
  // Alphas and betas are listed for the activations that take them, in order.
  const alphas = perDirection.filter((a) => a.alpha !== undefined).map((a) => a.alpha!);
  const betas = perDirection.filter((a) => a.beta !== undefined).map((a) => a.beta!);
  if (alphas.length) attributes.push(floats('activation_alpha', alphas));
  if (betas.length) attributes.push(floats('activation_beta', betas));
  if (spec.onnxOp === 'GRU') attributes.push(int('linear_before_reset', 0)); // tfjs's GRU resets before the recurrent product
  // ONNX runs over [steps, batch, features].
  const stepsFirst = graph.op('Transpose', `${n}/in`, [], [ints('perm', [1, 0, 2])]);
  const [sequence, last] = graph.opWithOutputs(spec.onnxOp, n, [stepsFirst, ...inputs], attributes, ['Y', 'Y_h']);
  // Y is [steps, directions, batch, units]; Y_h [directions, batch, units]. tfjs concatenates the
  // directions on the last axis (forward first), or sums, averages or multiplies them.
  const directionAxis = config.returnSequences ? 1 : 0;
  const from = config.returnSequences ? sequence : last;
  if (d === 1 || merge !== 'concat') {
    const reduce = { concat: 'ReduceSum', sum: 'ReduceSum', ave: 'ReduceMean', mul: 'ReduceProd' }[merge];
    if (d === 1) graph.op('Squeeze', `${n}/directions`, [graph.int64(`${n}/axis`, [directionAxis])], undefined, from);
    else if (reduce === 'ReduceSum')
      graph.op('ReduceSum', `${n}/merge`, [graph.int64(`${n}/axis`, [directionAxis])], [int('keepdims', 0)], from);
    else graph.op(reduce, `${n}/merge`, [], [ints('axes', [directionAxis]), int('keepdims', 0)], from);
    if (config.returnSequences) graph.op('Transpose', `${n}/out`, [], [ints('perm', [1, 0, 2])]);
    return;
  }
  // Concatenated: [batch, (steps,) directions, units], then the last two axes as one.
  graph.op('Transpose', `${n}/batch-first`, [], [ints('perm', config.returnSequences ? [2, 0, 1, 3] : [1, 0, 2])], from);
  graph.op('Reshape', `${n}/concat`, [graph.int64(`${n}/shape`, config.returnSequences ? [0, 0, -1] : [0, -1])]);
}
