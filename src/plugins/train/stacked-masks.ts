// Masks held through a stacked training (stacked.ts): each seed of the stack may carry its own
// masks (a pruner's `req.train({ masks })`), and after every Adam step the pruned entries of the
// stacked weights are set to +0 in place on tfjs's wasm heap — what maskHooks does to one model
// after each step (applyMasks writes 0 where a mask drops a weight and leaves the rest as they are),
// so each seed's weights stay those of its training alone, to the bit.
import type { LayersModel, Tf } from '../../plugin/index.ts';
import { wasmHeap, weightIndex } from '../../plugin/kit/model.ts';
import type { WeightMask } from '../../plugin/kit/prune.ts';

type Variable = InstanceType<Tf['Variable']>;

/** Where each mask lands among a model's trainable weights, or undefined when one is not trainable. */
export function maskedVariables(model: LayersModel, masks: readonly WeightMask[]): number[] | undefined {
  const positions = masks.map((m) => {
    const layer = model.getLayer(m.layer);
    return model.trainableWeights.indexOf(layer.weights[weightIndex(layer, m.weight)]);
  });
  return positions.includes(-1) ? undefined : positions;
}

export class StackedMasks {
  /** For each stacked variable, the flat indices (seed by seed) to hold at zero; undefined when none. */
  private zeros: Array<Int32Array | undefined> = [];

  /**
   * `model` is any seed's model (all share the architecture); `masks[i]` are the masks of the seed
   * at stack position i (none: an empty list).
   */
  constructor(
    private readonly tf: Tf,
    private readonly model: LayersModel,
    private masks: ReadonlyArray<readonly WeightMask[]>,
  ) {
    this.locate();
  }

  get any(): boolean {
    return this.zeros.some((z) => z !== undefined);
  }

  /** The masks of the seeds at `kept` (stack positions), in that order: the others left the stack. */
  keep(kept: readonly number[]): void {
    this.masks = kept.map((i) => this.masks[i]);
    this.locate();
  }

  /** Sets every pruned entry of the stacked variables to +0, in place. */
  hold(variables: readonly Variable[]): void {
    if (!this.any) return;
    const { memory, offset } = wasmHeap(this.tf);
    variables.forEach((variable, w) => {
      const zeros = this.zeros[w];
      if (!zeros) return;
      const values = new Float32Array(memory.buffer, offset(variable), variable.size);
      for (let k = 0; k < zeros.length; k++) values[zeros[k]] = 0;
    });
  }

  private locate(): void {
    const count = this.model.trainableWeights.length;
    const lists: number[][] = Array.from({ length: count }, () => []);
    this.masks.forEach((masks, seed) => {
      const positions = maskedVariables(this.model, masks)!;
      masks.forEach((mask, i) => {
        const w = positions[i];
        const base = seed * mask.keep.length;
        for (let k = 0; k < mask.keep.length; k++) if (!mask.keep[k]) lists[w].push(base + k);
      });
    });
    this.zeros = lists.map((list) => (list.length ? Int32Array.from(list) : undefined));
  }
}
