// Checks every run makes on itself: that what the plugins returned makes sense (counts, finite
// scores), that the compact model reproduces the pruned one, and that nothing outside the pruned
// kernels changed.
import type { LayersModel, PrunedLayer, Tf, WindowedData } from '../plugin/api.ts';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { quoted } from '../plugin/shorten.ts';
import { weightsOf, type LayerWeights } from '../plugin/weights.ts';

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

/** Values that differ between two snapshots of one model's weights (NaN equal to NaN). */
export function differences(before: readonly LayerWeights[], after: readonly LayerWeights[]): number {
  let changed = 0;
  before.forEach((layer, li) => layer.tensors.forEach((t, ti) => t.values.forEach((v, i) => (changed += Number(!Object.is(v, after[li].tensors[ti].values[i]))))));
  return changed;
}

/**
 * The dense model is every run's "original": a plugin that returns it as its own result, or
 * changes it in place, fails its run naming itself, before the original's metrics are taken from
 * a model that is no longer the original (or later runs find it disposed).
 */
export function requireOriginalUnchanged(tf: Tf, before: readonly LayerWeights[], original: LayersModel, returned: LayersModel, stage: 'prune' | 'compact', plugin: string): void {
  const fail = (what: string) =>
    Object.assign(new RunexpError(ErrorCode.PLUGIN, `the ${stage} plugin ${what}`, `work on a copy (pruneKernels and cloneModel make one) and return that; runexp check-plugin tests this`), { stage, plugin });
  const changed = differences(before, weightsOf(original));
  // Put the original back first: the group's later runs start from it.
  if (changed) restoreWeights(tf, original, before);
  if (returned === original) throw fail('returned the original model itself (req.model), not a copy');
  if (changed) throw fail(`modified the original model in place (${changed.toLocaleString('en-US')} weight values changed), so it is no longer the original`);
}

function restoreWeights(tf: Tf, model: LayersModel, snapshot: readonly LayerWeights[]): void {
  for (const [li, layer] of snapshot.entries()) {
    if (layer.tensors.length === 0) continue;
    const tensors = layer.tensors.map((t) => tf.tensor(t.values, t.shape));
    model.layers[li].setWeights(tensors);
    tensors.forEach((t) => t.dispose());
  }
}

/** A run whose scores are not finite fails with its own code, so no stored line holds a NaN score. */
export function requireFiniteScores(reports: Record<string, { mse: number; rmse: number; mae: number; r2: number }>, measurer: string): void {
  for (const [model, r] of Object.entries(reports)) {
    const bad = (['mse', 'rmse', 'mae', 'r2'] as const).filter((k) => !Number.isFinite(r[k]));
    if (bad.length) {
      throw Object.assign(
        new RunexpError(ErrorCode.NON_FINITE, `the ${model} model's ${bad.join(', ')} ${bad.length > 1 ? 'are' : 'is'} not finite (${bad.map((k) => r[k]).join(', ')})`, 'prices near the float64 limit overflow squared errors; check the data, or the measure plugin'),
        { stage: 'measure', plugin: measurer },
      );
    }
  }
}

/** A pruner's counts are whole numbers with 0 ≤ kept ≤ total > 0; anything else would be stored as a sparsity. */
export function requireValidCounts(layers: readonly PrunedLayer[], pruner: string): void {
  for (const { layer, total, kept } of layers) {
    if (!(Number.isInteger(total) && total > 0 && Number.isInteger(kept) && kept >= 0 && kept <= total)) {
      throw Object.assign(
        new RunexpError(ErrorCode.PLUGIN, `the prune plugin reported kept = ${kept} of total = ${total} weights for layer ${layer}`, 'counts must be whole numbers with 0 ≤ kept ≤ total (prunedCount and maskedResult compute them)'),
        { stage: 'prune', plugin: pruner },
      );
    }
  }
}

/**
 * The files a measure plugin asks to keep, checked: relative POSIX paths inside the run folder,
 * bytes, and none that would replace one of runexp's own artifacts.
 */
export function pluginFiles(files: Record<string, Uint8Array> | undefined, reserved: readonly string[], measurer: string): Record<string, Uint8Array> {
  const fail = (problem: string) =>
    Object.assign(new RunexpError(ErrorCode.PLUGIN, `the measure plugin returned a file ${problem}`, 'return files as { "relative/path": Uint8Array } inside the run folder'), { stage: 'measure', plugin: measurer });
  for (const [path, bytes] of Object.entries(files ?? {})) {
    const parts = path.split('/');
    if (!path || path.startsWith('/') || path.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')) throw fail(`at ${quoted(path)}, which is not a relative path inside the run folder`);
    if (reserved.includes(path)) throw fail(`at ${quoted(path)}, which runexp writes itself`);
    if (!(bytes instanceof Uint8Array)) throw fail(`at ${quoted(path)} whose content is not a Uint8Array`);
  }
  return files ?? {};
}
