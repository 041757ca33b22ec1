// The activations the tape-free gradients differentiate by hand, applied and differentiated as
// tfjs's own ops and registered gradients do, so that a layer's fast gradient matches the tape.
import type { Tensor, Tf } from '../tf.ts';
import type { Activation } from './activations.ts';

export const FAST_ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'elu', 'selu', 'softplus'] as const satisfies readonly Activation[];
export type FastActivation = (typeof FAST_ACTIVATIONS)[number];
export const isFastActivation = (a: string | undefined): a is FastActivation =>
  (FAST_ACTIVATIONS as readonly (string | undefined)[]).includes(a);

/** tfjs's selu constants (tfjs-core ops/selu_util). */
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473768;

export function activate(tf: Tf, z: Tensor, activation: FastActivation): Tensor {
  // tfjs-layers applies each of these through the tfjs op of the same name.
  return activation === 'linear' ? z : tf[activation](z);
}

/** dLoss/dz from dLoss/da (a = activation(z)), as each activation's registered gradient computes it. */
export function activationGradient(tf: Tf, da: Tensor, z: Tensor, a: Tensor, activation: FastActivation): Tensor {
  switch (activation) {
    case 'linear':
      return da;
    case 'relu':
      return tf.mul(da, tf.step(z));
    case 'tanh':
      return tf.mul(tf.sub(tf.scalar(1), tf.square(a)), da);
    case 'sigmoid':
      return tf.mul(da, tf.mul(a, tf.sub(tf.scalar(1), a)));
    case 'elu':
      return tf.engine().runKernel('EluGrad', { dy: da, y: a }) as Tensor;
    case 'selu':
      return tf.where(tf.greater(z, 0), tf.mul(da, SELU_SCALE), tf.mul(tf.mul(da, SELU_SCALE_ALPHA), tf.exp(z)));
    case 'softplus':
      return tf.mul(da, tf.sigmoid(z));
  }
}
