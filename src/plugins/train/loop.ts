// The training loop behind the tfjs trainer: what model.fit does for one epoch, without its
// per-batch bookkeeping (array slicing by index tensors, callback lists, metrics nobody reads,
// yielding to the event loop). The arithmetic is fit's: the loss function compile resolves, the
// mean of the batch's losses, a step of the optimizer over the trainable weights, and epoch losses
// averaged by batch size as fit's logger and test loop do. Gradients come from backprop.ts where
// the model allows (else from tfjs's tape) and Adam's step from adam.ts on wasm and cpu; the weights
// stay within 1e-5 of model.fit's after 7 epochs (test/unit/training-loop.test.ts).
import type { LayersModel, Tf } from '../../plugin/index.ts';
import { forwardFunction, gradientFunction, type LossName } from './backprop.ts';
import { wasmAdamFor } from './adam.ts';

type Tensor = InstanceType<Tf['Tensor']>;
export type { LossName };

/** The function `compile({loss})` resolves the name to (tf.metrics holds the same ones), so no op differs from fit's. */
const lossFunction =
  (tf: Tf, name: LossName) =>
  (yTrue: Tensor, yPred: Tensor): Tensor =>
    tf.metrics[name](yTrue, yPred);

/** Sizes of consecutive batches of `batchSize` over `count` rows (the last may be smaller). */
export function batchSizes(count: number, batchSize: number): number[] {
  const sizes: number[] = [];
  for (let start = 0; start < count; start += batchSize) sizes.push(Math.min(batchSize, count - start));
  return sizes;
}

/**
 * Consecutive batches of `x`'s rows, as tensors. Not tf.split: the wasm backend's slice kernel copies
 * the whole input out of wasm memory for every batch (12,000 windows: 672 KB per batch, 250 MB per
 * epoch), and those large short-lived arrays cost page faults that also stall the other worker
 * thread. One read of `x`, then one tensor per batch from a view of it: the same values.
 */
function splitRows(tf: Tf, x: Tensor, sizes: number[]): Tensor[] {
  const values = x.dataSync();
  const rowLength = x.size / x.shape[0];
  let row = 0;
  return sizes.map((size) => {
    const batch = tf.tensor(
      values.subarray(row * rowLength, (row + size) * rowLength) as Float32Array,
      [size, ...x.shape.slice(1)],
      x.dtype as 'float32',
    );
    row += size;
    return batch;
  });
}

/**
 * One epoch over `x`, `y` (already in this epoch's order). `afterBatch` runs after every optimizer
 * step (for pruners' hooks). Returns the epoch's training loss, as fit reports it.
 */
export async function trainEpoch(
  tf: Tf,
  model: LayersModel,
  lossName: LossName,
  x: Tensor,
  y: Tensor,
  batchSize: number,
  afterBatch?: () => Promise<void>,
): Promise<number> {
  const loss = lossFunction(tf, lossName);
  const optimizer = model.optimizer;
  const variables = model.trainableWeights.map((w) => (w as unknown as { read(): Tensor }).read());
  const adam = wasmAdamFor(tf, optimizer);
  const gradients = gradientFunction(tf, model, lossName);
  const sizes = batchSizes(x.shape[0], batchSize);
  const xs = splitRows(tf, x, sizes);
  const ys = splitRows(tf, y, sizes);
  let total: Tensor = tf.scalar(0);
  try {
    for (let b = 0; b < sizes.length; b++) {
      let cost: Tensor;
      if (gradients) {
        const { value, grads } = tf.tidy(() => gradients(xs[b], ys[b]));
        if (adam) adam.apply(variables as never, grads);
        else optimizer.applyGradients(grads as never);
        tf.dispose(grads);
        cost = value;
      } else {
        cost = optimizer.minimize(
          () => tf.mean(loss(ys[b], model.apply(xs[b], { training: true }) as Tensor)) as never,
          true,
          variables as never,
        ) as Tensor;
      }
      const next = tf.tidy(() => tf.add(total, tf.mul(cost, sizes[b])));
      tf.dispose([total, cost]);
      total = next;
      if (afterBatch) await afterBatch();
    }
    // fit's logger multiplies by 1/n rather than dividing by n: the last bit can differ.
    const epochLoss = tf.tidy(() => tf.mul(tf.div(1, x.shape[0]), total));
    const value = (await epochLoss.data())[0];
    epochLoss.dispose();
    return value;
  } finally {
    tf.dispose([total, ...xs, ...ys]);
  }
}

/** The validation loss as fit computes it: per batch, the mean loss weighted by the batch's size. */
export function validationLoss(tf: Tf, model: LayersModel, lossName: LossName, x: Tensor, y: Tensor, batchSize: number): number {
  const loss = lossFunction(tf, lossName);
  // The kinds' forward passes where they exist: predict's values without its per-call overhead
  // (on wasm 0.5 ms against 4.8 ms for 248 windows of the paper's model, 8 ms against 24 ms for an LSTM(32)).
  const forward = forwardFunction(tf, model) ?? ((batch: Tensor) => model.predictOnBatch(batch) as Tensor);
  return tf.tidy(() => {
    const sizes = batchSizes(x.shape[0], batchSize);
    const xs = splitRows(tf, x, sizes);
    const ys = splitRows(tf, y, sizes);
    let total: Tensor = tf.scalar(0);
    sizes.forEach((size, b) => {
      total = tf.add(total, tf.mul(size, tf.mean(loss(ys[b], forward(xs[b])))));
    });
    return tf.div(total, x.shape[0]).dataSync()[0];
  });
}
