// Resolves the plugin named in each slot of a spec — a built-in name or a path to a user's file —
// loads it, checks that it is a plugin for that slot, and validates its options with the plugin's
// own schema. Built-ins are loaded exactly like user files: by module URL.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SpecIssue } from './errors.ts';
import type { AnyPlugin, Slot } from './plugin-api.ts';
import { SLOTS } from './plugin-api.ts';
import { suggestHint } from './suggest.ts';
import type { YamlSource } from './yaml-source.ts';
import { issueAt, validateWith } from './zod-issues.ts';

const BUILTIN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../plugins');

/** Built-in plugins by slot. Each is a file src/plugins/<slot>/<name>.ts. */
export const BUILTINS: Record<Slot, readonly string[]> = {
  fetch: ['snapshot', 'csv', 'yahoo'],
  window: ['minmax'],
  train: ['tfjs'],
  prune: ['magnitude', 'random'],
  compact: ['copy'],
  measure: ['standard'],
};

/** A plugin chosen in a spec, with one combination of its options. Plain data: crosses threads. */
export interface PluginInstance {
  slot: Slot;
  name: string;
  /** file:// URL of the module that exports the plugin. */
  module: string;
  options: Record<string, unknown>;
  /** The values of the plugin's axis options in this combination, e.g. {percentile: 35}. */
  axisValues: Record<string, unknown>;
  /** Whether the plugin hooks into training (then its runs train separately). */
  hooksTraining: boolean;
}

function isPathRef(ref: string): boolean {
  return ref.startsWith('.') || ref.startsWith('/') || /\.(ts|js|mjs|mts)$/.test(ref);
}

/** Loads the module behind a plugin reference. Throws with a user-facing message on failure. */
export async function importPlugin(moduleUrl: string): Promise<AnyPlugin> {
  const mod = (await import(moduleUrl)) as { default?: unknown; plugin?: unknown };
  const candidate = (mod.default ?? mod.plugin) as AnyPlugin | undefined;
  if (!candidate || typeof candidate !== 'object' || !SLOTS.includes(candidate.slot) || typeof candidate.run !== 'function' || typeof candidate.name !== 'string') {
    throw new PluginShapeError();
  }
  return candidate;
}

class PluginShapeError extends Error {
  constructor() {
    super('the file does not export a plugin');
  }
}

export interface ResolveContext {
  specDir: string;
  source?: YamlSource;
  root: unknown;
}

/**
 * Resolves `{plugin, ...options}` at `path` in the spec for `slot` into one instance per
 * combination of the plugin's axis options. Problems are returned, never thrown.
 */
export async function resolvePlugin(
  ref: { plugin: string } & Record<string, unknown>,
  slot: Slot,
  path: (string | number)[],
  ctx: ResolveContext,
): Promise<{ instances: PluginInstance[]; issues: SpecIssue[] }> {
  // A plugin written as a plain string has no `plugin:` key to point at; locate() falls back to it.
  const at = (message: string, hint?: string, value?: unknown, sub: (string | number)[] = ['plugin']): SpecIssue =>
    issueAt(ctx.source, [...path, ...sub], message, { value, hint });
  const { plugin: name, ...rawOptions } = ref;
  let moduleUrl: string;
  if (isPathRef(name)) {
    const file = isAbsolute(name) ? name : resolve(ctx.specDir, name);
    if (!existsSync(file)) return { instances: [], issues: [at(`plugin file not found: ${relative(process.cwd(), file) || file}`, 'paths are relative to the spec file', name)] };
    moduleUrl = pathToFileURL(file).href;
  } else {
    if (!BUILTINS[slot].includes(name)) {
      return { instances: [], issues: [at(`unknown ${slot} plugin`, `${suggestHint(name, BUILTINS[slot])}; or give a path like ./plugins/my-${slot}.ts`, name)] };
    }
    moduleUrl = pathToFileURL(resolve(BUILTIN_DIR, slot, `${name}.ts`)).href;
  }
  let plugin: AnyPlugin;
  try {
    plugin = await importPlugin(moduleUrl);
  } catch (err) {
    if (err instanceof PluginShapeError) {
      return { instances: [], issues: [at('the file does not export a plugin', 'export default definePlugin({ slot, name, options, run }) from runexp', name)] };
    }
    return { instances: [], issues: [at(`the plugin file failed to load: ${(err as Error).message.split('\n')[0]}`, 'fix the error in the plugin file', name)] };
  }
  if (plugin.slot !== slot) {
    return { instances: [], issues: [at(`"${plugin.name}" is a ${plugin.slot} plugin, but it is used in the ${slot} slot`, `use it under the spec's ${plugin.slot} section`, name)] };
  }
  const axes = plugin.axes ?? [];
  const combos = expandAxes(rawOptions, axes);
  const issues: SpecIssue[] = [];
  const instances: PluginInstance[] = [];
  for (const { options: comboOptions, indexes } of combos) {
    const result = validateWith(plugin.options, comboOptions, { source: ctx.source, basePath: path, root: ctx.root });
    if (!result.ok) {
      // Point axis problems at the list entry that caused them.
      for (const issue of result.issues) {
        const axisKey = axes.find((k) => issue.path.endsWith(`.${k}`) || issue.path.includes(`.${k}.`));
        if (axisKey && Array.isArray(rawOptions[axisKey])) {
          const idx = indexes[axisKey];
          const pos = ctx.source?.locate([...path, axisKey, idx]);
          issues.push({ ...issue, path: issue.path.replace(`.${axisKey}`, `.${axisKey}[${idx}]`), line: pos?.line ?? issue.line, column: pos?.column ?? issue.column });
        } else {
          issues.push(issue);
        }
      }
      continue;
    }
    const options = result.data as Record<string, unknown>;
    const resolvedAxes = Object.fromEntries(axes.map((k) => [k, options[k]]));
    instances.push({ slot, name: plugin.name, module: moduleUrl, options, axisValues: resolvedAxes, hooksTraining: typeof plugin.trainingHooks === 'function' });
  }
  for (const key of axes) {
    if (Array.isArray(rawOptions[key]) && (rawOptions[key] as unknown[]).length === 0) {
      issues.push(at('an axis needs at least one value', 'give one value or a non-empty list', [], [key]));
    }
  }
  return { instances, issues: dedupe(issues) };
}

function dedupe(issues: SpecIssue[]): SpecIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}|${i.message}|${i.line}|${i.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Cartesian product over the plugin's axis options (a scalar is a one-value axis). */
function expandAxes(raw: Record<string, unknown>, axes: readonly string[]) {
  let combos = [{ options: { ...raw }, indexes: {} as Record<string, number> }];
  for (const key of axes) {
    if (!(key in raw)) continue;
    const values = Array.isArray(raw[key]) ? (raw[key] as unknown[]) : [raw[key]];
    combos = combos.flatMap((c) =>
      values.map((v, i) => ({ options: { ...c.options, [key]: v }, indexes: { ...c.indexes, [key]: i } })),
    );
  }
  return combos;
}
