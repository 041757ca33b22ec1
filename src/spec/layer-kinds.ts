// A user's own layer kinds: a spec layer whose `type` is a file's path (`./layers/glu.ts`), written
// on the same descriptor API as the built-in kinds (defineLayerKind from runexp/plugin). Loaded and
// registered before the spec is validated, so that the layer's options are checked by the kind's
// own schema; their portable sources (path and content hash, as plugin files have) go into the
// plan, so workers load the same code and editing a kind redoes its architecture's runs.
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { layerKindProblem, type LayerKind } from '../plugin/layers/kind.ts';
import { registerLayerKind } from '../plugin/layers/registry.ts';
import { RunexpError } from '../plugin/errors.ts';
import type { SpecIssue } from './issues.ts';
import { loadErrorMessage } from './load-error.ts';
import { fileSource, importDefault, isPathRef, moduleUrl, type PluginSource } from './plugin-source.ts';
import type { YamlSource } from './yaml-source.ts';
import { issueAt } from './zod-issues.ts';

export interface UserLayerKinds {
  /** By the reference the spec names each with. */
  kinds: Map<string, LayerKind>;
  sources: Record<string, PluginSource>;
  issues: SpecIssue[];
}

/** Every layer of the raw spec whose `type` is a path, with where it sits, residual blocks included. */
function pathLayers(root: unknown): { ref: string; path: (string | number)[] }[] {
  const found: { ref: string; path: (string | number)[] }[] = [];
  const walk = (layers: unknown, path: (string | number)[]) => {
    if (!Array.isArray(layers)) return;
    layers.forEach((layer, i) => {
      const type = (layer as { type?: unknown } | null)?.type;
      if (typeof type === 'string' && isPathRef(type)) found.push({ ref: type, path: [...path, i] });
      if (type === 'residual') walk((layer as { layers?: unknown }).layers, [...path, i, 'layers']);
    });
  };
  const architectures = (root as { architectures?: unknown } | null)?.architectures;
  if (architectures && typeof architectures === 'object')
    for (const [name, layers] of Object.entries(architectures)) walk(layers, ['architectures', name]);
  return found;
}

/** Loads and registers the layer kinds a spec names by path; problems are returned, located at the layer's `type`. */
export async function loadUserLayerKinds(
  root: unknown,
  specDir: string,
  source: YamlSource,
  loadSeconds?: number,
): Promise<UserLayerKinds> {
  const result: UserLayerKinds = { kinds: new Map(), sources: {}, issues: [] };
  const failed = new Set<string>();
  for (const { ref, path } of pathLayers(root)) {
    if (result.kinds.has(ref) || failed.has(ref)) continue;
    const at = (message: string, hint: string) => {
      failed.add(ref);
      result.issues.push(issueAt(source, [...path, 'type'], message, { value: ref, hint }));
    };
    const file = isAbsolute(ref) ? ref : resolve(specDir, ref);
    if (!existsSync(file)) {
      at(`layer kind file not found: ${relative(process.cwd(), file) || file}`, 'paths are relative to the spec file');
      continue;
    }
    const kindSource = fileSource(file, specDir);
    const url = moduleUrl(kindSource, { specDir });
    let candidate: unknown;
    try {
      candidate = await importDefault(url, loadSeconds);
    } catch (err) {
      if (err instanceof RunexpError) at(err.message, err.hint ?? 'fix the layer kind file');
      else at(`the layer kind file failed to load: ${loadErrorMessage(err, url)}`, 'fix the error in the layer kind file');
      continue;
    }
    const problem = layerKindProblem(candidate);
    if (problem) {
      at(
        `not a layer kind: ${problem}`,
        'export default defineLayerKind({ type, className, description, prunable, options, outputShape, build, weights, uses }), imported from runexp/plugin',
      );
      continue;
    }
    try {
      registerLayerKind(ref, candidate as LayerKind);
    } catch (err) {
      at((err as RunexpError).message, (err as RunexpError).hint ?? '');
      continue;
    }
    result.kinds.set(ref, candidate as LayerKind);
    result.sources[ref] = kindSource;
  }
  return result;
}
