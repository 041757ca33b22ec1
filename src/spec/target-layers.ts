// `layers: [dense, conv1d]` in a pruner's options names layers of the model, which exist only
// once an architecture is chosen. Checked here, against every architecture in the spec, so that a
// misspelt name fails `runexp validate` instead of every run after its training.
import type { Architecture } from '../plugin/architecture.ts';
import { namedLayers } from '../plugin/architecture.ts';
import { RESIDUAL } from '../plugin/layers/residual.ts';
import { LAYER_KINDS, layerKind } from '../plugin/layers/registry.ts';
import { suggestHint } from '../plugin/suggest.ts';
import type { SpecIssue } from './issues.ts';
import type { PluginInstance } from './plugin-refs.ts';
import type { YamlSource } from './yaml-source.ts';
import { issueAt } from './zod-issues.ts';

const isWeightedType = (type: string): boolean => layerKind(type)?.prunable ?? false;

export function checkTargetLayers(
  pruners: readonly PluginInstance[],
  architectures: Record<string, Architecture['layers']>,
  source: YamlSource,
): SpecIssue[] {
  const issues = new Map<string, SpecIssue>();
  for (const pruner of pruners) {
    const chosen = pruner.options.layers;
    if (!Array.isArray(chosen)) continue;
    chosen.forEach((name, i) => {
      if (typeof name !== 'string') return;
      for (const [archName, layers] of Object.entries(architectures)) {
        // Every layer of the model, those inside residual blocks and the blocks' projections too.
        const named = namedLayers(layers).flatMap((l) =>
          l.spec.type === RESIDUAL ? [l, { spec: { type: 'conv1d' }, name: `${l.name}_projection` }] : [l],
        );
        const names = named.map((l) => l.name);
        const found = named.find((l) => l.name === name);
        const path = [...pruner.specPath, 'layers', i];
        let issue: SpecIssue | undefined;
        if (!found) {
          issue = issueAt(source, path, `architecture "${archName}" has no layer named "${name}" (its layers: ${names.join(', ')})`, {
            value: name,
            hint: suggestHint(
              name,
              named.filter((l) => isWeightedType(l.spec.type)).map((l) => l.name),
            ),
          });
        } else if (!isWeightedType(found.spec.type)) {
          issue = issueAt(source, path, `layer "${name}" of architecture "${archName}" has no weights to prune`, {
            value: name,
            hint: `name a layer with a kernel (${LAYER_KINDS.filter((k) => k.prunable)
              .map((k) => k.type)
              .join(', ')})`,
          });
        }
        if (issue) issues.set(`${issue.path}|${issue.message}`, issue);
      }
    });
  }
  return [...issues.values()];
}
