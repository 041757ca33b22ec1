// Tape-free backpropagation through time for lstm, gru and simpleRnn (tanh activation; sigmoid
// gates), with tfjs's gate layout and equations (tfjs-layers' LSTMCell, GRUCell, SimpleRNNCell).
// On the wasm backend every op costs ~10 µs whatever its size, and slicing a tensor costs 20–80 µs,
// so the loop is written to issue few ops and slice nothing: each gate is one fused product of
// [h, x_t] with that gate's stacked [recurrent kernel; kernel], its bias and its sigmoid
// (tanh(z) = 2σ(2z) − 1 gives the tanh gates the same fused sigmoid, on doubled weights); the
// weights' gradients are one product each over all steps after the loop, and each cell's
// element-wise work is one kernel of recurrent-cells.ts. About 6 ops per step forwards and 3–5
// backwards, against the tape's ~60; measured in `npm run bench` against PyTorch.
import { activate, activationGradient, isFastActivation, type FastActivation } from '../activation-gradients.ts';
import { dims, trainableVariables, type Layer, type LayerGradient, type Variable } from '../kind.ts';
import { cellKernels } from './recurrent-cells.ts';
import type { Tensor, Tf } from '../../tf.ts';

const activationOf = (config: Record<string, unknown>, key: string): string | undefined => {
  const a = config[key];
  return typeof a === 'string' ? a : (a as { className?: string } | undefined)?.className;
};

interface Covered {
  kernel: Variable;
  recurrent: Variable;
  bias: Variable;
  units: number;
  activation: FastActivation;
  sequences: boolean;
}

/** The layer's variables when this module can differentiate it, else undefined. */
function covered(layer: Layer, gated: boolean): Covered | undefined {
  const config = layer.getConfig() as Record<string, unknown>;
  const activation = activationOf(config, 'activation');
  const plain = !config.goBackwards && !config.stateful && !config.dropout && !config.recurrentDropout && config.useBias !== false;
  const weights = trainableVariables(layer);
  if (!layer.trainable || !plain || weights.length !== 3) return undefined;
  if (gated ? activation !== 'tanh' || activationOf(config, 'recurrentActivation') !== 'sigmoid' : !isFastActivation(activation)) return undefined;
  const [kernel, recurrent, bias] = weights;
  return { kernel, recurrent, bias, units: dims(recurrent)[0], activation: activation as FastActivation, sequences: Boolean(config.returnSequences) };
}

/**
 * The loop's few remaining element-wise ops as their kernels (the cells' own are recurrent-cells.ts):
 * tf.mul and the like first convert and check their arguments and open a scope, ~5 µs per call,
 * more than the kernel itself on these sizes.
 */
function kernels(tf: Tf) {
  const engine = tf.engine();
  const run = (name: string, inputs: object, attrs: object = {}) => engine.runKernel(name, inputs as never, attrs as never) as Tensor;
  return {
    mul: (a: Tensor, b: Tensor) => run('Multiply', { a, b }),
    add: (a: Tensor, b: Tensor) => run('Add', { a, b }),
    concat: (tensors: Tensor[], axis: number) => run('Concat', tensors, { axis }),
  };
}

