// tfjs computes a dilated convolution but refuses to differentiate one ("dilation rates greater
// than 1 are not yet supported in gradients"), so a dilated conv1d could not train. A convolution
// with dilation d equals a plain one whose kernel has d − 1 zeros between its taps; its gradients
// are then tfjs's own plain-convolution gradients, the filter's read back at the taps. Registered
// for the Conv2D kernel (which tfjs's conv1d runs) once per tfjs instance; undilated convolutions
// keep tfjs's gradient untouched.
import type { Tf, Tensor } from '../../tf.ts';

const registered = new WeakSet<object>();

type Attrs = {
  strides: [number, number] | number;
  pad: unknown;
  dataFormat: string;
  dilations: [number, number] | number;
  dimRoundingMode?: string;
};

export function ensureDilatedGradient(tf: Tf): void {
  const engine = tf.engine() as unknown as object;
  if (registered.has(engine)) return;
  registered.add(engine);
  const original = tf.getGradient('Conv2D');
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dys, saved, attrs) => {
      const { dilations, ...rest } = attrs as unknown as Attrs;
      const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : dilations;
      if (dh === 1 && dw === 1) return original.gradFunc(dys, saved, attrs);
      const dy = dys as Tensor; // Conv2D has one output
      const [x, filter] = saved;
      const expanded = withZerosBetweenTaps(tf, filter, dh, dw);
      const plain = { ...rest, dilations: [1, 1] };
      return {
        x: () =>
          tf
            .engine()
            .runKernel('Conv2DBackpropInput', { dy, filter: expanded }, { ...plain, inputShape: x.shape } as never) as unknown as Tensor,
        filter: () => {
          const full = tf
            .engine()
            .runKernel('Conv2DBackpropFilter', { x, dy }, { ...plain, filterShape: expanded.shape } as never) as unknown as Tensor;
          const [kh, kw, cin, cout] = filter.shape;
          return tf.stridedSlice(full, [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, cin, cout], [dh, dw, 1, 1]);
        },
      };
    },
  });
}

/** A [kh, kw, in, out] filter with dh − 1 and dw − 1 zeros between its taps. */
function withZerosBetweenTaps(tf: Tf, filter: Tensor, dh: number, dw: number): Tensor {
  const [kh, kw, cin, cout] = filter.shape;
  return tf.tidy(() => {
    // Each tap followed by d − 1 zeros, along both axes, then the trailing zeros cut off.
    const spaced = tf.pad(tf.reshape(filter, [kh, 1, kw, 1, cin, cout]), [
      [0, 0],
      [0, dh - 1],
      [0, 0],
      [0, dw - 1],
      [0, 0],
      [0, 0],
    ]);
    const full = tf.reshape(spaced, [kh * dh, kw * dw, cin, cout]);
    return tf.slice(full, [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, cin, cout]);
  });
}
