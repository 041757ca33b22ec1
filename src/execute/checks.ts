// Checks every run makes on itself: that what the plugins returned makes sense (counts, finite
// scores), that the compact model reproduces the pruned one, and that nothing outside the pruned
// kernels changed.
import type { LayersModel, PrunedLayer, Tf, WindowedData } from '../plugin/api.ts';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { weightsOfLayer } from '../plugin/layers/registry.ts';
import { prunedLabel } from '../plugin/prune-kernels.ts';
import { quoted } from '../plugin/shorten.ts';
import { weightsOf, type LayerWeights } from '../plugin/weights.ts';

/**
 * How far apart the model's highest and lowest outputs on the test windows are: 0 (≤ 1e-6) for a
 * dead model, one that answers every window with the same constant.
 */
export function outputSpread(tf: Tf, model: LayersModel, data: WindowedData): number {
  return tf.tidy(() => {
    const out = model.predict(tf.tensor3d(data.test.x, [data.test.count, data.lookback, data.features])) as InstanceType<Tf['Tensor']>;
    return out.max().sub(out.min()).dataSync()[0];
  });
}

/** How far the compact model's test predictions are from the pruned original's (should be 0). */
export function maxAbsDifference(tf: Tf, a: LayersModel, b: LayersModel, data: WindowedData): number {
  return tf.tidy(() => {
    const x = tf.tensor3d(data.test.x, [data.test.count, data.lookback, data.features]);
    const pa = a.predict(x) as InstanceType<Tf['Tensor']>;
    const pb = b.predict(x) as InstanceType<Tf['Tensor']>;
    return pa.sub(pb).abs().max().dataSync()[0];
  });
}

/**
 * Counts weight values that differ between two same-shaped models, skipping the pruned weights ("layer:weight")
 * and the layers a pruner declares it retrains.
 */
