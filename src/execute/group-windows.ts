// A group's windows for one test period: the window plugin's output with the joined feature
// channels and session limits applied. The group task and the stacked training task both call it,
// so seeds trained together see exactly the windows each would see alone.
import type { Tf, WindowedData } from '../plugin/api.ts';
import type { Ranges, TrainGroup } from '../plan/types.ts';
import { withFeatureChannels } from './feature-channels.ts';
import { withinSessions } from './session-windows.ts';
import type { GroupTask } from './launcher.ts';
import { loadPlugin, stage, stageContext } from './stages.ts';
import { requireWindows } from './result-shapes.ts';

export async function groupWindows(task: GroupTask, group: TrainGroup, tf: Tf, test: Ranges['test']): Promise<WindowedData> {
  const { series } = task;
  const ranges = { ...group.ranges, test };
  const windowPlugin = await loadPlugin(group.window, 'window', task, task.timeouts);
  const { lookback, horizon, validationSplit } = group.window;
  const data = await stage('window', windowPlugin.name, task.timeouts, () =>
    windowPlugin.run(
      { series, train: ranges.train, test: ranges.test, lookback, horizon, validationSplit },
      group.window.options,
      stageContext(tf, group.seed),
    ),
  );
  requireWindows(data, windowPlugin.name);
  return withinSessions(withFeatureChannels(data, series, horizon), series, group.window);
}
