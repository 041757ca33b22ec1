// Spec file → validated experiment with resolved plugins, or a SpecError listing every problem.
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { SpecError, type SpecIssue } from './errors.ts';
import type { Slot } from './plugin-api.ts';
import { resolvePlugin, type PluginInstance } from './plugins.ts';
import { experimentSchema, pluginRef, type Experiment } from './schema.ts';
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
  /** Every combination of each slot's plugin options (prune: across all listed pruners). */
  plugins: Record<Exclude<Slot, 'fetch'>, PluginInstance[]>;
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

/** Plugin problems in a spec whose core schema failed: each well-formed reference is checked. */
async function pluginIssuesOnly(root: Record<string, unknown>, specDir: string, source: YamlSource): Promise<SpecIssue[]> {
  const issues: SpecIssue[] = [];
  for (const { slot, path } of PLUGIN_SECTIONS) {
    const raw = path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root);
    if (raw === undefined) continue;
    const list = Array.isArray(raw) ? raw : [raw];
    for (const [i, item] of list.entries()) {
      const ref = pluginRef.safeParse(item);
      if (!ref.success) continue; // already reported by the core schema
      const at = Array.isArray(raw) ? [...path, i] : path;
      issues.push(...(await resolvePlugin(ref.data, slot, at, { specDir, source, root })).issues);
    }
  }
  return issues;
}

export async function loadExperiment(path: string): Promise<LoadedExperiment> {
  const file = resolve(path);
  const shown = relative(process.cwd(), file) || file;
  let text: string;
  try {
    if (statSync(file).size > MAX_SPEC_BYTES) throw new SpecError([{ path: '', file: shown, message: `the spec file is larger than ${MAX_SPEC_BYTES} bytes` }]);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof SpecError) throw err;
    throw new SpecError([{ path: '', file: shown, message: `cannot read the spec file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, hint: 'check the path' }]);
  }
  const parsed = parseYamlSpec(text, shown);
  if (!parsed.source) throw new SpecError(parsed.issues);
  const source = parsed.source;
  const root = source.data;
  const checked = validateWith(experimentSchema, root, { source, root });
  if (!checked.ok) {
    // Report plugin problems too, so that one run of `validate` shows everything at once.
    throw new SpecError([...checked.issues, ...(await pluginIssuesOnly(root, dirname(file), source))]);
  }
  const spec = checked.data;
  const specDir = dirname(file);
  const issues: SpecIssue[] = [];
  if (spec.repeats !== undefined) {
    if (root.seeds !== undefined) issues.push(issueAt(source, ['repeats'], 'give either seeds or repeats, not both', { value: spec.repeats }));
    spec.seeds = Array.from({ length: spec.repeats }, (_, i) => i);
  }
  const ctx = { specDir, source, root };

  const resolveAt = async (ref: Experiment['train'], slot: Slot, path: (string | number)[]) => {
    const r = await resolvePlugin(ref, slot, path, ctx);
    issues.push(...r.issues);
    return r.instances;
  };
  const listPath = (key: string, i: number, list: unknown[]) => (Array.isArray(root[key]) ? [key, i] : [key]);

  const fetchers: PluginInstance[] = [];
  for (const [i, dataset] of spec.data.entries()) {
    const inst = await resolveAt(dataset.source, 'fetch', [...listPath('data', i, spec.data), 'source']);
    if (inst.length > 1) issues.push({ path: `data[${i}].source`, message: 'fetch plugins cannot have axes' });
    if (inst[0]) fetchers.push(inst[0]);
  }
  const prune: PluginInstance[] = [];
  for (const [i, ref] of spec.prune.entries()) prune.push(...(await resolveAt(ref, 'prune', listPath('prune', i, spec.prune))));
  const plugins = {
    window: await resolveAt(spec.window.scaler, 'window', ['window', 'scaler']),
    train: await resolveAt(spec.train, 'train', ['train']),
    prune,
    compact: await resolveAt(spec.compact, 'compact', ['compact']),
    measure: await resolveAt(spec.measure, 'measure', ['measure']),
  };
  if (issues.length > 0) throw new SpecError(issues);
  return { file, specDir, text, spec, source, fetchers, plugins };
}
