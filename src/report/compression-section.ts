// The report's "Compression" section, drawn when a grid varies how models are compressed: per
// stratum, which configuration is the smallest and which the fastest that is not significantly
// worse than the original, and a table of every configuration with its size, latency and verdict.
import { compressionChart } from './charts/compression.ts';
import type { Chart } from './charts/chart.ts';
import { bestNotWorse, type CompressionPoint, type CompressionStratum, compressionStrata, variesCompression } from './compression.ts';
import { esc, num, table } from './html.ts';
import type { OkRecord } from './load.ts';
import type { Comparison } from './verdict.ts';

const HEADING = '<h2 id="compression">Compression: accuracy, size and latency</h2>';

const ratio = (p: CompressionPoint) =>
  Number.isFinite(p.lo) ? `${num(p.mseRatio, 3)} <small>[${num(p.lo, 3)}, ${num(p.hi, 3)}]</small>` : num(p.mseRatio, 3);

function answer(stratum: CompressionStratum): string {
  const { smallest, fastest } = bestNotWorse(stratum.points);
  if (!smallest || !fastest) return '<p>No configuration here is both tested and not significantly worse than the original.</p>';
  const { storedBytes, latencyMs } = stratum.original;
  const speed = latencyMs / fastest.latencyMs;
  const slower = speed < 1 ? ' — none of them is faster than the original' : '';
  return `<ul class="verdicts"><li>Smallest not significantly worse: <b>${esc(smallest.label)}</b>, ${num(storedBytes / smallest.storedBytes, 3)}× smaller (${num(smallest.storedBytes)} bytes, ${esc(smallest.format)}), MSE ratio ${ratio(smallest)}.</li><li>Fastest not significantly worse: <b>${esc(fastest.label)}</b>, ${num(speed, 3)}× the original's speed (${num(fastest.latencyMs, 3)} ms against ${num(latencyMs, 3)})${slower}, MSE ratio ${ratio(fastest)}.</li></ul>`;
}

function stratumTable(stratum: CompressionStratum): string {
  const { original } = stratum;
  // Batch 1 too, where the measure timed it.
  const single = stratum.points.some((p) => p.singleWindowSpeedup);
  const rows = [...stratum.points]
    .sort((a, b) => a.storedBytes - b.storedBytes || a.mseRatio - b.mseRatio)
    .map((p) => [
      p.front ? `<b>${esc(p.label)}</b>` : esc(p.label),
      esc(p.format),
      ratio(p),
      esc(p.verdict),
      num(Math.round(p.storedBytes)),
      num(Math.round(p.gzipBytes)),
      num(p.latencyMs, 3),
      Number.isFinite(p.speedup) ? `${num(p.speedup, 3)}×` : '—',
      ...(single ? [p.singleWindowSpeedup ? `${num(p.singleWindowSpeedup, 3)}×` : '—'] : []),
      p.front ? 'front' : '',
    ]);
  const originalRow = [
    'original',
    'float32',
    '1',
    '',
    num(Math.round(original.storedBytes)),
    num(Math.round(original.gzipBytes)),
    num(original.latencyMs, 3),
    '1×',
    ...(single ? ['1×'] : []),
    '',
  ];
  const header = ['configuration', 'weights', 'MSE ratio vs original', 'verdict', 'stored bytes', 'gzip bytes', 'latency (ms)', 'speedup'];
  return table([...header, ...(single ? ['speedup, one window'] : []), 'Pareto'], [originalRow, ...rows], {
    raw: true,
    className: 'compression',
  });
}

export function compressionSection(
  runs: readonly OkRecord[],
  comparisons: readonly Comparison[],
  figure: (chart: Chart) => string,
  live: boolean,
): string {
  if (!variesCompression(runs)) return '';
  if (live)
    return `${HEADING}<p class="note">Drawn when the run ends, from the verdict tests of each configuration against its original.</p>`;
  const strata = compressionStrata(runs, comparisons);
  const parts = strata.map((s) => `${strata.length > 1 ? `<h3>${esc(s.label)}</h3>` : ''}${answer(s)}${stratumTable(s)}`);
  return `${HEADING}<p>Every way this grid prunes and compresses the model, against the original it started from. The MSE ratio and verdict are the compact-vs-original verdict test (seeds and test days, Holm within its family; "not significantly worse" is a failure to find a difference, not a proof of none). Sizes are the weights as the runtime loads them — int8 with float32 scales, float16, or float32 — median over seeds; latency is the median time of one latency batch on the grid's runtime, and speedup the measure's own ratio to the original timed in the same run (and for one window at a time, where the measure timed it: <code>singleWindowLatency</code>). A configuration is on the Pareto front (bold) when no other is at least as good in MSE ratio, size and latency and better in one. ${strata.length > 1 ? 'Each part below is one combination of what else the grid varies: nothing is pooled across them.' : ''}</p>${parts.join('')}${figure(compressionChart(strata))}`;
}
