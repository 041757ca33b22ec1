// Running plugins inside a task: load each plugin once per thread from its portable source, give
// every stage a fresh seeded context, and tag anything a stage throws with the stage and plugin.
import type { AnyPlugin, Plugin, Slot, StageContext, Tf } from '../plugin/api.ts';
import { ErrorCode, RunexpError, serializeError, type SerializedError } from '../plugin/errors.ts';
import { limited } from '../plugin/deadlines.ts';
import { mulberry32 } from '../plugin/random.ts';
import type { PluginCall } from '../plan/types.ts';
import { importPlugin, moduleUrl, type PluginPlace } from '../spec/plugin-source.ts';
import type { Timeouts } from '../spec/schema.ts';

const loaded = new Map<string, Promise<AnyPlugin>>();

export async function loadPlugin<S extends Slot>(call: PluginCall, slot: S, place: PluginPlace, timeouts: Timeouts): Promise<Plugin<S>> {
  const url = moduleUrl(call.source, place);
  if (!loaded.has(url)) loaded.set(url, importPlugin(url, timeouts.load));
  const plugin = await loaded.get(url)!;
  if (plugin.slot !== slot) throw new Error(`${url} is a ${plugin.slot} plugin, expected ${slot}`);
  return plugin as unknown as Plugin<S>;
}

/** Where plugins' `ctx.log` lines go; a task sends them down its event stream (see routePluginLogs). */
let pluginLog: (message: string) => void = (m) => {
  process.stderr.write(`${m}\n`);
};

/**
 * Sends plugins' log lines to `sink` until the returned function is called: the main thread then
 * prints them between progress updates instead of into the middle of the live progress line.
 */
export function routePluginLogs(sink: (message: string) => void): () => void {
  const previous = pluginLog;
  pluginLog = sink;
  return () => {
    pluginLog = previous;
  };
}

/** A stage's context: its own generator seeded with `seed`, so stages never shift each other. */
export function stageContext(tf: Tf, seed: number, randomSeed = seed): StageContext {
  return { tf, seed, random: mulberry32(randomSeed), log: (m) => pluginLog(m) };
}

/**
 * Runs a stage within its timeout so that its errors carry the stage and plugin name. A stage
 * whose promise does not settle in time fails its run here; code that keeps the thread busy past
 * the limit (a loop) cannot be stopped from inside, so the deadline is also announced to whoever
 * can stop the thread from outside (see plugin/deadlines.ts).
 */
export async function stage<T>(name: Slot, plugin: string, timeouts: Timeouts, fn: () => Promise<T> | T): Promise<T> {
  const seconds = timeouts[name];
  try {
    return await limited(
      name,
      plugin,
      seconds,
      fn,
      () =>
        new RunexpError(
          ErrorCode.TIMEOUT,
          `the ${name} plugin "${plugin}" did not finish within ${seconds} s`,
          `a promise in the plugin may never settle; if it is just slow, raise timeouts.${name} (seconds) in the spec`,
        ),
    );
  } catch (err) {
    throw Object.assign(err instanceof Error ? err : new Error(String(err)), { stage: name, plugin });
  }
}

export function failure(err: unknown): SerializedError {
  const e = err as { stage?: string; plugin?: string };
  return serializeError(err, { stage: e.stage, plugin: e.plugin });
}
