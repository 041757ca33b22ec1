// The report's compression section: points per configuration, fronts within each stratum (never
// across an axis the grid varies), and the smallest and fastest configuration not worse than the original.
import { bestNotWorse, compressionLabels, compressionStrata, markFront, median, variesCompression } from '../../src/report/compression.ts';
import type { OkRecord } from '../../src/report/load.ts';
import type { Comparison } from '../../src/report/verdict.ts';

const model = (bytes: number, latencyMs: number, stored?: { format: string; bytes: number }) => ({
  size: {
    denseBytes: 34604,
    sparseBytes: 0,
    gzipBytes: 30000,
    ...(stored ? { stored: { ...stored, gzipBytes: stored.bytes - 100 } } : {}),
  },
  inference: { medianMs: 9 },
  latency: { medianMs: latencyMs },
  bytes,
});

let id = 0;
function run(runtime: string, compact: Record<string, unknown>, seed: number, latency: number, stored?: { format: string; bytes: number }) {
  return {
    runId: `r${id++}`,
    params: {
      ticker: 'SPY',
      days: 1250,
      testEnd: '2025-12-31',
      architecture: 'paper',
      seed,
      pruner: 'magnitude',
      prune: { percentile: 35 },
      compactor: stored ? 'quantize' : 'copy',
      compact,
      measure: { runtime },
      train: {},
      window: {},
    },
    original: model(34604, 1),
    compact: model(0, latency, stored),
    efficiency: { measuredSpeedup: 1 / latency },
  } as unknown as OkRecord;
}

/** A compact-vs-original comparison of a configuration's runs, with this ratio and adjusted p. */
const verdict = (runs: OkRecord[], ratio: number, holm: number) =>
  ({ key: 'compactVsOriginal', runs, test: { ratio, lo: ratio * 0.9, hi: ratio * 1.1 }, holm }) as unknown as Comparison;

test('median of odd and even counts', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2.5);
});

test('the front: points no other point (or the original) matches on all three costs and beats on one', () => {
  const points = [
    { mseRatio: 1.0, storedBytes: 9000, latencyMs: 1.0 }, // A: front
    { mseRatio: 1.2, storedBytes: 9000, latencyMs: 1.0 }, // B: beaten by A
    { mseRatio: 5.0, storedBytes: 2000, latencyMs: 1.0 }, // C: front (smallest)
    { mseRatio: 1.0, storedBytes: 9000, latencyMs: 1.0 }, // D: ties A everywhere, so neither beats the other
    { mseRatio: 1.1, storedBytes: 40000, latencyMs: 2.0 }, // E: beaten by the original
    { mseRatio: Number.NaN, storedBytes: 1, latencyMs: 0.1 }, // F: untested, never on the front
  ];
  const original = { mseRatio: 1, storedBytes: 34604, latencyMs: 1.5 };
  expect(markFront(points, [original]).map((p) => p.front)).toEqual([true, false, true, true, false, false]);
  // Without the original, E (the only one slower and larger) is beaten by A anyway; F is still out.
  expect(markFront(points).map((p) => p.front)).toEqual([true, false, true, true, false, false]);
});

test('strata split by what else varies (the runtime); sizes and latencies are medians over seeds', () => {
  const int8 = { format: 'int8', bytes: 9533 };
  const configs = [
    [run('tfjs', {}, 1, 1.0), run('tfjs', {}, 2, 1.2)],
    [run('tfjs', { bits: 8 }, 1, 0.9, int8), run('tfjs', { bits: 8 }, 2, 1.1, int8)],
    [run('onnxruntime', {}, 1, 0.5), run('onnxruntime', {}, 2, 0.5)],
    [run('onnxruntime', { bits: 8 }, 1, 0.4, int8), run('onnxruntime', { bits: 8 }, 2, 0.6, int8)],
  ];
  const runs = configs.flat();
  expect(variesCompression(runs)).toBe(true);
  expect(variesCompression(configs[0])).toBe(false);
  const comparisons = [
    verdict(configs[0], 1.01, 0.9),
    verdict(configs[1], 3, 0.001),
    verdict(configs[2], 1.01, 0.9),
    verdict(configs[3], 0.98, 0.7),
  ];
  const strata = compressionStrata(runs, comparisons);
  expect(strata.map((s) => s.label)).toEqual(['SPY, measure.runtime tfjs', 'SPY, measure.runtime onnxruntime']);
  const [tfjs, ort] = strata;
  expect(tfjs.points.map((p) => [p.label, p.format, p.storedBytes, p.gzipBytes, p.latencyMs, p.verdict])).toEqual([
    ['magnitude → copy', 'float32', 34604, 30000, 1.1, 'no significant difference'],
    ['magnitude → quantize', 'int8', 9533, 9433, 1.0, 'worse'],
  ]);
  expect(tfjs.original).toEqual({ storedBytes: 34604, gzipBytes: 30000, latencyMs: 1 });
  // On tfjs int8 is worse: the smallest and fastest acceptable model is the float32 copy.
  expect(bestNotWorse(tfjs.points).smallest?.label).toBe('magnitude → copy');
  expect(bestNotWorse(tfjs.points).fastest?.label).toBe('magnitude → copy');
  // On ORT it is not worse, smaller and faster (median 0.5 ms ties the copy; its ratio is lower).
  expect(ort.points.map((p) => [p.latencyMs, p.front])).toEqual([
    [0.5, false],
    [0.5, true],
  ]);
  expect(bestNotWorse(ort.points).smallest?.label).toBe('magnitude → quantize');
  expect(bestNotWorse(ort.points).fastest?.label).toBe('magnitude → quantize');
});

test('labels name each plugin with the options that vary among the runs using it', () => {
  const stored = { format: 'int8', bytes: 1 };
  const runs = [
    run('tfjs', { bits: 8, scheme: 'per-channel' }, 1, 1, stored),
    run('tfjs', { bits: 16, scheme: 'per-channel' }, 1, 1, stored),
    run('tfjs', { bits: 8, scheme: 'per-channel', calibration: 'percentile' }, 1, 1, stored),
    run('tfjs', {}, 1, 1),
  ];
  (runs[3].params.prune as Record<string, unknown>).percentile = 90;
  const label = compressionLabels(runs);
  // The scheme is the same in every quantize run: left out.
  expect(runs.map(label)).toEqual([
    'magnitude (percentile 35) → quantize (bits 8)',
    'magnitude (percentile 35) → quantize (bits 16)',
    // Set in one entry only: it varies, and is named where it is set.
    'magnitude (percentile 35) → quantize (bits 8, calibration percentile)',
    'magnitude (percentile 90) → copy',
  ]);
});
