// The residual block, `{type: residual, layers: [...]}`: its layers' output is added to its input,
// through a linear 1×1 projection (a conv1d on [steps, channels], a dense on a vector) when the
// shapes differ, so a dilated residual CNN (TCN-style) is one YAML block per level. Not a layer
// kind itself: architecture.ts builds it from its layers, an Add (kinds/add.ts) and the projection.
import type { Shape } from './kind.ts';

export const RESIDUAL = 'residual';

type Spec = { type: string } & Record<string, unknown>;

/** Whether a layer spec is a residual block (`type: residual`, with its own layers). */
export const isResidual = (spec: Spec): spec is Spec & { layers: Spec[] } => spec.type === RESIDUAL;

/** The projection that carries a block's input shape to its output shape, or a sentence saying why none can. */
export function projectionFor(from: Shape, to: Shape): Spec | string {
  if (from.length === 2 && to.length === 2) {
    if (from[0] !== to[0])
      return `its layers change the steps from ${from[0]} to ${to[0]}, so the input cannot be added to their output (use padding: same)`;
    return { type: 'conv1d', filters: to[1], kernelSize: 1, strides: 1, padding: 'valid', activation: 'linear' };
  }
  if (from.length === 1 && to.length === 1) return { type: 'dense', units: to[0], activation: 'linear' };
  return `its layers turn [${from.join(', ')}] into [${to.join(', ')}], which the input cannot be added to (keep the block's rank: no flatten or global pooling inside it)`;
}

/** The projection a built block needs (its shapes were checked at validate time). */
export function projectionKind(from: Shape, to: Shape): Spec {
  const projection = projectionFor(from, to);
  if (typeof projection === 'string') throw new Error(`a residual block cannot be built: ${projection}`);
  return projection;
}