export function changedOutside(
  a: LayersModel,
  b: LayersModel,
  prunedWeights: Set<string>,
  retrained: ReadonlySet<string> = new Set(),
): number {
  const wa = weightsOf(a);
  const wb = weightsOf(b);
  let changed = 0;
  wa.forEach((layer, li) =>
    layer.tensors.forEach((t, ti) => {
      const weight = weightsOfLayer(a.layers[li])[ti]?.name;
      if (prunedWeights.has(`${layer.layer}:${weight}`) || retrained.has(layer.layer)) return;
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
  before.forEach((layer, li) =>
    layer.tensors.forEach((t, ti) => t.values.forEach((v, i) => (changed += Number(!Object.is(v, after[li].tensors[ti].values[i]))))),
  );
  return changed;
}

/**
 * The dense model is every run's "original": a plugin that returns it as its own result, or
 * changes it in place, fails its run naming itself, before the original's metrics are taken from
 * a model that is no longer the original (or later runs find it disposed).
 */
export function requireOriginalUnchanged(
  tf: Tf,
  before: readonly LayerWeights[],
  original: LayersModel,
  returned: LayersModel,
  stage: 'prune' | 'compact',
  plugin: string,
): void {
  const fail = (what: string) =>
    Object.assign(
      new RunexpError(
        ErrorCode.PLUGIN,
        `the ${stage} plugin ${what}`,
        `work on a copy (pruneKernels and cloneModel make one) and return that; runexp check-plugin tests this`,
      ),
      { stage, plugin },
    );
  const changed = differences(before, weightsOf(original));
  // Put the original back first: the group's later runs start from it.
  if (changed) restoreWeights(tf, original, before);
  if (returned === original) throw fail('returned the original model itself (req.model), not a copy');
  if (changed)
    throw fail(
      `modified the original model in place (${changed.toLocaleString('en-US')} weight values changed), so it is no longer the original`,
    );
}

function restoreWeights(tf: Tf, model: LayersModel, snapshot: readonly LayerWeights[]): void {
  for (const [li, layer] of snapshot.entries()) {
    if (layer.tensors.length === 0) continue;
    const tensors = layer.tensors.map((t) => tf.tensor(t.values, t.shape));
    model.layers[li].setWeights(tensors);
    tensors.forEach((t) => t.dispose());
  }
}

const nonzero = (values: ArrayLike<number>) => {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) n++;
  return n;
};

/**
 * The counts a pruner reports are taken from its model, never on its word: every reported layer
 * exists with that many weights and that many non-zero, and (unless it retrains every weight) no
 * layer it does not report lost weights to zero. A mismatch fails the run, naming both numbers.
 */
export function requireCountsFromModel(
  original: LayersModel,
  result: { model: LayersModel; layers: readonly PrunedLayer[] },
  retrains: 'all' | readonly string[] | undefined,
  pruner: string,
): void {
  const fail = (what: string) =>
    Object.assign(
      new RunexpError(
        ErrorCode.PLUGIN,
        `the prune plugin ${what}`,
        'report what the returned model holds (pruneKernels and maskedResult count it for you); runexp check-plugin tests this',
      ),
      { stage: 'prune', plugin: pruner },
    );
  const names = new Set(result.model.layers.map((l) => l.name));
  for (const reported of result.layers) {
    if (!names.has(reported.layer)) throw fail(`reported layer ${quoted(reported.layer)}, which the model does not have`);
    const layer = result.model.getLayer(reported.layer);
    const weight = reported.weight ?? 'kernel';
    const index = weightsOfLayer(layer).findIndex((w) => w.name === weight);
    if (index < 0)
      throw fail(
        `reported weight ${quoted(weight)} of layer ${reported.layer}, which has ${
          weightsOfLayer(layer)
            .map((w) => w.name)
            .join(', ') || 'no weights'
        }`,
      );
    const values = layer.getWeights()[index].dataSync();
    if (values.length !== reported.total)
      throw fail(
        `reported ${reported.total.toLocaleString('en-US')} weights for layer ${reported.layer}, whose ${weight} has ${values.length.toLocaleString('en-US')}`,
      );
    const kept = nonzero(values);
    if (kept !== reported.kept)
      throw fail(
        `reported ${reported.kept.toLocaleString('en-US')} of ${reported.total.toLocaleString('en-US')} weights kept in ${layerWord(reported)}, but the model holds ${kept.toLocaleString('en-US')} non-zero`,
      );
  }
  if (retrains === 'all') return;
  // Every kernel (and recurrent kernel) that lost values to zero must be among those reported.
  // Biases and normalisation parameters changed are a warning (changedOutside), not a failure.
  const reportedWeights = new Set([...result.layers.map((l) => `${l.layer}:${l.weight ?? 'kernel'}`)]);
  const retrained = new Set(retrains ?? []);
  const before = new Map(original.layers.map((l) => [l.name, l]));
  for (const layer of result.model.layers) {
    const source = before.get(layer.name);
    if (retrained.has(layer.name) || !source) continue;
    const was = source.getWeights();
    const now = layer.getWeights();
    weightsOfLayer(layer).forEach(({ name, prunedByDefault }, i) => {
      if (!prunedByDefault || reportedWeights.has(`${layer.name}:${name}`)) return;
      const lost = nonzero(was[i].dataSync()) - nonzero(now[i].dataSync());
      if (lost > 0)
        throw fail(
          `set ${lost.toLocaleString('en-US')} weights of ${layerWord({ layer: layer.name, weight: name })} to 0 but reports only ${result.layers.map(prunedLabel).join(', ') || 'no layer'}`,
        );
    });
  }
}

/** "layer dense", or "layer lstm (recurrentKernel)" for a weight other than the kernel. */
const layerWord = ({ layer, weight }: { layer: string; weight?: string }) =>
  `layer ${layer}${weight && weight !== 'kernel' ? ` (${weight})` : ''}`;

/** A measure plugin's parameter counts are the models' own: total and non-zero, checked. */
export function requireReportedCounts(
  models: Record<'original' | 'compact', LayersModel>,
  reports: Record<'original' | 'compact', { totalParams: number; nonzeroParams: number }>,
  measurer: string,
): void {
  for (const which of ['original', 'compact'] as const) {
    const all = weightsOf(models[which]).flatMap((l) => l.tensors.map((t) => t.values));
    const total = all.reduce((n, v) => n + v.length, 0);
    const kept = all.reduce((n, v) => n + nonzero(v), 0);
    const r = reports[which];
    if (r.totalParams !== total || r.nonzeroParams !== kept) {
      throw Object.assign(
        new RunexpError(
          ErrorCode.PLUGIN,
          `the measure plugin reported the ${which} model with ${r.totalParams} parameters, ${r.nonzeroParams} non-zero; the model holds ${total}, ${kept} non-zero`,
          'count parameters from the model (totalParams, nonzeroParams)',
        ),
        { stage: 'measure', plugin: measurer },
      );
    }
  }
}

/** A run whose scores are not finite fails with its own code, so no stored line holds a NaN score. */
export function requireFiniteScores(
  reports: Record<string, { mse: number; rmse: number; mae: number; r2: number }>,
  measurer: string,
): void {
  for (const [model, r] of Object.entries(reports)) {
    const bad = (['mse', 'rmse', 'mae', 'r2'] as const).filter((k) => !Number.isFinite(r[k]));
    if (bad.length) {
      throw Object.assign(
        new RunexpError(
          ErrorCode.NON_FINITE,
          `the ${model} model's ${bad.join(', ')} ${bad.length > 1 ? 'are' : 'is'} not finite (${bad.map((k) => r[k]).join(', ')})`,
          'prices near the float64 limit overflow squared errors; check the data, or the measure plugin',
        ),
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
        new RunexpError(
          ErrorCode.PLUGIN,
          `the prune plugin reported kept = ${kept} of total = ${total} weights for layer ${layer}`,
          'counts must be whole numbers with 0 ≤ kept ≤ total (prunedCount and maskedResult compute them)',
        ),
        { stage: 'prune', plugin: pruner },
      );
    }
  }
}
