// Shared machinery for unstructured pruning plugins: pick target layers, copy the model, zero the
// chosen kernel weights, report what changed. Biases are never touched.
import { z } from 'zod';
import { cloneModel } from './architecture.ts';
import { ErrorCode, RunexpError } from './errors.ts';
import type { LayersModel, PrunedLayer, PruneRequest, PruneResult, Tf } from './api.ts';
import { kindOfLayer, prunableLayers, weightIndex, weightsOfLayer } from './layers/registry.ts';
import { suggestHint } from './suggest.ts';

/** The `layers` option every kernel pruner accepts. */
export const targetLayersOption = z
  .union([z.enum(['first-dense', 'hidden-dense', 'first', 'hidden']), z.array(z.string().min(1)).min(1)])
  .default('first-dense')
  .describe(
    'first-dense (the paper), hidden-dense (every dense layer but the output), first (the first layer with a kernel, of any kind), hidden (every layer with a kernel but the output), or a list of layer names',
  );

/** The `weights` option: which weights of each target layer a pruner prunes. */
export const targetWeightsOption = z
  .union([z.literal('kernels'), z.array(z.string().min(1)).min(1)])
  .optional()
  .describe(
    "kernels (the default: a layer's kernel, and a recurrent layer's recurrent kernel too), or a list of weight names (kernel, recurrentKernel, bias, gamma, …)",
  );

/**
 * A pruning target: one weight of one layer, written as the layer's name for its kernel (what
 * pruners have always reported) and `layer:weight` for any other.
 */
export const weightTarget = (layer: string, weight: string): string => (weight === 'kernel' ? layer : `${layer}:${weight}`);
/**
 * A pruning target (`layer` or `layer:weight`) as layer and weight names; the kernel when no weight is
 * named.
 */
export function splitTarget(target: string): { layer: string; weight: string } {
  const at = target.indexOf(':');
  return at < 0 ? { layer: target, weight: 'kernel' } : { layer: target.slice(0, at), weight: target.slice(at + 1) };
}

/** How a pruned weight is shown: the layer's name for its kernel, "lstm recurrentKernel" for another. */
export const prunedLabel = ({ layer, weight }: { layer: string; weight?: string }): string =>
  weight && weight !== 'kernel' ? `${layer} ${weight}` : layer;

/** A target's values (a copy) and shape. */
function targetValues(model: LayersModel, target: string): { values: Float32Array; shape: number[] } {
  const { layer, weight } = splitTarget(target);
  const found = model.getLayer(layer);
  const tensor = found.getWeights()[weightIndex(found, weight)];
  return { values: Float32Array.from(tensor.dataSync() as Float32Array), shape: tensor.shape };
}

/**
 * The targets a pruner's `layers` and `weights` options choose: each target layer's kernels (a
 * recurrent layer's recurrent kernel too) unless `weights` names others. Layers come from
 * `resolveTargetLayers`; a weight name a layer does not have is an error listing its weights.
 */
export function resolveTargets(
  model: LayersModel,
  layers: z.output<typeof targetLayersOption>,
  weights?: z.output<typeof targetWeightsOption>,
): string[] {
  return resolveTargetLayers(model, layers).flatMap((name) => {
    const layer = model.getLayer(name);
    const chosen =
      weights === undefined || weights === 'kernels'
        ? weightsOfLayer(layer)
            .filter((w) => w.prunedByDefault)
            .map((w) => w.name)
        : weights;
    for (const weight of chosen) weightIndex(layer, weight);
    return chosen.map((weight) => weightTarget(name, weight));
  });
}

/**
 * The layers a `layers` option chooses in this model (first-dense, hidden, first, … or names), checked to
 * exist and carry prunable weights.
 */
