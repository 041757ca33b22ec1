// Spec file → validated experiment with resolved plugins, or a SpecError listing every problem.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { decodeText } from '../plugin/text-decoding.ts';
import { SpecError, type SpecIssue } from './issues.ts';
import type { Slot } from '../plugin/api.ts';
import { checkArchitectureSupport } from './architecture-support.ts';
import { resolvePlugin, type PluginInstance, type ResolveContext } from './plugin-refs.ts';
import { checkArchitectureShapes } from './architecture-shapes.ts';
import { checkTargetLayers } from './target-layers.ts';
import { gridSize } from './grid-size.ts';
import { experimentSchemaWith, pluginRef, type Experiment } from './schema.ts';
import { loadUserLayerKinds } from './layer-kinds.ts';
import type { PluginSource } from './plugin-source.ts';
import { parseYamlSpec, type YamlSource } from './yaml-source.ts';
import { issueAt, validateWith } from './zod-issues.ts';

export interface LoadedExperiment {
  file: string;
  specDir: string;
  text: string;
  spec: Experiment;
  source: YamlSource;
  /** One fetch plugin instance per entry of `data`. */
  fetchers: PluginInstance[];
  /** Per entry of `data`, one fetch plugin instance per feature (`data.features`). */
  featureFetchers: PluginInstance[][];
  /** Every combination of each slot's plugin options (prune: across all listed pruners). */
  plugins: Record<Exclude<Slot, 'fetch'>, PluginInstance[]>;
  /** The compactor instances of each pruner that names its own (the others use `plugins.compact`). */
  compactorsOf: Map<PluginInstance, PluginInstance[]>;
  /** The user's own layer kinds the architectures name, by their reference (`./layers/glu.ts`). */
  layerKinds: Record<string, PluginSource>;
}

const MAX_SPEC_BYTES = 1_000_000;

/** Where each slot's plugin references sit in a spec (single value or list). */
const PLUGIN_SECTIONS: { slot: Slot; path: string[] }[] = [
  { slot: 'window', path: ['window', 'scaler'] },
  { slot: 'train', path: ['train'] },
  { slot: 'prune', path: ['prune'] },
  { slot: 'compact', path: ['compact'] },
  { slot: 'measure', path: ['measure'] },
];

const at = (node: unknown, path: readonly string[]) =>
  path.reduce<unknown>((n, key) => (n as Record<string, unknown> | undefined)?.[key], node);

/**
 * Resolves the plugin references of every slot but fetch. `values` is the validated spec (defaults
 * filled), or the raw document when the core schema failed, so that plugin problems are reported
 * in the same run: malformed references are then skipped, the core schema reported them already.
 */
async function resolveSections(values: Record<string, unknown>, ctx: ResolveContext & { root: Record<string, unknown> }) {
  const issues: SpecIssue[] = [];
  const plugins = { window: [], train: [], prune: [], compact: [], measure: [] } as LoadedExperiment['plugins'];
  const compactorsOf: LoadedExperiment['compactorsOf'] = new Map();
  const compactors = new Map<string, Promise<Awaited<ReturnType<typeof resolvePlugin>>>>();
  for (const { slot, path } of PLUGIN_SECTIONS) {
    const value = at(values, path);
    if (value === undefined) continue;
    const listed = Array.isArray(at(ctx.root, path)); // positions follow what the user wrote
    for (const [i, item] of (Array.isArray(value) ? value : [value]).entries()) {
      const ref = pluginRef.safeParse(item);
      if (!ref.success) continue;
      const at = listed ? [...path, i] : path;
      const r = await resolvePlugin(ref.data, slot, at, ctx);
      issues.push(...r.issues);
      plugins[slot as keyof LoadedExperiment['plugins']].push(...r.instances);
      // A pruner's own compactor is resolved like a spec reference, relative to the pruner's file.
      for (const instance of r.instances.filter((x) => x.compactor)) {
        const { ref: compactRef, baseDir } = instance.compactor!;
        const key = JSON.stringify([compactRef, baseDir]);
        if (!compactors.has(key)) compactors.set(key, resolvePlugin(compactRef, 'compact', at, { ...ctx, baseDir }));
        const c = await compactors.get(key)!;
        if (!issues.some((x) => c.issues.includes(x))) issues.push(...c.issues);
        compactorsOf.set(instance, c.instances);
      }
    }
  }
  return { plugins, compactorsOf, issues };
}

/**
 * The spec's text, whether saved as UTF-8 (with or without a BOM) or as UTF-16 with a BOM, and
 * with any line endings: old Mac CR-only files read as one long line to the YAML parser.
 */
function decodeSpec(bytes: Buffer, shown: string): string {
  try {
    return decodeText(bytes).text.replace(/\r\n?/g, '\n');
  } catch (err) {
    throw new SpecError([
      {
        path: '',
        file: shown,
        line: 1,
        column: 1,
        message: `the spec is not readable text: ${(err as Error).message}`,
        hint: 'save the file as UTF-8',
      },
    ]);
  }
}

