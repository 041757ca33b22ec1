// Resolves the plugin named in each slot of a spec — a built-in name, an installed package, or a
// path to a user's file — loads it, checks that it is a plugin for that slot, and validates its
// options with the plugin's own schema. Built-ins are loaded exactly like user files: by URL.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnyPlugin, PrunerDeclaration, Slot } from '../plugin/api.ts';
import { RunexpError } from '../plugin/errors.ts';
import { suggestHint } from '../plugin/suggest.ts';
import { declarationOf } from './declaration.ts';
import type { SpecIssue } from './issues.ts';
import { loadErrorMessage } from './load-error.ts';
import {
  BUILTINS,
  fileSource,
  importPlugin,
  isPathRef,
  moduleUrl,
  packageSource,
  PluginShapeError,
  type PluginSource,
} from './plugin-source.ts';
import type { YamlSource } from './yaml-source.ts';
import { issueAt, validateWith } from './zod-issues.ts';

export type PluginRef = { plugin: string } & Record<string, unknown>;

/** More combinations than this in one plugin entry are refused before they are expanded. */
const MAX_AXIS_COMBINATIONS = 100_000;

/** A plugin chosen in a spec, with one combination of its options. */
export interface PluginInstance {
  slot: Slot;
  name: string;
  /** Where the reference sits in the spec, e.g. ['prune', 1]. */
  specPath: (string | number)[];
  /** Portable: the same on every machine (see plugin-source.ts). */
  source: PluginSource;
  /** file:// URL of the module on this machine (never leaves it). */
  module: string;
  options: Record<string, unknown>;
  /** The values of the plugin's axis options in this combination, e.g. {percentile: 35}. */
  axisValues: Record<string, unknown>;
  /** Whether the plugin hooks into training (then it trains a model of its own). */
  hooksTraining: boolean;
  /** Prune plugins: what the pruner declares about runs with these options (Plugin.declares). */
  declared?: PrunerDeclaration;
  /** Prune plugins: the compactor the plugin names for itself, as a reference to resolve. */
  compactor?: { ref: PluginRef; baseDir: string };
  /** Compact plugins: whether it may follow a pruner's own compactor (Plugin.follows). */
  follows?: boolean;
}

export interface ResolveContext {
  specDir: string;
  /** Where relative plugin paths start (the spec's folder, or a plugin's own folder). */
  baseDir?: string;
  source?: YamlSource;
  root: unknown;
  /** Seconds a plugin file may take to load (the spec's timeouts.load). */
  loadSeconds?: number;
}

/**
 * Resolves `{plugin, ...options}` at `path` in the spec for `slot` into one instance per
 * combination of the plugin's axis options. Problems are returned, never thrown.
 */
