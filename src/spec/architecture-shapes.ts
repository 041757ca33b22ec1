// Whether each architecture's layers fit together, checked at validate time by walking the
// window's shape through each kind's `outputShape` (layers/kinds/): a recurrent layer after a
// flatten, a pool longer than its input or a kernel wider than the window fails here, at the
// layer's line, rather than in every run when tfjs builds the model.
import type { Architecture } from '../plugin/architecture.ts';
import { layerKind } from '../plugin/layers/registry.ts';
import type { SpecIssue } from './issues.ts';
import type { YamlSource } from './yaml-source.ts';
import { issueAt } from './zod-issues.ts';

/** Windows have one feature (the adjusted close) until multivariate data arrives. */
const FEATURES = 1;

export function checkArchitectureShapes(architectures: Record<string, Architecture['layers']>, lookback: number, source: YamlSource): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const [name, layers] of Object.entries(architectures)) {
    let shape = [lookback, FEATURES];
    for (const [i, layer] of layers.entries()) {
      const next = layerKind(layer.type)?.outputShape(shape, layer);
      if (next === undefined) break; // an unknown type: the schema said so already
      if (typeof next === 'string') {
        issues.push(issueAt(source, ['architectures', name, i], `${next}; the window is [${lookback} steps, ${FEATURES} feature] and reaches this layer as [${shape.join(', ')}]`, { hint: hintFor(layer.type, shape) }));
        break;
      }
      shape = next;
    }
  }
  return issues;
}

function hintFor(type: string, shape: number[]): string {
  if (shape.length === 1) return `${type} needs steps: put it before the flatten (or global pooling), or give the recurrent layer before it returnSequences: true`;
  return 'shorten the kernel or pool, or use padding: same';
}
