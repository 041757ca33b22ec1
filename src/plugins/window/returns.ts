// Daily returns in, the return to the target day out: the representation quant researchers use.
// With `log: true`, log-returns (additive over days). Predictions map back to prices through the
// last known price, so MSE and the rest are in the same units as the paper's price-level models.
import { z } from 'zod';
import { definePlugin } from '../../plugin/index.ts';
import { relativeWindows, type Representation } from './relative.ts';

const simple = (a: number, b: number) => a / b - 1;

export default definePlugin({
  slot: 'window',
  name: 'returns',
  description:
    'Daily returns as inputs, the return over the horizon as target; MinMax-scaled on the training split; predictions mapped back to prices.',
  options: z.strictObject({
    log: z.boolean().default(false).describe('log-returns ln(p_t / p_{t−1}) instead of simple returns p_t / p_{t−1} − 1'),
  }),
  run: (req, options) => {
    const change = options.log ? (a: number, b: number) => Math.log(a / b) : simple;
    const representation: Representation = {
      kind: options.log ? 'log-returns' : 'returns',
      reachesBack: 1,
      inputs: (p, t, lookback, horizon) =>
        Array.from({ length: lookback }, (_, k) => change(p[t - horizon - lookback + 1 + k], p[t - horizon - lookback + k])),
      target: (p, t, horizon) => change(p[t], p[t - horizon]),
      toPrice: (value, last) => (options.log ? last * Math.exp(value) : last * (1 + value)),
    };
    return relativeWindows(req, representation);
  },
});
