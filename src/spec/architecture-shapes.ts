// Whether each architecture's layers fit together, checked at validate time by walking the
// window's shape through each kind's `outputShape` (layers/kinds/) and into residual blocks: a
// recurrent layer after a flatten, a pool longer than its input, a kernel wider than the window or
// a block whose input cannot be added to its output fails here, at the layer's line, rather than
// in every run when tfjs builds the model.
import type { Architecture, LayerSpec } from '../plugin/architecture.ts';
import { layerKind } from '../plugin/layers/registry.ts';
import { isResidual, projectionFor } from '../plugin/layers/residual.ts';
import type { SpecIssue } from './issues.ts';
import type { YamlSource } from './yaml-source.ts';
import { issueAt } from './zod-issues.ts';

/** Windows have one feature (the adjusted close) until multivariate data arrives. */
const FEATURES = 1;

type Walk = { shape: number[] } | { problem: string; hint: string; path: (string | number)[] };

function walk(layers: readonly LayerSpec[], shape: number[], path: (string | number)[]): Walk {
  for (const [i, layer] of layers.entries()) {
    if (isResidual(layer)) {
      const inner = walk(layer.layers, shape, [...path, i, 'layers']);
      if ('problem' in inner) return inner;
      const projection = projectionFor(shape, inner.shape);
      if (typeof projection === 'string')
        return {
          problem: `this residual block cannot add its input to its layers' output: ${projection}`,
          hint: "a block keeps its input's steps; its channels may change (a 1×1 projection adds the input)",
          path: [...path, i],
        };
      shape = inner.shape;
      continue;
    }
    const next = layerKind(layer.type)?.outputShape(shape, layer);
    if (next === undefined) return { shape }; // an unknown type: the schema said so already
    if (typeof next === 'string')
      return {
        problem: `${next}; the window is [${shape.join(', ')}] when it reaches this layer`,
        hint: hintFor(layer.type, shape),
        path: [...path, i],
      };
    shape = next;
  }
  return { shape };
}

export function checkArchitectureShapes(
  architectures: Record<string, Architecture['layers']>,
  lookback: number,
  source: YamlSource,
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const [name, layers] of Object.entries(architectures)) {
    const result = walk(layers, [lookback, FEATURES], ['architectures', name]);
    if ('problem' in result) issues.push(issueAt(source, result.path, result.problem, { hint: result.hint }));
  }
  return issues;
}

function hintFor(type: string, shape: number[]): string {
  if (shape.length === 1)
    return `${type} needs steps: put it before the flatten (or global pooling), or give the recurrent layer before it returnSequences: true`;
  return 'shorten the kernel or pool, or use padding: same';
}