/** Ops the recurrent gradients share, bound to one tf. */
function helpers(tf: Tf, at: Covered) {
  const { units } = at;
  const product = (a: Tensor, b: Tensor, transposeA = false, transposeB = false) => tf.matMul(a as never, b as never, transposeA, transposeB);
  const $ = {
    product,
    /** The input [n, T, f] as T tensors [1, n, f]: the loop works on [1, n, ·] for the fused kernel. */
    steps: (input: Tensor) => tf.unstack(tf.reshape(tf.transpose(input, [1, 0, 2]), [dims(input)[1], 1, dims(input)[0], dims(input)[2]])),
    /** The initial state [1, n, u]. */
    zeros: (input: Tensor) => tf.zeros([1, dims(input)[0], units]),
    /** Gate g's columns of the [recurrent kernel; kernel] stack, and of the bias, times `scale`. */
    gate(g: number, scale = 1) {
      const columns = (w: Tensor) => tf.slice(w, [0, g * units], [-1, units]);
      const stacked = tf.expandDims(tf.concat([columns(at.recurrent), columns(at.kernel)], 0), 0);
      const bias = tf.slice(at.bias, [g * units], [units]);
      return scale === 1 ? { w: stacked, b: bias } : { w: tf.mul(stacked, scale), b: tf.mul(bias, scale) };
    },
    /** v·w + b, then the activation, in one kernel (tf.fused.matMul's wrapper costs more than the kernel). */
    affine: (v: Tensor, gate: { w: Tensor; b: Tensor }, activation: 'sigmoid' | 'linear') => tf.engine().runKernel('_FusedMatMul', { a: v, b: gate.w, bias: gate.b }, { transposeA: false, transposeB: false, activation } as never) as Tensor,
    /** The layer's output from its states: the last one, or all of them as [n, T, u]. */
    output: (states: Tensor[]) => (at.sequences ? tf.transpose(tf.concat(states, 0), [1, 0, 2]) : tf.squeeze(states.at(-1)!, [0])),
    /** dLoss/dh_t from outside the recurrence, per step (undefined where only the last step is output). */
    outside(dOutput: Tensor, steps: number): (Tensor | undefined)[] {
      if (at.sequences) return tf.unstack(tf.expandDims(tf.transpose(dOutput, [1, 0, 2]), 1));
      return Array.from({ length: steps }, (_, t) => (t === steps - 1 ? tf.expandDims(dOutput, 0) : undefined));
    },
    plus: (a: Tensor | undefined, b: Tensor | undefined): Tensor => (a && b ? tf.add(a, b) : (a ?? b)!),
    /** Σ over rows, as a product with a row of ones (tf.sum over axis 0 is 4× slower on wasm). */
    columnSums: (m: Tensor) => tf.reshape(product(tf.ones([1, dims(m)[0]]), m), [dims(m)[1]]),
    /** dLoss/dInput [n, T, f] from the pre-activations' gradients stacked step-major [T·n, columns]. */
    inputGradient: (dz: Tensor, [n, steps, features]: number[]) => tf.transpose(tf.reshape(product(dz, at.kernel, false, true), [steps, n, features]), [1, 0, 2]),
    /** Per-step [1, n, c] tensors as one step-major [T·n, c] matrix. */
    rows: (list: Tensor[]) => tf.reshape(tf.concat(list, 0), [-1, dims(list[0])[2]]),
    /** A weight's transpose as [1, ·, ·], for products with the loop's [1, n, ·] tensors. */
    transposed: (w: Tensor) => tf.expandDims(tf.transpose(w), 0),
    /** The gradient of a [recurrent kernel; kernel] stack split back into its two parts. */
    unstack: (g: Tensor) => tf.split(g, [units, dims(g)[0] - units], 0),
  };
  return {
    ...$,
    /**
     * The weights' and the input's gradients of a layer whose every step multiplied [h, x_t] (`v`)
     * by one [recurrent kernel; kernel] stack, from each step's pre-activation gradient.
     */
    gradients(v: Tensor[], perStep: Tensor[], input: Tensor, needInput: boolean) {
      const dz = $.rows(perStep);
      const [dRecurrent, dKernel] = $.unstack($.product($.rows(v), dz, true));
      const grads = { [at.kernel.name]: dKernel, [at.recurrent.name]: dRecurrent, [at.bias.name]: $.columnSums(dz) };
      return { grads, dInput: needInput ? $.inputGradient(dz, dims(input)) : undefined };
    },
  };
}

/**
 * LSTM: z = x·W + h·U + b in gate order input, forget, cell, output; c = f·c + i·tanh(z_c);
 * h = o·tanh(c).
 */
export function lstmGradient(tf: Tf, layer: Layer): LayerGradient | undefined {
  const at = covered(layer, true);
  if (!at) return undefined;
  const $ = helpers(tf, at);
  const k = kernels(tf);
  const cell = cellKernels(tf);
  if (!cell) return undefined;
  interface Step { v: Tensor; i: Tensor; f: Tensor; s: Tensor; o: Tensor; cPrev: Tensor; tanhC: Tensor }
  return {
    forward(input) {
      const gates = [$.gate(0), $.gate(1), $.gate(2, 2), $.gate(3)];
      let h = $.zeros(input);
      let c = h;
      const steps: Step[] = [];
      const states: Tensor[] = [];
      for (const x of $.steps(input)) {
        const v = k.concat([h, x], 2);
        const [i, f, s, o] = gates.map((gate) => $.affine(v, gate, 'sigmoid'));
        const cPrev = c;
        let tanhC: Tensor;
        [c, tanhC, h] = cell('RunexpLstmCell', { i, f, s, o, c });
        steps.push({ v, i, f, s, o, cPrev, tanhC });
        states.push(h);
      }
      return { output: $.output(states), saved: { input, steps } };
    },
    backward(dOutput, saved, needInput) {
      const { input, steps } = saved as { input: Tensor; steps: Step[] };
      const outside = $.outside(dOutput, steps.length);
      const recurrentT = $.transposed(at.recurrent);
      const dzs: Tensor[] = [];
      let dh: Tensor | undefined;
      let dc: Tensor = tf.zerosLike(steps[0].cPrev);
      for (let t = steps.length - 1; t >= 0; t--) {
        dh = $.plus(dh, outside[t]);
        const { i, f, s, o, cPrev, tanhC } = steps[t];
        const [dz, dcPrev] = cell('RunexpLstmCellGrad', { dh, dc, i, f, s, o, cPrev, tanhC });
        dzs[t] = dz;
        dc = dcPrev;
        dh = t > 0 ? $.product(dz, recurrentT) : undefined;
      }
      return $.gradients(steps.map((s) => s.v), dzs, input, needInput);
    },
  };
}

