// A worker's side of a user's own layer kinds (spec/layer-kinds.ts): before a group's model is built
// or loaded, each kind its architecture names is imported from its planned source (the spec's
// folder, or a queue job's bundle; a file changed since planning is refused) and registered in this
// thread under the reference the spec uses. Once per thread and source.
import type { Architecture } from '../plugin/architecture.ts';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { layerKindProblem, type LayerKind } from '../plugin/layers/kind.ts';
import { registerLayerKind } from '../plugin/layers/registry.ts';
import { importDefault, moduleUrl, type PluginPlace, type PluginSource } from '../spec/plugin-source.ts';

const loaded = new Map<string, Promise<void>>();

export async function loadLayerKinds(architecture: Architecture, place: PluginPlace, loadSeconds: number): Promise<void> {
  for (const [ref, source] of Object.entries(architecture.kinds ?? {})) {
    const url = moduleUrl(source as PluginSource, place);
    const key = `${ref}\n${url}`;
    if (!loaded.has(key)) {
      loaded.set(
        key,
        importDefault(url, loadSeconds).then((kind) => {
          const problem = layerKindProblem(kind);
          if (problem) throw new RunexpError(ErrorCode.PLUGIN, `layer kind ${ref}: ${problem}`);
          registerLayerKind(ref, kind as LayerKind);
        }),
      );
    }
    await loaded.get(key);
  }
}
