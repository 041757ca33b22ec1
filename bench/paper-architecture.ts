// The paper's architecture, read from experiments/paper.yaml so that benchmarks and tests use the
// very model the experiment runs: Conv1D(5, k=1, relu) → Flatten → Dense(120, relu) → Dense(1).
// The paper's output is ReLU; `linear` swaps it for a linear output, which never dies.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { layerSchema } from '../src/plugin/architecture.ts';
import type { Architecture, WindowedData } from '../src/plugin/index.ts';
import { readSnapshot } from '../src/plugins/fetch/snapshot.ts';
import minmax from '../src/plugins/window/minmax.ts';

const SPEC = new URL('../experiments/paper.yaml', import.meta.url);

export function paperArchitecture(output: 'relu' | 'linear' = 'relu'): Architecture {
  const layers = z
    .array(layerSchema)
    .parse((parse(readFileSync(SPEC, 'utf8')) as { architectures: { paper: unknown } }).architectures.paper);
  const last = layers[layers.length - 1];
  if (last.type === 'dense') last.activation = output;
  return { name: 'paper', layers };
}

/** About 1,000 training windows of SPY (the last 1,270 days before a 20-day test), scaled on train. */
export async function paperWindows(): Promise<WindowedData> {
  const series = readSnapshot('SPY', 'Adj Close');
  const n = series.values.length;
  return minmax.run(
    { series, train: { from: n - 1270, to: n - 20 }, test: { from: n - 20, to: n }, lookback: 14, horizon: 1, validationSplit: 0.2 },
    { fitOn: 'train' },
    {} as never,
  );
}
