// The spec's input features as input channels: the window plugin cuts the target price's channel
// (its representation: levels, returns, …), and each feature joined onto the series adds one more
// at the same steps of every window: its level, return, log-return or log, min-max scaled with the
// range of the training split's windows only (validation and test never shape it).
import type { Series, WindowedData, WindowSet } from '../plugin/api.ts';
import { featureValue } from '../evaluation/feature-values.ts';

/** `data` with one more channel per feature of `series`; `data` itself when it has none. */
export function withFeatureChannels(data: WindowedData, series: Series, horizon: number): WindowedData {
  const features = series.features ?? [];
  if (!features.length) return data;
  const index = new Map(series.dates.map((d, i) => [d, i]));
  const { lookback } = data;
  const own = data.features;
  // Each window's feature values: [window][step][feature], before scaling.
  const raw = (set: WindowSet) =>
    set.dates.map((date) => {
      const start = index.get(date)! - horizon - lookback + 1;
      return Array.from({ length: lookback }, (_, k) => features.map((f) => featureValue(f, start + k)));
    });
  const splits = { train: raw(data.train), validation: raw(data.validation), test: raw(data.test) };
  const ranges = features.map((_, f) => {
    let min = Infinity;
    let max = -Infinity;
    for (const window of splits.train)
      for (const step of window) {
        min = Math.min(min, step[f]);
        max = Math.max(max, step[f]);
      }
    return { min, max, range: max - min || 1 };
  });
  const width = own + features.length;
  const widen = (set: WindowSet, windows: number[][][]): WindowSet => {
    const x = new Float32Array(set.count * lookback * width);
    for (let w = 0; w < set.count; w++) {
      for (let k = 0; k < lookback; k++) {
        const at = (w * lookback + k) * width;
        for (let c = 0; c < own; c++) x[at + c] = set.x[(w * lookback + k) * own + c];
        features.forEach((_, f) => (x[at + own + f] = (windows[w][k][f] - ranges[f].min) / ranges[f].range));
      }
    }
    return { ...set, x };
  };
  return {
    ...data,
    features: width,
    train: widen(data.train, splits.train),
    validation: widen(data.validation, splits.validation),
    test: widen(data.test, splits.test),
    scaler: {
      ...data.scaler,
      features: features.map((f, i) => ({ name: f.name, transform: f.transform, fitOn: 'train', min: ranges[i].min, max: ranges[i].max })),
    },
  };
}
