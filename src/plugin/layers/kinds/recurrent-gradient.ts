// Tape-free backpropagation through time for lstm, gru and simpleRnn (tanh activation; sigmoid
// gates), with tfjs's gate layout and equations (tfjs-layers' LSTMCell, GRUCell, SimpleRNNCell).
// On the wasm backend every op costs ~10 µs whatever its size, and slicing a tensor costs 20–80 µs,
// so the loop is written to issue few ops and slice nothing: each gate is one fused product of
// [h, x_t] with that gate's stacked [recurrent kernel; kernel], its bias and its sigmoid
// (tanh(z) = 2σ(2z) − 1 gives the tanh gates the same fused sigmoid, on doubled weights); the
// weights' gradients are one product each over all steps after the loop. About 12 ops per step
// forwards and 17 backwards, against the tape's ~60; measured in `npm run bench` against PyTorch.
import { activate, activationGradient, isFastActivation, type FastActivation } from '../activation-gradients.ts';
import { dims, trainableVariables, type Layer, type LayerGradient, type Variable } from '../kind.ts';
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
 * The loop's element-wise ops as their kernels: tf.mul and the like first convert and check their
 * arguments and open a scope, ~5 µs per call, more than the kernel itself on these sizes.
 */
function kernels(tf: Tf) {
  const engine = tf.engine();
  const run = (name: string, inputs: object, attrs: object = {}) => engine.runKernel(name, inputs as never, attrs as never) as Tensor;
  return {
    mul: (a: Tensor, b: Tensor) => run('Multiply', { a, b }),
    add: (a: Tensor, b: Tensor) => run('Add', { a, b }),
    sub: (a: Tensor, b: Tensor) => run('Sub', { a, b }),
    square: (x: Tensor) => run('Square', { x }),
    tanh: (x: Tensor) => run('Tanh', { x }),
    concat: (tensors: Tensor[], axis: number) => run('Concat', tensors, { axis }),
  };
}

/** Ops the recurrent gradients share, bound to one tf. */
function helpers(tf: Tf, at: Covered) {
  const { units } = at;
  const product = (a: Tensor, b: Tensor, transposeA = false, transposeB = false) => tf.matMul(a as never, b as never, transposeA, transposeB);
  return {
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
  interface Step { v: Tensor; gates: Tensor; i: Tensor; f: Tensor; g: Tensor; cPrev: Tensor; tanhC: Tensor; o: Tensor }
  return {
    forward(input) {
      const [one, two] = [tf.scalar(1), tf.scalar(2)];
      const gates = [$.gate(0), $.gate(1), $.gate(2, 2), $.gate(3)];
      let h = $.zeros(input);
      let c = h;
      const steps: Step[] = [];
      const states: Tensor[] = [];
      for (const x of $.steps(input)) {
        const v = k.concat([h, x], 2);
        const [i, f, s, o] = gates.map((gate) => $.affine(v, gate, 'sigmoid'));
        const g = k.sub(k.mul(s, two), one);
        const cPrev = c;
        c = k.add(k.mul(f, c), k.mul(i, g));
        const tanhC = k.tanh(c);
        h = k.mul(o, tanhC);
        steps.push({ v, gates: k.concat([i, f, s, o], 2), i, f, g, cPrev, tanhC, o });
        states.push(h);
      }
      return { output: $.output(states), saved: { input, steps } };
    },
    backward(dOutput, saved, needInput) {
      const { input, steps } = saved as { input: Tensor; steps: Step[] };
      const outside = $.outside(dOutput, steps.length);
      const one = tf.scalar(1);
      // dGate/dz for sigmoid gates is s(1 − s); for the cell input g = 2σ(2z) − 1 it is 4s(1 − s).
      const gateFactor = tf.concat([tf.ones([2 * at.units]), tf.fill([at.units], 4), tf.ones([at.units])]);
      const recurrentT = $.transposed(at.recurrent);
      const dzs: Tensor[] = [];
      let dh: Tensor | undefined;
      let dc: Tensor | undefined;
      for (let t = steps.length - 1; t >= 0; t--) {
        const { gates, i, f, g, o, cPrev, tanhC } = steps[t];
        dh = $.plus(dh, outside[t]);
        dc = $.plus(dc, k.mul(k.mul(dh, o), k.sub(one, k.square(tanhC))));
        const dGates = k.concat([k.mul(dc, g), k.mul(dc, cPrev), k.mul(dc, i), k.mul(dh, tanhC)], 2);
        const dz = k.mul(dGates, k.mul(gateFactor, k.mul(gates, k.sub(one, gates))));
        dzs[t] = dz;
        dc = k.mul(dc, f);
        dh = t > 0 ? $.product(dz, recurrentT) : undefined;
      }
      const dz = $.rows(dzs);
      const [dRecurrent, dKernel] = $.unstack($.product($.rows(steps.map((s) => s.v)), dz, true));
      const grads = { [at.kernel.name]: dKernel, [at.recurrent.name]: dRecurrent, [at.bias.name]: $.columnSums(dz) };
      return { grads, dInput: needInput ? $.inputGradient(dz, dims(input)) : undefined };
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
  interface Step { v: Tensor; w: Tensor; z: Tensor; r: Tensor; zr: Tensor; hh: Tensor; hPrev: Tensor; hMinusCandidate: Tensor }
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
        const hh = k.tanh($.affine(w, candidate, 'linear'));
        const hPrev = h;
        const hMinusCandidate = k.sub(hPrev, hh);
        h = k.add(hh, k.mul(z, hMinusCandidate));
        steps.push({ v, w, z, r, zr: k.concat([z, r], 2), hh, hPrev, hMinusCandidate });
        states.push(h);
      }
      return { output: $.output(states), saved: { input, steps } };
    },
    backward(dOutput, saved, needInput) {
      const { input, steps } = saved as { input: Tensor; steps: Step[] };
      const outside = $.outside(dOutput, steps.length);
      const one = tf.scalar(1);
      const [recurrentZrT, recurrentHT] = tf.split(at.recurrent, [2 * at.units, at.units], 1).map($.transposed);
      const dzrs: Tensor[] = [];
      const dCandidates: Tensor[] = [];
      let dh: Tensor | undefined;
      for (let t = steps.length - 1; t >= 0; t--) {
        const { z, r, zr, hh, hPrev, hMinusCandidate } = steps[t];
        dh = $.plus(dh, outside[t]);
        const dCandidate = k.mul(k.mul(dh, k.sub(one, z)), k.sub(one, k.square(hh)));
        const drh = $.product(dCandidate, recurrentHT);
        const dzr = k.mul(k.concat([k.mul(dh, hMinusCandidate), k.mul(drh, hPrev)], 2), k.mul(zr, k.sub(one, zr)));
        dzrs[t] = dzr;
        dCandidates[t] = dCandidate;
        dh = t > 0 ? k.add(k.add(k.mul(dh, z), k.mul(drh, r)), $.product(dzr, recurrentZrT)) : undefined;
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
      const dpre = $.rows(dpres);
      const [dRecurrent, dKernel] = $.unstack($.product($.rows(steps.map((s) => s.v)), dpre, true));
      const grads = { [at.kernel.name]: dKernel, [at.recurrent.name]: dRecurrent, [at.bias.name]: $.columnSums(dpre) };
      return { grads, dInput: needInput ? $.inputGradient(dpre, dims(input)) : undefined };
    },
  };
}
