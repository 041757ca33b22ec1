// Tape-free backpropagation through time for lstm, gru and simpleRnn (tanh activation; sigmoid
// gates), with tfjs's gate layout and equations (tfjs-layers' LSTMCell, GRUCell, SimpleRNNCell).
// On the wasm backend every op costs ~10 µs whatever its size, and slicing a tensor costs 20–80 µs,
// so the loop is written to issue few ops and slice nothing: each gate is one fused product of
// [h, x_t] with that gate's stacked [recurrent kernel; kernel], its bias and its sigmoid
// (tanh(z) = 2σ(2z) − 1 gives the tanh gates the same fused sigmoid, on doubled weights); the
// weights' gradients are one product each over all steps after the loop, and each cell's
// element-wise work is one kernel of recurrent-cells.ts. About 6 ops per step forwards and 3–5
// backwards, against the tape's ~60; measured in `npm run bench` against PyTorch.
import { activate, activationGradient } from '../activation-gradients.ts';
import { dims, type Layer, type LayerGradient } from '../kind.ts';
import { cellKernels } from './recurrent-cells.ts';
import type { Tensor, Tf } from '../../tf.ts';
import { covered, kernels, helpers } from './recurrent-gradient-parts.ts';

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
  interface Step {
    v: Tensor;
    i: Tensor;
    f: Tensor;
    s: Tensor;
    o: Tensor;
    cPrev: Tensor;
    tanhC: Tensor;
  }
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
      return $.gradients(
        steps.map((s) => s.v),
        dzs,
        input,
        needInput,
      );
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
  interface Step {
    v: Tensor;
    w: Tensor;
    z: Tensor;
    r: Tensor;
    hh: Tensor;
    hPrev: Tensor;
    d: Tensor;
  }
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
  interface Step {
    v: Tensor;
    pre: Tensor;
    h: Tensor;
  }
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
      return $.gradients(
        steps.map((s) => s.v),
        dpres,
        input,
        needInput,
      );
    },
  };
}
