// Chained tensor methods (`a.sub(b).square().mean()`). The umbrella @tensorflow/tfjs package adds
// them to the Tensor class when it loads; tfjs-core alone does not, and its per-op ESM files cannot
// be imported by Node (they use directory imports). runexp depends on core and layers only (the
// umbrella's browser bundles were 190 MB of a user's install), so it adds the methods itself.
import type { Tf } from '../plugin/api.ts';

/** Methods that call the op of the same name with the tensor as its first argument. */
const SAME_NAME = [
  'abs',
  'acos',
  'acosh',
  'add',
  'all',
  'any',
  'argMax',
  'argMin',
  'asin',
  'asinh',
  'atan',
  'atan2',
  'atanh',
  'avgPool',
  'batchToSpaceND',
  'batchNorm',
  'broadcastTo',
  'cast',
  'ceil',
  'clipByValue',
  'conv1d',
  'conv2d',
  'conv2dTranspose',
  'cos',
  'cosh',
  'cumprod',
  'cumsum',
  'depthToSpace',
  'depthwiseConv2d',
  'dilation2d',
  'div',
  'divNoNan',
  'dot',
  'elu',
  'equal',
  'erf',
  'euclideanNorm',
  'exp',
  'expandDims',
  'expm1',
  'fft',
  'floor',
  'floorDiv',
  'gather',
  'greater',
  'greaterEqual',
  'ifft',
  'irfft',
  'isFinite',
  'isInf',
  'isNaN',
  'leakyRelu',
  'less',
  'lessEqual',
  'localResponseNormalization',
  'log',
  'log1p',
  'logSigmoid',
  'logSoftmax',
  'logSumExp',
  'logicalAnd',
  'logicalNot',
  'logicalOr',
  'logicalXor',
  'matMul',
  'max',
  'maxPool',
  'maximum',
  'mean',
  'min',
  'minimum',
  'mirrorPad',
  'mod',
  'mul',
  'neg',
  'norm',
  'notEqual',
  'oneHot',
  'onesLike',
  'pad',
  'pool',
  'pow',
  'prelu',
  'prod',
  'reciprocal',
  'relu',
  'relu6',
  'reshape',
  'resizeBilinear',
  'resizeNearestNeighbor',
  'reverse',
  'rfft',
  'round',
  'rsqrt',
  'selu',
  'separableConv2d',
  'sigmoid',
  'sign',
  'sin',
  'sinh',
  'slice',
  'softmax',
  'softplus',
  'spaceToBatchND',
  'split',
  'sqrt',
  'square',
  'squaredDifference',
  'squeeze',
  'step',
  'stridedSlice',
  'sub',
  'sum',
  'tan',
  'tanh',
  'tile',
  'topk',
  'transpose',
  'unique',
  'unsortedSegmentSum',
  'unstack',
  'zerosLike',
] as const;

type T = InstanceType<Tf['Tensor']>;

/** Adds the chained methods to `tf.Tensor` unless something (tfjs-node, the umbrella) already did. */
export function registerChainedOps(tf: Tf): void {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  if (typeof proto.sub === 'function') return;
  const ops = tf as unknown as Record<string, (...args: unknown[]) => T>;
  const define = (name: string, method: (this: T, ...args: never[]) => T) => {
    proto[name] = function (this: T, ...args: never[]) {
      this.throwIfDisposed();
      return method.apply(this, args);
    };
  };
  for (const name of SAME_NAME)
    define(name, function (this: T, ...args: unknown[]) {
      return ops[name](this, ...args);
    });
  // The few whose op differs from the method.
  define('flatten', function () {
    return tf.reshape(this, [this.size]);
  });
  define('as1D', function () {
    return tf.reshape(this, [this.size]);
  });
  define('as2D', function (rows: number, columns: number) {
    return tf.reshape(this, [rows, columns]);
  });
  define('as3D', function (...shape: number[]) {
    return tf.reshape(this, shape);
  });
  define('as4D', function (...shape: number[]) {
    return tf.reshape(this, shape);
  });
  define('as5D', function (...shape: number[]) {
    return tf.reshape(this, shape);
  });
  define('asScalar', function () {
    if (this.size !== 1) throw new Error('The array must have only 1 element.');
    return tf.reshape(this, []);
  });
  define('reshapeAs', function (other: T) {
    return tf.reshape(this, other.shape);
  });
  define('asType', function (dtype: 'float32' | 'int32' | 'bool') {
    return tf.cast(this, dtype);
  });
  define('toBool', function () {
    return tf.cast(this, 'bool');
  });
  define('toFloat', function () {
    return tf.cast(this, 'float32');
  });
  define('toInt', function () {
    return tf.cast(this, 'int32');
  });
  define('concat', function (others: T | T[], axis?: number) {
    return tf.concat([this, ...(Array.isArray(others) ? others : [others])], axis);
  });
  define('stack', function (others: T | T[], axis?: number) {
    return tf.stack([this, ...(Array.isArray(others) ? others : [others])], axis);
  });
  define('where', function (condition: T, other: T) {
    return tf.where(condition, this, other);
  });
}
