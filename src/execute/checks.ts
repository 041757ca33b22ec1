// Checks every run makes on itself: that the compact model reproduces the pruned one, and that
// nothing outside the pruned kernels changed.
import type { LayersModel, Tf, WindowedData } from '../plugin/api.ts';
import { weightsOf } from '../plugin/weights.ts';

/** How far the compact model's test predictions are from the pruned original's (should be 0). */
export function maxAbsDifference(tf: Tf, a: LayersModel, b: LayersModel, data: WindowedData): number {
  return tf.tidy(() => {
    const x = tf.tensor3d(data.test.x, [data.test.count, data.lookback, data.features]);
    const pa = a.predict(x) as InstanceType<Tf['Tensor']>;
    const pb = b.predict(x) as InstanceType<Tf['Tensor']>;
    return pa.sub(pb).abs().max().dataSync()[0];
  });
}

/** Counts weight values that differ between two same-shaped models, skipping the pruned kernels. */
export function changedOutside(a: LayersModel, b: LayersModel, prunedKernels: Set<string>): number {
  const wa = weightsOf(a);
  const wb = weightsOf(b);
  let changed = 0;
  wa.forEach((layer, li) =>
    layer.tensors.forEach((t, ti) => {
      if (ti === 0 && prunedKernels.has(layer.layer)) return;
      const other = wb[li].tensors[ti].values;
      t.values.forEach((v, i) => {
        if (v !== other[i]) changed++;
      });
    }),
  );
  return changed;
}
