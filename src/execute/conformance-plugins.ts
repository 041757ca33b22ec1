// The plugins check-plugin runs, resolved exactly as a spec entry would resolve them: the pruner
// under test (or the built-in one a compactor is checked after), and its compactor with options.
import type { Plugin } from '../plugin/api.ts';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { formatIssue } from '../spec/issues.ts';
import { importPlugin } from '../spec/plugin-source.ts';
import { resolvePlugin, type PluginInstance } from '../spec/plugin-refs.ts';

/** `ref` (a path or a built-in name) with its options, one instance per axis combination, resolved as a spec entry would be; throws what a spec would report. */
async function resolveFor(
  slot: 'prune' | 'compact',
  ref: string,
  options: Record<string, unknown>,
  cwd: string,
): Promise<PluginInstance[]> {
  const { instances, issues } = await resolvePlugin({ ...options, plugin: ref }, slot, [], { specDir: cwd, root: {} });
  if (issues.length)
    throw new RunexpError(
      ErrorCode.USAGE,
      `cannot check ${ref}:\n  ${issues.map((i) => formatIssue(i).replace(/^\s*:\s*/, '')).join('\n  ')}`,
    );
  return instances;
}

/** The pruner under test. */
export const resolvePruner = (ref: string, options: Record<string, unknown>, cwd: string) => resolveFor('prune', ref, options, cwd);

/** The compactor a pruner's results go through: its own (with its options), or copy. */
export async function compactorOf(instance: PluginInstance, cwd: string): Promise<Compactor> {
  const ref = instance.compactor?.ref ?? { plugin: 'copy' };
  const { instances, issues } = await resolvePlugin(ref, 'compact', [], { specDir: cwd, baseDir: instance.compactor?.baseDir, root: {} });
  if (issues.length || !instances[0])
    throw new RunexpError(
      ErrorCode.USAGE,
      `the plugin's compactor ${ref.plugin} does not load: ${issues.map((i) => i.message).join('; ')}`,
    );
  // With its options: a pruner may name its compactor with some (`{plugin, ...options}`).
  return { plugin: (await importPlugin(instances[0].module)) as unknown as Plugin<'compact'>, options: instances[0].options };
}

export interface Compactor {
  plugin: Plugin<'compact'>;
  options: Record<string, unknown>;
  /** The compactor is what is being checked (check-plugin of a compact plugin), not the pruner. */
  subject?: boolean;
}

/** Every axis combination of a compactor under test, with its options. */
export async function compactorsToCheck(ref: string, options: Record<string, unknown>, cwd: string): Promise<Compactor[]> {
  const instances = await resolveFor('compact', ref, options, cwd);
  return Promise.all(
    instances.map(async (i) => ({
      plugin: (await importPlugin(i.module)) as unknown as Plugin<'compact'>,
      options: i.options,
      subject: true,
    })),
  );
}
