// The windows a stack of seeds trains on: each epoch's batches, every seed's rows in its own
// shuffled order, stacked along a leading seed axis ([seeds, batch, steps, features]); and the
// validation loss of every seed at once, computed batch by batch as loop.ts computes one seed's.
import type { StackedGradient } from '../../plugin/kit/model.ts';
import type { Tf, WindowedData } from '../../plugin/index.ts';
import { batchSizes } from './loop.ts';
import type { TrainerOptions } from './options.ts';

type Tensor = InstanceType<Tf['Tensor']>;

/** The layers' stacked forward passes: the model's output for every seed. */
export const stackedForward = (layers: StackedGradient[], weights: Tensor[][], x: Tensor): Tensor =>
  layers.reduce((a, layer, l) => layer.forward(a, weights[l]).output, x);

export class StackedEpoch {
  /** The validation windows, shared by every seed. */
  readonly xVal: Tensor;
  private readonly yVal: Tensor;
  private readonly x: Float32Array;
  private readonly y: Float32Array;
  private readonly rowLength: number;

  constructor(
    private readonly tf: Tf,
    private readonly data: WindowedData,
    private readonly batchSize: number,
  ) {
    const { lookback, features, validation } = data;
    // Float32Array.from rounds as tfjs does when it makes a float32 tensor of the same values.
    this.x = Float32Array.from(data.train.x);
    this.y = Float32Array.from(data.train.y);
    this.rowLength = lookback * features;
    this.xVal = tf.tensor3d(validation.x, [validation.count, lookback, features]);
    this.yVal = tf.tensor2d(validation.y, [validation.count, 1]);
  }

  /** This epoch's batches: seed i's rows in `orders[i]`, cut into batches as fit cuts them. */
  shuffled(orders: readonly Uint32Array[]): Array<{ x: Tensor; y: Tensor; size: number }> {
    const { lookback, features } = this.data;
    const seeds = orders.length;
    let start = 0;
    return batchSizes(this.data.train.count, this.batchSize).map((size) => {
      const x = new Float32Array(seeds * size * this.rowLength);
      const y = new Float32Array(seeds * size);
      orders.forEach((order, s) => {
        for (let j = 0; j < size; j++) {
          const row = order[start + j];
          // A plain copy: a window is a dozen values, and a subarray per window was most of the cost.
          const from = row * this.rowLength;
          const to = (s * size + j) * this.rowLength;
          for (let q = 0; q < this.rowLength; q++) x[to + q] = this.x[from + q];
          y[s * size + j] = this.y[row];
        }
      });
      start += size;
      return { x: this.tf.tensor4d(x, [seeds, size, lookback, features]), y: this.tf.tensor3d(y, [seeds, size, 1]), size };
    });
  }

  /** Every seed's validation loss: per batch, the mean loss weighted by the batch's size, over all windows. */
  validationLoss(layers: StackedGradient[], weights: Tensor[][], seeds: number, lossName: TrainerOptions['loss']): number[] {
    const { tf } = this;
    const count = this.xVal.shape[0];
    return tf.tidy(() => {
      let total: Tensor = tf.zeros([seeds]);
      let start = 0;
      for (const size of batchSizes(count, this.batchSize)) {
        const x = tf.reshape(tf.slice(this.xVal, [start], [size]), [1, size, ...this.xVal.shape.slice(1)]);
        const y = tf.slice(this.yVal, [start], [size]);
        const perWindow = tf.metrics[lossName](y, stackedForward(layers, weights, x));
        total = tf.add(total, tf.mul(size, tf.mean(perWindow, 1)));
        start += size;
      }
      return Array.from(tf.div(total, count).dataSync());
    });
  }

  dispose(): void {
    this.tf.dispose([this.xVal, this.yVal]);
  }
}
