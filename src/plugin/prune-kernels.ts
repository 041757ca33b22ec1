// Shared machinery for unstructured pruning plugins: pick target layers, copy the model, zero the
// chosen kernel weights, report what changed. Biases are never touched.
import { z } from 'zod';
import { cloneModel } from './architecture.ts';
import { ErrorCode, RunexpError } from './errors.ts';
import type { LayersModel, PrunedLayer, PruneRequest, PruneResult, Tf } from './api.ts';
import { suggestHint } from './suggest.ts';

/** The `layers` option every kernel pruner accepts. */
export const targetLayersOption = z
  .union([z.enum(['first-dense', 'hidden-dense']), z.array(z.string().min(1)).min(1)])
  .default('first-dense')
  .describe('first-dense (the paper), hidden-dense (every dense layer but the output), or a list of layer names');

export function resolveTargetLayers(model: LayersModel, choice: z.output<typeof targetLayersOption>): string[] {
  const dense = model.layers.filter((l) => l.getClassName() === 'Dense').map((l) => l.name);
  if (choice === 'first-dense') {
    if (dense.length === 0) throw new RunexpError(ErrorCode.PLUGIN, 'the model has no dense layer to prune');
    return [dense[0]];
  }
  if (choice === 'hidden-dense') return dense.slice(0, -1);
  const names = model.layers.map((l) => l.name);
  for (const name of choice) {
    const layer = model.layers.find((l) => l.name === name);
    if (!layer) throw new RunexpError(ErrorCode.PLUGIN, `no layer named "${name}" in the model`, suggestHint(name, names));
    if (layer.getWeights().length === 0) throw new RunexpError(ErrorCode.PLUGIN, `layer "${name}" has no weights to prune`);
  }
  return choice;
}

/** How one layer's weights were chosen: the keep mask, and the criterion and threshold behind it. */
export interface KernelDecision {
  keep: (index: number) => boolean;
  /** e.g. "|w|" or "random"; reports show threshold lines only for score thresholds. */
  criterion?: string;
  threshold?: number;
}

/**
 * Copies the model and, for each target layer, keeps the kernel weights for which `keep` says
 * true. `decide` sees each layer's kernel and returns its keep mask (and what it was based on).
 */
export function pruneKernels(
  tf: Tf,
  req: PruneRequest,
  targets: readonly string[],
  decide: (layer: string, kernel: Float32Array) => KernelDecision,
): PruneResult {
  const model = cloneModel(tf, req.model, req.architecture, [req.data.lookback, req.data.features]);
  const layers: PrunedLayer[] = [];
  for (const name of targets) {
    const layer = model.getLayer(name);
    const [kernel, ...rest] = layer.getWeights();
    const before = Float32Array.from(kernel.dataSync() as Float32Array);
    const { threshold, criterion, keep } = decide(name, before);
    const after = before.map((w, i) => (keep(i) ? w : 0));
    let kept = 0;
    for (const w of after) if (w !== 0) kept++;
    const pruned = tf.tensor(after, kernel.shape);
    layer.setWeights([pruned, ...rest]);
    pruned.dispose();
    layers.push({ layer: name, criterion, threshold, total: before.length, kept, before, after });
  }
  return { model, layers };
}
