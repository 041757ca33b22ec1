// The paper's architecture, read from experiments/paper.yaml so that benchmarks and tests use the
// very model the experiment runs: Conv1D(5, k=1, relu) → Flatten → Dense(120, relu) → Dense(1).
// The paper's output is ReLU; `linear` swaps it for a linear output, which never dies.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { layerSchema, type Architecture } from '../src/plugin/index.ts';

const SPEC = new URL('../experiments/paper.yaml', import.meta.url);

export function paperArchitecture(output: 'relu' | 'linear' = 'relu'): Architecture {
  const layers = z.array(layerSchema).parse((parse(readFileSync(SPEC, 'utf8')) as { architectures: { paper: unknown } }).architectures.paper);
  const last = layers[layers.length - 1];
  if (last.type === 'dense') last.activation = output;
  return { name: 'paper', layers };
}
