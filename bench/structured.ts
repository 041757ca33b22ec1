// Structured compaction's speed, measured against its MAC ratio: the paper model against the
// smaller models that structured pruning of the first dense layer (and of the conv filters) leaves,
// each timed on one batch of windows, interleaved with the original in the same process.
// `node bin/dev.js bench/structured.ts` prints the table alone; `npm run bench` includes it.
import { pathToFileURL } from 'node:url';
import { buildModel, macsOf } from '../src/plugin/kit/model.ts';
import type { Architecture, LayersModel, Tf } from '../src/plugin/index.ts';
import { loadBackend } from '../src/execute/backend.ts';
import { paperArchitecture } from './paper-architecture.ts';

const PAPER = paperArchitecture('linear');

/** The paper model with `filters` conv filters and `units` dense units, as structured compaction builds it. */
function shrunk(filters: number, units: number): Architecture {
  return {
    name: `paper[conv1d:${filters},dense:${units}]`,
    layers: PAPER.layers.map((l) =>
      l.type === 'conv1d' ? { ...l, filters } : l.type === 'dense' && (l.units as number) > 1 ? { ...l, units } : l,
    ),
  };
}

function medianLatency(tf: Tf, models: LayersModel[], batch: number, rounds = 25): number[] {
  const x = tf.randomUniform([batch, 14, 1], 0, 1, 'float32', 7);
  const times = models.map(() => [] as number[]);
  const once = (m: LayersModel) => {
    const t0 = performance.now();
    tf.tidy(() => (m.predict(x, { batchSize: batch }) as InstanceType<Tf['Tensor']>).dataSync());
    return performance.now() - t0;
  };
  for (let r = 0; r < 3; r++) models.forEach(once);
  for (let r = 0; r < rounds; r++) models.forEach((m, i) => times[i].push(once(m)));
  x.dispose();
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]);
}

export async function structuredSpeedRows(): Promise<string[][]> {
  const rows: string[][] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    const { tf } = await loadBackend(backend);
    await tf.setBackend(backend);
    const original = buildModel(tf, PAPER, [14, 1], 3);
    for (const [filters, units] of [
      [5, 60],
      [5, 12],
      [3, 60],
    ]) {
      const small = buildModel(tf, shrunk(filters, units), [14, 1], 3);
      const macRatio = macsOf(original).macs / macsOf(small).macs;
      for (const batch of [1024, 4096]) {
        const [a, b] = medianLatency(tf, [original, small], batch);
        rows.push([
          `${backend}, batch ${batch}: original / ${shrunk(filters, units).name}`,
          `${a.toFixed(2)} ms / ${b.toFixed(2)} ms`,
          `${(a / b).toFixed(2)}× of ${macRatio.toFixed(2)}× MACs = ${(a / b / macRatio).toFixed(2)}`,
        ]);
      }
      small.dispose();
    }
    original.dispose();
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await structuredSpeedRows();
  console.log(
    `| structured compaction | times | measured speedup of MAC ratio |\n|---|---|---|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}`,
  );
}
