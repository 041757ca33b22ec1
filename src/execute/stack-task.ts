// A stacked training task on a worker: the dense trainings of groups that differ only in seed, as
// one computation (the trainer's runStacked). Each trained model is cached as its group's training,
// exactly what that group would have trained alone, and the group tasks that follow load it. This
// task records no run: a seed whose training fails, or a stack the trainer cannot run, leaves its
// groups to train alone, where the same failure is recorded against their runs.
import type { Tf, WindowedData } from '../plugin/api.ts';
import { disposeModel } from '../plugin/architecture.ts';
import { ErrorCode } from '../plugin/errors.ts';
import type { TrainGroup } from '../plan/types.ts';
import { trainingEvents } from '../plugin/training-events.ts';
import { text } from '../results/artifacts.ts';
import { groupWindows } from './group-windows.ts';
import type { GroupTask, TaskEvent } from './launcher.ts';
import { loadLayerKinds } from './layer-kinds.ts';
import { modelFiles } from './model-files.ts';
import { loadPlugin, routePluginLogs, stage, stageContext } from './stages.ts';

/** Whether two groups' windows are the same numbers (a window plugin may draw on the seed). */
function sameWindows(a: WindowedData, b: WindowedData): boolean {
  const same = (x: ArrayLike<number>, y: ArrayLike<number>) =>
    x.length === y.length && Array.prototype.every.call(x, (v, i) => Object.is(v, y[i]));
  return (
    a.lookback === b.lookback &&
    a.features === b.features &&
    same(a.train.x, b.train.x) &&
    same(a.train.y, b.train.y) &&
    same(a.validation.x, b.validation.x) &&
    same(a.validation.y, b.validation.y)
  );
}

export async function runStackTask(task: GroupTask, tf: Tf, emit: (event: TaskEvent) => void): Promise<{ retire?: string }> {
  const unroute = routePluginLogs((message) => emit({ type: 'log', message }));
  try {
    const groups = task.stack!;
    const first = groups[0];
    await loadLayerKinds(first.architecture, task, task.timeouts.load);
    const trainer = await loadPlugin(first.train, 'train', task, task.timeouts);
    if (!trainer.runStacked) return {};
    const data = await groupWindows(task, first, tf, first.ranges.test);
    const members: TrainGroup[] = [first];
    for (const group of groups.slice(1)) {
      if (sameWindows(data, await groupWindows(task, group, tf, group.ranges.test))) members.push(group);
    }
    if (members.length < 2) return {};
    // The stack does the work of every seed in it: so much time for its train stage.
    const timeouts = { ...task.timeouts, train: task.timeouts.train * members.length };
    const results = await stage('train', trainer.name, timeouts, () =>
      trainer.runStacked!(
        members.map((g) => ({ data, architecture: g.architecture, seed: g.seed, events: trainingEvents([]) })),
        first.train.options,
        members.map((g) => stageContext(tf, g.seed)),
      ),
    );
    for (const [i, result] of (results ?? []).entries()) {
      if (result instanceof Error) continue;
      const { model, ...summary } = result;
      try {
        const { files } = await modelFiles(tf, model);
        emit({ type: 'training', key: members[i].trainKey, files: { ...files, 'training.json': text(JSON.stringify(summary)) } });
      } finally {
        disposeModel(model);
      }
    }
    return {};
  } catch (err) {
    // Nothing is lost: the groups train alone. A stage that timed out may still be running.
    return (err as { code?: string }).code === ErrorCode.TIMEOUT
      ? { retire: `a stacked training of ${task.stack!.length} seeds timed out` }
      : {};
  } finally {
    unroute();
  }
}
