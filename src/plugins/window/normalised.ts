// Each window divided by its own last price: the shape of the last `lookback` days, whatever the
// price level, and the target as a ratio to the last known price. Predictions map back to prices.
import { z } from 'zod';
import { definePlugin } from '../../plugin/index.ts';
import { relativeWindows } from './relative.ts';

export default definePlugin({
  slot: 'window',
  name: 'normalised',
  description:
    'Per-window normalised prices (each window over its last price), target as a ratio to that price; MinMax-scaled on the training split; predictions mapped back to prices.',
  options: z.strictObject({}),
  run: (req) =>
    relativeWindows(req, {
      kind: 'normalised',
      reachesBack: 0,
      inputs: (p, t, lookback, horizon) => Array.from({ length: lookback }, (_, k) => p[t - horizon - lookback + 1 + k] / p[t - horizon]),
      target: (p, t, horizon) => p[t] / p[t - horizon],
      toPrice: (value, last) => value * last,
    }),
});