export function resolveTargetLayers(model: LayersModel, choice: z.output<typeof targetLayersOption>): string[] {
  if (typeof choice === 'string') {
    // The -dense selectors are the paper's; first and hidden span any architecture, so one
    // pruner entry serves a grid of recurrent and convolutional models alike.
    const weighted = choice.endsWith('-dense') ? model.layers.filter((l) => l.getClassName() === 'Dense') : prunableLayers(model.layers);
    const what = choice.endsWith('-dense') ? 'dense layer' : 'layer with a kernel';
    if (choice.startsWith('first')) {
      if (weighted.length === 0) throw new RunexpError(ErrorCode.PLUGIN, `the model has no ${what} to prune`);
      return [weighted[0].name];
    }
    return weighted.slice(0, -1).map((l) => l.name);
  }
  const names = model.layers.map((l) => l.name);
  for (const name of choice) {
    const layer = model.layers.find((l) => l.name === name);
    if (!layer) throw new RunexpError(ErrorCode.PLUGIN, `no layer named "${name}" in the model`, suggestHint(name, names));
    if (!kindOfLayer(layer).prunable) throw new RunexpError(ErrorCode.PLUGIN, `layer "${name}" has no weights to prune`);
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
 * Copies the model and, for each target (a layer's kernel, or `layer:weight` from resolveTargets),
 * keeps the weights for which `keep` says true. `decide` sees each target's values and returns
 * its keep mask (and what it was based on).
 */
export function pruneKernels(
  tf: Tf,
  req: PruneRequest,
  targets: readonly string[],
  decide: (layer: string, kernel: Float32Array) => KernelDecision,
): PruneResult {
  const model = cloneModel(tf, req.model, req.architecture, [req.data.lookback, req.data.features]);
  const layers: PrunedLayer[] = [];
  for (const target of targets) {
    const { layer: name, weight } = splitTarget(target);
    const layer = model.getLayer(name);
    const weights = layer.getWeights();
    const index = weightIndex(layer, weight);
    const before = Float32Array.from(weights[index].dataSync() as Float32Array);
    const { threshold, criterion, keep } = decide(target, before);
    const after = before.map((w, i) => (keep(i) ? w : 0));
    let kept = 0;
    for (const w of after) if (w !== 0) kept++;
    const pruned = tf.tensor(after, weights[index].shape);
    layer.setWeights(weights.map((w, i) => (i === index ? pruned : w)));
    pruned.dispose();
    layers.push({
      layer: name,
      ...(weight === 'kernel' ? {} : { weight }),
      criterion,
      threshold,
      total: before.length,
      kept,
      before,
      after,
    });
  }
  return { model, layers };
}

// ---------- options every pruner shares ----------

/** The share of the targeted weights a pruner removes; an axis in every built-in pruner. */
export const sparsityOption = z
  .number()
  .min(0)
  .lt(1)
  .describe('fraction of the targeted weights removed (0.35 = 35%); a list is a grid axis');

/** The paper's `percentile` (0–100), an alternative to `sparsity` in the magnitude and random pruners. */
export const percentileOption = z
  .number()
  .min(0)
  .lt(100)
  .optional()
  .describe("the paper's share in percent; 35 when neither this nor sparsity is given");

/** Options that take `sparsity` or the paper's `percentile` (not both); percentile 35 when neither is given. */
export function sparsityOrPercentile<
  T extends z.ZodObject<{ sparsity: z.ZodOptional<z.ZodNumber>; percentile: z.ZodOptional<z.ZodNumber> }>,
>(options: T) {
  return options
    .refine((o) => o.sparsity === undefined || o.percentile === undefined, {
      message: 'give sparsity or percentile, not both',
      path: ['sparsity'],
    })
    .transform((o) => (o.sparsity === undefined && o.percentile === undefined ? { ...o, percentile: 35 } : o));
}

/** The fraction an options object of sparsityOrPercentile asks for: `sparsity`, or `percentile` / 100. */
export function sparsityFrom(options: { sparsity?: number; percentile?: number }): number | undefined {
  return options.sparsity ?? (options.percentile === undefined ? undefined : options.percentile / 100);
}

/** One threshold per layer, or one over all target layers together. */
export const scopeOption = z
  .enum(['layer', 'global'])
  .default('layer')
  .describe('layer: each target layer loses the same share; global: one ranking over all target layers');

/**
 * The random control: the same number of weights removed from each layer as the method would
 * remove, at random (seeded). An axis, so a grid can hold a method and its control side by side.
 */
export const controlOption = controlOf(['random']);

/** A `control` option with these controls besides `none` (the method itself, the same as leaving it out). */
export function controlOf<C extends string>(controls: readonly [C, ...C[]]): z.ZodOptional<z.ZodType<C | undefined, C | 'none'>> {
  return z
    .enum(['none', ...controls])
    .transform((v) => (v === 'none' ? undefined : (v as C)))
    .optional()
    .describe(
      `the method's control: ${controls.join(' or ')}; none (the default) runs the method itself; a list like [none, ${controls[0]}] runs both`,
    );
}

/** |w| of each target (a layer's kernel, or `layer:weight`), the score of magnitude-based methods. */
export function magnitudeScores(model: LayersModel, targets: readonly string[]): Map<string, Float64Array> {
  return new Map(targets.map((target) => [target, Float64Array.from(targetValues(model, target).values, Math.abs)]));
}