/**
 * GRU (reset before the recurrent product, as tfjs's): z, r = σ(x·W_zr + h·U_zr + b_zr);
 * h̃ = tanh(x·W_h + (r·h)·U_h + b_h); h = z·h + (1 − z)·h̃.
 */
export function gruGradient(tf: Tf, layer: Layer): LayerGradient | undefined {
  const at = covered(layer, true);
  if (!at) return undefined;
  const $ = helpers(tf, at);
  const k = kernels(tf);
  const cell = cellKernels(tf);
  if (!cell) return undefined;
  interface Step { v: Tensor; w: Tensor; z: Tensor; r: Tensor; hh: Tensor; hPrev: Tensor; d: Tensor }
  return {
    forward(input) {
      const [update, reset, candidate] = [$.gate(0), $.gate(1), $.gate(2)];
      let h = $.zeros(input);
      const steps: Step[] = [];
      const states: Tensor[] = [];
      for (const x of $.steps(input)) {
        const v = k.concat([h, x], 2);
        const z = $.affine(v, update, 'sigmoid');
        const r = $.affine(v, reset, 'sigmoid');
        const w = k.concat([k.mul(r, h), x], 2);
        const hPrev = h;
        const [hh, d, next] = cell('RunexpGruCell', { z, pre: $.affine(w, candidate, 'linear'), h });
        h = next;
        steps.push({ v, w, z, r, hh, hPrev, d });
        states.push(h);
      }
      return { output: $.output(states), saved: { input, steps } };
    },
    backward(dOutput, saved, needInput) {
      const { input, steps } = saved as { input: Tensor; steps: Step[] };
      const outside = $.outside(dOutput, steps.length);
      const [recurrentZrT, recurrentHT] = tf.split(at.recurrent, [2 * at.units, at.units], 1).map($.transposed);
      const dzrs: Tensor[] = [];
      const dCandidates: Tensor[] = [];
      let dh: Tensor | undefined;
      for (let t = steps.length - 1; t >= 0; t--) {
        const { z, r, hh, hPrev, d } = steps[t];
        dh = $.plus(dh, outside[t]);
        const [dCandidate] = cell('RunexpGruCandidateGrad', { dh, z, hh });
        const drh = $.product(dCandidate, recurrentHT);
        const [dzr, dhPart] = cell('RunexpGruGatesGrad', { dh, d, drh, hPrev, z, r });
        dzrs[t] = dzr;
        dCandidates[t] = dCandidate;
        dh = t > 0 ? k.add(dhPart, $.product(dzr, recurrentZrT)) : undefined;
      }
      const dzr = $.rows(dzrs);
      const dCandidate = $.rows(dCandidates);
      const [dRecurrentZr, dKernelZr] = $.unstack($.product($.rows(steps.map((s) => s.v)), dzr, true));
      const [dRecurrentH, dKernelH] = $.unstack($.product($.rows(steps.map((s) => s.w)), dCandidate, true));
      const dPre = k.concat([dzr, dCandidate], 1);
      const grads = {
        [at.kernel.name]: k.concat([dKernelZr, dKernelH], 1),
        [at.recurrent.name]: k.concat([dRecurrentZr, dRecurrentH], 1),
        [at.bias.name]: $.columnSums(dPre),
      };
      return { grads, dInput: needInput ? $.inputGradient(dPre, dims(input)) : undefined };
    },
  };
}

/** SimpleRNN: h = activation(x·W + h·U + b), any activation activation-gradients.ts knows. */
export function simpleRnnGradient(tf: Tf, layer: Layer): LayerGradient | undefined {
  const at = covered(layer, false);
  if (!at) return undefined;
  const $ = helpers(tf, at);
  const k = kernels(tf);
  interface Step { v: Tensor; pre: Tensor; h: Tensor }
  return {
    forward(input) {
      const weights = $.gate(0);
      let h = $.zeros(input);
      const steps: Step[] = [];
      for (const x of $.steps(input)) {
        const v = k.concat([h, x], 2);
        const pre = $.affine(v, weights, 'linear');
        h = activate(tf, pre, at.activation);
        steps.push({ v, pre, h });
      }
      return { output: $.output(steps.map((s) => s.h)), saved: { input, steps } };
    },
    backward(dOutput, saved, needInput) {
      const { input, steps } = saved as { input: Tensor; steps: Step[] };
      const outside = $.outside(dOutput, steps.length);
      const recurrentT = $.transposed(at.recurrent);
      const dpres: Tensor[] = [];
      let dh: Tensor | undefined;
      for (let t = steps.length - 1; t >= 0; t--) {
        dh = $.plus(dh, outside[t]);
        const dpre = activationGradient(tf, dh, steps[t].pre, steps[t].h, at.activation);
        dpres[t] = dpre;
        dh = t > 0 ? $.product(dpre, recurrentT) : undefined;
      }
      return $.gradients(steps.map((s) => s.v), dpres, input, needInput);
    },
  };
}
