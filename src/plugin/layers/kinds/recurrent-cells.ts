// The element-wise work of LSTM and GRU cells as kernels registered with tfjs, for the wasm and cpu
// backends. Written as tfjs ops an LSTM step was 5 ops forward and 15 backward, each ~10 µs of
// tfjs bookkeeping on a few thousand values; here each is one pass over plain arrays in the
// backend's own memory. The products stay XNNPACK's (recurrent-gradient.ts).
import type { Tensor, Tf } from '../../tf.ts';

interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}
interface Backend {
  typedArrayFromHeap?(t: TensorInfo): Float32Array;
  /** wasm's (the cpu backend has a makeOutput of another signature). */
  makeOutput?(shape: number[], dtype: string): TensorInfo;
  data?: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo?(shape: number[], dtype: string, values?: Float32Array): TensorInfo;
}

/**
 * Runs `compute` on the inputs' and outputs' arrays in the backend's own memory (wasm's heap, or
 * the cpu backend's arrays). On wasm the outputs are allocated first: an allocation may grow the
 * heap, which detaches the views taken before it.
 */
function elementwise(
  backend: Backend,
  inputs: TensorInfo[],
  shapes: number[][],
  compute: (ins: Float32Array[], outs: Float32Array[]) => void,
): TensorInfo[] {
  if (backend.typedArrayFromHeap) {
    const outputs = shapes.map((shape) => backend.makeOutput!(shape, 'float32'));
    const view = (t: TensorInfo) => backend.typedArrayFromHeap!(t);
    compute(inputs.map(view), outputs.map(view));
    return outputs;
  }
  const outs = shapes.map((shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
  compute(
    inputs.map((t) => backend.data!.get(t.dataId).values),
    outs,
  );
  return outs.map((values, k) => backend.makeTensorInfo!(shapes[k], 'float32', values));
}

type Inputs = Record<string, TensorInfo>;
type KernelFunc = (args: { inputs: Inputs; backend: Backend }) => TensorInfo[];

/**
 * Forward, from the gates σ(·) of one step ([1, n, u] each; the cell gate s = σ(2z) on doubled
 * weights, g = 2s − 1 = tanh(z)) and the previous cell state: the new cell state, its tanh, and h.
 */
const forward: KernelFunc = ({ inputs: { i, f, s, o, c }, backend }) =>
  elementwise(backend, [i, f, s, o, c], [c.shape, c.shape, c.shape], ([I, F, S, O, C], [cell, tanhC, h]) => {
    for (let k = 0; k < C.length; k++) {
      cell[k] = F[k] * C[k] + I[k] * (2 * S[k] - 1);
      tanhC[k] = Math.tanh(cell[k]);
      h[k] = O[k] * tanhC[k];
    }
  });

/**
 * Backward, from dLoss/dh and dLoss/dc of one step: dLoss/d(pre-activations) in the kernel's gate
 * order [1, n, 4u] (input, forget, cell, output; the cell gate's through g = 2σ(2z) − 1), and
 * dLoss/dc of the step before.
 */
const backward: KernelFunc = ({ inputs: { dh, dc, i, f, s, o, cPrev, tanhC }, backend }) => {
  const [, n, u] = dh.shape;
  return elementwise(
    backend,
    [dh, dc, i, f, s, o, cPrev, tanhC],
    [[1, n, 4 * u], dh.shape],
    ([DH, DC, I, F, S, O, CP, TC], [D, dcPrev]) => {
      for (let row = 0; row < n; row++) {
        for (let j = 0; j < u; j++) {
          const k = row * u + j;
          const at = row * 4 * u + j;
          const dcTotal = DC[k] + DH[k] * O[k] * (1 - TC[k] * TC[k]);
          D[at] = dcTotal * (2 * S[k] - 1) * I[k] * (1 - I[k]);
          D[at + u] = dcTotal * CP[k] * F[k] * (1 - F[k]);
          D[at + 2 * u] = dcTotal * I[k] * 4 * S[k] * (1 - S[k]);
          D[at + 3 * u] = DH[k] * TC[k] * O[k] * (1 - O[k]);
          dcPrev[k] = dcTotal * F[k];
        }
      }
    },
  );
};

/** GRU forward, from the update gate z, the candidate's pre-activation and h: h̃ = tanh(pre), h − h̃, and the new h = h̃ + z·(h − h̃). */
const gruForward: KernelFunc = ({ inputs: { z, pre, h }, backend }) =>
  elementwise(backend, [z, pre, h], [h.shape, h.shape, h.shape], ([Z, P, H], [hh, d, next]) => {
    for (let k = 0; k < H.length; k++) {
      hh[k] = Math.tanh(P[k]);
      d[k] = H[k] - hh[k];
      next[k] = hh[k] + Z[k] * d[k];
    }
  });

/** GRU backward, first part: dLoss/d(candidate pre-activation) = dh · (1 − z) · (1 − h̃²). */
const gruCandidateGrad: KernelFunc = ({ inputs: { dh, z, hh }, backend }) =>
  elementwise(backend, [dh, z, hh], [dh.shape], ([DH, Z, HH], [out]) => {
    for (let k = 0; k < DH.length; k++) out[k] = DH[k] * (1 - Z[k]) * (1 - HH[k] * HH[k]);
  });

/**
 * GRU backward, second part, with d(r·h) from the candidate's product: the update and reset gates'
 * pre-activation gradients side by side [1, n, 2u], and dh's part not through them, dh·z + d(r·h)·r.
 */
const gruGatesGrad: KernelFunc = ({ inputs: { dh, d, drh, hPrev, z, r }, backend }) => {
  const [, n, u] = dh.shape;
  return elementwise(backend, [dh, d, drh, hPrev, z, r], [[1, n, 2 * u], dh.shape], ([DH, D, DRH, HP, Z, R], [dzr, dhPart]) => {
    for (let row = 0; row < n; row++) {
      for (let j = 0; j < u; j++) {
        const k = row * u + j;
        dzr[row * 2 * u + j] = DH[k] * D[k] * Z[k] * (1 - Z[k]);
        dzr[row * 2 * u + u + j] = DRH[k] * HP[k] * R[k] * (1 - R[k]);
        dhPart[k] = DH[k] * Z[k] + DRH[k] * R[k];
      }
    }
  });
};

const KERNELS = {
  RunexpLstmCell: forward,
  RunexpLstmCellGrad: backward,
  RunexpGruCell: gruForward,
  RunexpGruCandidateGrad: gruCandidateGrad,
  RunexpGruGatesGrad: gruGatesGrad,
};
const registered = new WeakSet<object>();

/** Runs one of the kernels above, registered once per tfjs; undefined on a backend they are not written for. */
export function cellKernels(tf: Tf): ((name: keyof typeof KERNELS, inputs: Record<string, Tensor>) => Tensor[]) | undefined {
  if (!['wasm', 'cpu'].includes(tf.getBackend())) return undefined;
  const engine = tf.engine() as unknown as object;
  if (!registered.has(engine)) {
    registered.add(engine);
    for (const backendName of ['wasm', 'cpu']) {
      for (const [kernelName, kernelFunc] of Object.entries(KERNELS)) {
        if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as never });
      }
    }
  }
  return (name, inputs) => tf.engine().runKernel(name, inputs as never) as unknown as Tensor[];
}
