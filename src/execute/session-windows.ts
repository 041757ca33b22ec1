// The window plugin cuts a window for every target; on intraday bars core keeps those within one
// session (evaluation/sessions.ts), as the baselines do, and maps the kept windows' outputs back to
// prices through the plugin's own toPrice (which counts windows by position).
import type { Series, WindowedData, WindowSet } from '../plugin/api.ts';
import { isIntradayStamp } from '../plugin/dates.ts';
import { withinSession } from '../evaluation/sessions.ts';

export function withinSessions(data: WindowedData, series: Series, window: { horizon: number; crossSessions?: boolean }): WindowedData {
  if (window.crossSessions || !isIntradayStamp(series.dates[0])) return data;
  const index = new Map(series.dates.map((d, i) => [d, i]));
  const width = data.lookback * data.features;
  const shape = { ...window, lookback: data.lookback };
  const kept = (set: WindowSet) =>
    set.dates.map((d, w) => (withinSession(series.dates, index.get(d)!, shape) ? w : -1)).filter((w) => w >= 0);
  const splits = { train: kept(data.train), validation: kept(data.validation), test: kept(data.test) };
  const rowsOf = (set: WindowSet, ws: number[]) => {
    const x = new Float32Array(ws.length * width);
    ws.forEach((w, i) => x.set(set.x.subarray(w * width, (w + 1) * width), i * width));
    return x;
  };
  const pick = (set: WindowSet, ws: number[]): WindowSet => ({
    x: rowsOf(set, ws),
    y: Float32Array.from(ws, (w) => set.y[w]),
    count: ws.length,
    targets: Float64Array.from(ws, (w) => set.targets[w]),
    dates: ws.map((w) => set.dates[w]),
  });
  return {
    ...data,
    train: pick(data.train, splits.train),
    validation: pick(data.validation, splits.validation),
    test: pick(data.test, splits.test),
    toPrice: (scaled, split) => {
      // The plugin's toPrice knows every window of the split: place the kept ones where they were.
      const all = new Float64Array(data[split].count);
      splits[split].forEach((w, i) => (all[w] = scaled[i]));
      const prices = data.toPrice(all, split);
      return Float64Array.from(splits[split], (w) => prices[w]);
    },
  };
}