export async function loadExperiment(path: string): Promise<LoadedExperiment> {
  const file = resolve(path);
  const shown = relative(process.cwd(), file) || file;
  let text: string;
  try {
    const stat = statSync(file);
    // A FIFO or a device (/dev/zero) would block or never end: only regular files are read.
    if (!stat.isFile())
      throw new SpecError([{ path: '', file: shown, message: 'the spec is not a regular file', hint: 'give the path of a .yaml file' }]);
    if (stat.size > MAX_SPEC_BYTES)
      throw new SpecError([{ path: '', file: shown, message: `the spec file is larger than ${MAX_SPEC_BYTES} bytes` }]);
    text = decodeSpec(readFileSync(file), shown);
  } catch (err) {
    if (err instanceof SpecError) throw err;
    throw new SpecError([
      {
        path: '',
        file: shown,
        message: `cannot read the spec file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        hint: 'check the path',
      },
    ]);
  }
  return loadExperimentText(text, file, shown);
}

/**
 * A spec given as an object (the programmatic API): validated exactly as a file, through its YAML
 * text, so it gets the same checks and messages. Paths in it resolve against `dir`; issues name the
 * spec path (line numbers refer to the object's YAML form).
 */
export async function loadExperimentObject(spec: object, dir: string = process.cwd()): Promise<LoadedExperiment> {
  const shown = '(spec object)';
  return loadExperimentText(stringify(spec), join(resolve(dir), shown), shown);
}

async function loadExperimentText(text: string, file: string, shown: string): Promise<LoadedExperiment> {
  const parsed = parseYamlSpec(text, shown);
  if (!parsed.source) throw new SpecError(parsed.issues);
  const source = parsed.source;
  const root = source.data;
  const specDir = dirname(file);
  const rawLoadSeconds = (root as { timeouts?: { load?: unknown } }).timeouts?.load;
  const layerKinds = await loadUserLayerKinds(
    root,
    specDir,
    source,
    typeof rawLoadSeconds === 'number' && rawLoadSeconds > 0 ? rawLoadSeconds : undefined,
  );
  // A layer whose kind did not load is reported once, by the loader, not again as an unknown type.
  const unloaded = layerKinds.issues.map((i) => i.path.replace(/\.type$/, ''));
  const checked = validateWith(experimentSchemaWith(layerKinds.kinds), root, { source, root });
  if (!checked.ok) checked.issues = checked.issues.filter((i) => !unloaded.some((p) => i.path === p || i.path.startsWith(`${p}.`)));
  if (layerKinds.issues.length)
    throw new SpecError([
      ...layerKinds.issues,
      ...(checked.ok ? [] : checked.issues),
      ...(await resolveSections(root, { specDir, source, root })).issues,
    ]);
  const ctx = { specDir, source, root, loadSeconds: checked.ok ? checked.data.timeouts.load : undefined };
  if (!checked.ok) {
    // Report plugin problems too, so that one run of `validate` shows everything at once.
    throw new SpecError([...checked.issues, ...(await resolveSections(root, ctx)).issues]);
  }
  const spec = checked.data;
  const issues: SpecIssue[] = [];
  if (spec.repeats !== undefined) {
    if (root.seeds !== undefined)
      issues.push(issueAt(source, ['repeats'], 'give either seeds or repeats, not both', { value: spec.repeats }));
    spec.seeds = Array.from({ length: spec.repeats }, (_, i) => i);
  }
  const fetchers: PluginInstance[] = [];
  const featureFetchers: PluginInstance[][] = [];
  for (const [i, dataset] of spec.data.entries()) {
    const dataPath = Array.isArray(root.data) ? ['data', i] : ['data'];
    const r = await resolvePlugin(dataset.source, 'fetch', [...dataPath, 'source'], ctx);
    issues.push(...r.issues);
    if (r.instances.length > 1) issues.push({ path: `data[${i}].source`, message: 'fetch plugins cannot have axes' });
    if (r.instances[0]) fetchers.push(r.instances[0]);
    // A feature is fetched by its own source, or by the dataset's with its `column`.
    const own: PluginInstance[] = [];
    for (const [j, feature] of dataset.features.entries()) {
      const ref = feature.source ?? { ...dataset.source, ...(feature.column ? { column: feature.column } : {}) };
      const f = await resolvePlugin(ref, 'fetch', [...dataPath, 'features', j, ...(feature.source ? ['source'] : [])], ctx);
      issues.push(...f.issues);
      if (f.instances[0]) own.push(f.instances[0]);
    }
    featureFetchers.push(own);
  }
  const { plugins, compactorsOf, issues: pluginIssues } = await resolveSections(spec as unknown as Record<string, unknown>, ctx);
  issues.push(
    ...pluginIssues,
    ...checkArchitectureShapes(spec.architectures, spec.window.lookback, source),
    ...checkTargetLayers(plugins.prune, spec.architectures, source),
  );
  if (!issues.length)
    issues.push(...(await checkArchitectureSupport(plugins.prune, compactorsOf, plugins.compact, spec.architectures, source)));
  const runs = gridSize(spec, plugins, compactorsOf);
  if (runs > spec.maxRuns) {
    issues.push(
      issueAt(
        source,
        root.maxRuns === undefined ? [] : ['maxRuns'],
        `this grid expands to ${runs.toLocaleString('en-US')} runs, more than the limit of ${spec.maxRuns.toLocaleString('en-US')}`,
        { hint: `narrow an axis (seeds, data.days, a pruner's list), or set maxRuns: ${runs} at the top of the spec to allow it` },
      ),
    );
  }
  if (issues.length > 0) throw new SpecError(issues);
  return { file, specDir, text, spec, source, fetchers, featureFetchers, plugins, compactorsOf, layerKinds: layerKinds.sources };
}
