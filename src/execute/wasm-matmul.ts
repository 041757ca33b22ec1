// tfjs-backend-wasm 4.22 multiplies matrices with XNNPACK only when neither input is transposed;
// with transposeA or transposeB it falls back to a plain loop that is 5× slower on the paper's
// shapes (a [32, 70] × [32, 120] product: 443 µs against 87 µs, bench numbers in README). Training
// asks for transposed products in every backward pass (dW = Xᵀ·dY, dX = dY·Wᵀ). This wraps the
// kernel: a transposed input is transposed explicitly (a cheap copy), then multiplied by XNNPACK.
// The sums are the same but added in XNNPACK's order, so results differ from the plain loop's in
// the last bits (tolerance tested in test/unit/training-loop.test.ts).
import type { Tf } from '../plugin/api.ts';

interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: string;
}
interface KernelArgs {
  inputs: Record<string, TensorInfoLike>;
  backend: { disposeData(dataId: object): void };
  attrs: Record<string, unknown>;
}
type KernelFunc = (args: KernelArgs) => TensorInfoLike;

type KernelConfig = NonNullable<ReturnType<Tf['getKernel']>>;
/** wasm's own kernel, kept so that tests can compare against it. */
let plain: KernelConfig | undefined;

/** Switches between the wrapper (true, what loadBackend sets) and wasm's own kernel (false). */
export function useXnnpackForTransposedMatMul(tf: Tf, on: boolean): void {
  const current = tf.getKernel('BatchMatMul', 'wasm');
  if (!current || (on ? current !== plain : current === plain)) return;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(on ? wrapped(tf, current) : plain!);
}

export function registerWasmTransposedMatMul(tf: Tf): void {
  if (plain) return;
  plain = tf.getKernel('BatchMatMul', 'wasm');
  if (plain && tf.getKernel('Transpose', 'wasm')) useXnnpackForTransposedMatMul(tf, true);
}

function wrapped(tf: Tf, original: KernelConfig): KernelConfig {
  const multiply = original.kernelFunc as unknown as KernelFunc;
  const transposeKernel = tf.getKernel('Transpose', 'wasm')!.kernelFunc as unknown as KernelFunc;
  return {
    ...original,
    kernelFunc: ((args: KernelArgs) => {
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return multiply(args);
      const { backend } = args;
      // Swap the last two axes, keeping any batch axes in front.
      const swapped = (x: TensorInfoLike) => {
        const perm = x.shape.map((_, i) => i);
        [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
        return transposeKernel({ inputs: { x }, backend, attrs: { perm } });
      };
      const a = transposeA ? swapped(args.inputs.a) : args.inputs.a;
      const b = transposeB ? swapped(args.inputs.b) : args.inputs.b;
      try {
        return multiply({ ...args, inputs: { a, b }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
      } finally {
        if (transposeA) backend.disposeData(a.dataId);
        if (transposeB) backend.disposeData(b.dataId);
      }
    }) as never,
  };
}
