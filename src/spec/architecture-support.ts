// Pruners and compactors that cannot work on an architecture of the spec (Plugin.refuses), found
// by `validate` for every pair the grid would run: a structured pruner on an architecture with
// nothing it can shrink fails here, pointing at the pruner, not in every run after training.
import type { Architecture } from '../plugin/architecture.ts';
import type { SpecIssue } from './issues.ts';
import type { PluginInstance } from './plugin-refs.ts';
import { importPlugin } from './plugin-source.ts';
import { compactionsOf } from './compactions.ts';
import type { YamlSource } from './yaml-source.ts';
import { issueAt } from './zod-issues.ts';

export async function checkArchitectureSupport(
  pruners: readonly PluginInstance[],
  compactorsOf: ReadonlyMap<PluginInstance, PluginInstance[]>,
  specCompactors: readonly PluginInstance[],
  architectures: Record<string, Architecture['layers']>,
  source: YamlSource,
): Promise<SpecIssue[]> {
  const issues = new Map<string, SpecIssue>();
  for (const pruner of pruners) {
    const compactors = new Set(
      compactionsOf(pruner, compactorsOf, specCompactors).flatMap((c) => (c.then ? [c.compact, c.then] : [c.compact])),
    );
    for (const instance of [pruner, ...compactors]) {
      const plugin = await importPlugin(instance.module);
      if (!plugin.refuses) continue;
      for (const [name, layers] of Object.entries(architectures)) {
        const refusal = (plugin.refuses as (a: Architecture, o: unknown) => { problem: string; hint?: string } | undefined)(
          { name, layers },
          instance.options,
        );
        if (!refusal) continue;
        // The spec's own compactor is pointed at where it is written; a pruner's own, at its pruner.
        const own = instance === pruner || (compactorsOf.get(pruner)?.includes(instance) ?? false);
        const who =
          instance === pruner
            ? `the ${pruner.name} pruner`
            : own
              ? `the ${instance.name} compactor (of the ${pruner.name} pruner)`
              : `the ${instance.name} compactor`;
        const at = own ? pruner : instance;
        const issue = issueAt(source, [...at.specPath, 'plugin'], `${who} cannot run on architecture "${name}": ${refusal.problem}`, {
          value: at.name,
          hint:
            refusal.hint ?? `remove the architecture or the ${own ? 'pruner' : 'compactor'} from this spec, or split them into two specs`,
        });
        issues.set(issue.message, issue);
      }
    }
  }
  return [...issues.values()];
}
