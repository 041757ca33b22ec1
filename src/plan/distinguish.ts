// Which options tell a plugin's instances in one grid apart. A run's params hold its plugins'
// axis values and, beyond them, every option whose value differs between instances of the same
// plugin (two `magnitude` entries with different `scope`, say), so distinct runs never share
// params and a report never averages them as if they were seeds.
import { canonicalJson } from '../plugin/hash.ts';
import type { PluginInstance } from '../spec/plugin-refs.ts';

export function distinguishingOptions(instances: readonly PluginInstance[]): (instance: PluginInstance) => Record<string, unknown> {
  const varying = new Map<string, Set<string>>(); // slot/name → option keys that vary
  const byPlugin = new Map<string, PluginInstance[]>();
  for (const i of instances) {
    const id = `${i.slot}/${i.name}`;
    byPlugin.set(id, [...(byPlugin.get(id) ?? []), i]);
  }
  for (const [id, group] of byPlugin) {
    const keys = new Set<string>();
    for (const key of new Set(group.flatMap((i) => Object.keys(i.options)))) {
      if (new Set(group.map((i) => canonicalJson(i.options[key] ?? null))).size > 1) keys.add(key);
    }
    varying.set(id, keys);
  }
  return (instance) => {
    // An option this instance leaves out stays out (a record's JSON would drop it anyway).
    const extra = [...(varying.get(`${instance.slot}/${instance.name}`) ?? [])].filter(
      (k) => !(k in instance.axisValues) && instance.options[k] !== undefined,
    );
    return { ...instance.axisValues, ...Object.fromEntries(extra.sort().map((k) => [k, instance.options[k]])) };
  };
}