export async function resolvePlugin(
  ref: PluginRef,
  slot: Slot,
  path: (string | number)[],
  ctx: ResolveContext,
): Promise<{ instances: PluginInstance[]; issues: SpecIssue[] }> {
  // A plugin written as a plain string has no `plugin:` key to point at; locate() falls back to it.
  const at = (message: string, hint?: string, value?: unknown, sub: (string | number)[] = ['plugin']): SpecIssue =>
    issueAt(ctx.source, [...path, ...sub], message, { value, hint });
  const { plugin: name, ...rawOptions } = ref;
  let source: PluginSource;
  if (isPathRef(name)) {
    const file = isAbsolute(name) ? name : resolve(ctx.baseDir ?? ctx.specDir, name);
    if (!existsSync(file))
      return {
        instances: [],
        issues: [at(`plugin file not found: ${relative(process.cwd(), file) || file}`, 'paths are relative to the spec file', name)],
      };
    source = fileSource(file, ctx.specDir);
  } else if (BUILTINS[slot].includes(name)) {
    source = { kind: 'builtin', slot, name };
  } else {
    const installed = packageSource(name, ctx.specDir);
    if (!installed)
      return {
        instances: [],
        issues: [at(`unknown ${slot} plugin`, `${suggestHint(name, BUILTINS[slot])}; or give a path like ./plugins/my-${slot}.ts`, name)],
      };
    source = installed;
  }
  const url = moduleUrl(source, ctx);
  let plugin: AnyPlugin;
  try {
    plugin = await importPlugin(url, ctx.loadSeconds);
  } catch (err) {
    if (err instanceof PluginShapeError) {
      return {
        instances: [],
        issues: [at(err.problem, 'export default definePlugin({ slot, name, options, run }), imported from runexp/plugin', name)],
      };
    }
    // A timeout names the file and its fix itself.
    if (err instanceof RunexpError) return { instances: [], issues: [at(err.message, err.hint, name)] };
    return {
      instances: [],
      issues: [at(`the plugin file failed to load: ${loadErrorMessage(err, url)}`, 'fix the error in the plugin file', name)],
    };
  }
  if (plugin.slot !== slot) {
    return {
      instances: [],
      issues: [
        at(
          `"${plugin.name}" is a ${plugin.slot} plugin, but it is used in the ${slot} slot`,
          `use it under the spec's ${plugin.slot} section`,
          name,
        ),
      ],
    };
  }
  const axes = plugin.axes ?? [];
  const count = axisCombinations(rawOptions, axes);
  if (count > MAX_AXIS_COMBINATIONS) {
    return {
      instances: [],
      issues: [
        at(
          `its axis options make ${count.toLocaleString('en-US')} combinations, more than ${MAX_AXIS_COMBINATIONS.toLocaleString('en-US')}`,
          'shorten the lists',
          name,
        ),
      ],
    };
  }
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
          issues.push({
            ...issue,
            path: issue.path.replace(`.${axisKey}`, `.${axisKey}[${idx}]`),
            line: pos?.line ?? issue.line,
            column: pos?.column ?? issue.column,
          });
        } else {
          issues.push(issue);
        }
      }
      continue;
    }
    const options = result.data as Record<string, unknown>;
    let declared: PrunerDeclaration | undefined;
    if (plugin.slot === 'prune') {
      try {
        declared = declarationOf(plugin, options);
      } catch (err) {
        issues.push(at((err as RunexpError).message, (err as RunexpError).hint, name));
        continue;
      }
    }
    const resolvedAxes = Object.fromEntries(axes.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
    instances.push({
      slot,
      name: plugin.name,
      specPath: path,
      source,
      module: url,
      options,
      axisValues: resolvedAxes,
      hooksTraining: typeof plugin.trainingHooks === 'function',
      ...(declared ? { declared } : {}),
      compactor: compactorOf(plugin, url),
      ...(plugin.slot === 'compact' && plugin.follows ? { follows: true } : {}),
    });
  }
  for (const key of axes) {
    if (Array.isArray(rawOptions[key]) && (rawOptions[key] as unknown[]).length === 0) {
      issues.push(at('an axis needs at least one value', 'give one value or a non-empty list', [], [key]));
    }
  }
  return { instances, issues: dedupe(issues) };
}

/** The compactor a prune plugin names for itself; a relative path starts at the plugin's file. */
function compactorOf(plugin: AnyPlugin, url: string): PluginInstance['compactor'] {
  if (plugin.slot !== 'prune' || !plugin.compactor) return undefined;
  const ref = typeof plugin.compactor === 'string' ? { plugin: plugin.compactor } : plugin.compactor;
  return { ref, baseDir: dirname(fileURLToPath(url)) };
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

/** The number of combinations of a plugin's axis options, counted before they are expanded. */
function axisCombinations(raw: Record<string, unknown>, axes: readonly string[]): number {
  return axes.reduce((n, key) => n * (Array.isArray(raw[key]) ? Math.max(1, (raw[key] as unknown[]).length) : 1), 1);
}

/** Cartesian product over the plugin's axis options (a scalar is a one-value axis). */
function expandAxes(raw: Record<string, unknown>, axes: readonly string[]) {
  let combos = [{ options: { ...raw }, indexes: {} as Record<string, number> }];
  for (const key of axes) {
    if (!(key in raw)) continue;
    const values = Array.isArray(raw[key]) ? (raw[key] as unknown[]) : [raw[key]];
    combos = combos.flatMap((c) => values.map((v, i) => ({ options: { ...c.options, [key]: v }, indexes: { ...c.indexes, [key]: i } })));
  }
  return combos;
}
