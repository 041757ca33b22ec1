// Quantisation as a compactor, end to end: `compact: {plugin: quantize, bits: [8, 16]}` is an axis;
// each run measures the quantised model (its errors are the quantised model's), records how it was
// quantised and its stored size, and on ONNX Runtime keeps an .onnx file with int8 or float16
// weights whose outputs agree with runexp's evaluation within the measure's tolerance (1e-5; 1e-2
// with int8 activations, as ORT sums their products in exact integers).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonl, runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

const dir = tempDir();
writeSpec(
  dir,
  tinySpec({
    compact: '[{plugin: quantize, bits: 8, activations: [none, int8]}, {plugin: quantize, bits: 16}]',
    prune: '{plugin: magnitude, percentile: 35}',
    measure: '{plugin: standard, warmup: 1, repeats: 2, latencyRepeats: 2, runtime: [tfjs, onnxruntime]}',
  }),
);
let run: ReturnType<typeof runCli>;
let rows: Record<string, any>[];
beforeAll(() => {
  run = runCli(['spec.yaml', '--no-report', '--workers', '0'], dir);
  rows = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
});

test('a list of compactors is an axis, and so are their options; every run records its quantisation, stored size and ONNX check', () => {
  expect(run.code).toBe(0);
  expect(rows.map((r) => [r.params.compact.bits, r.params.compact.activations, r.params.measure.runtime, r.status])).toEqual([
    [8, 'none', 'tfjs', 'ok'],
    [8, 'none', 'onnxruntime', 'ok'],
    [8, 'int8', 'tfjs', 'ok'],
    [8, 'int8', 'onnxruntime', 'ok'],
    [16, 'none', 'tfjs', 'ok'],
    [16, 'none', 'onnxruntime', 'ok'],
  ]);
  for (const r of rows) {
    const bits = r.params.compact.bits;
    const activations = r.params.compact.activations;
    expect(r.compact.quantization).toEqual({
      bits,
      scheme: 'per-channel',
      activations,
      ...(activations === 'int8' ? { weightLimit: 63, calibration: 'minmax' } : {}),
      weights: ['conv1d:kernel', 'dense:kernel', 'dense_1:kernel'],
      scales: bits === 8 ? 126 : 0,
    });
    // int8 activations: a fakeQuantize layer before each quantised one, in a model of its own name.
    expect(r.compact.architecture).toBe(activations === 'int8' ? 'paper+a8' : 'paper');
    // 8,525 kernel weights at 1 or 2 bytes, 126 biases at 4, and (int8) 126 scales at 4.
    expect(r.compact.size.stored).toMatchObject({
      format: bits === 8 ? 'int8' : 'float16',
      bytes: bits === 8 ? 8525 + 126 * 8 : 8525 * 2 + 126 * 4,
    });
    expect(r.original.size.stored).toBeUndefined();
    // Quantisation moves the outputs a little, and touches nothing a pruner could be blamed for.
    expect(r.compactVsPruned.maxAbsDifference).toBeGreaterThan(0);
    // (int8 activations clip what leaves the training windows' range: here, prices above it.)
    expect(r.compactVsPruned.maxAbsDifference).toBeLessThan(activations === 'int8' ? 1 : bits === 8 ? 0.05 : 0.005);
    if (activations === 'none') expect(r.untouchedWeightsChanged).toBe(0);
    if (r.params.measure.runtime === 'onnxruntime') {
      // ORT sums int8 activations' products exactly: a value on a rounding boundary may land a step away.
      expect(r.compact.onnx.tolerance).toBe(activations === 'int8' ? 1e-2 : 1e-5);
      expect(r.compact.onnx.maxAbsDifference).toBeLessThanOrEqual(r.compact.onnx.tolerance);
      expect(existsSync(join(dir, 'runs/tiny/runs', r.runId, 'compact/model.onnx'))).toBe(true);
      // The int8 file is much smaller than the float32 original's.
      expect(r.compact.onnx.bytes).toBeLessThan(r.original.onnx.bytes * (bits === 8 ? 0.4 : 0.6));
    }
  }
});

test('int8 activations with float16 weights are refused at validate time, pointing at the compactor', () => {
  const bad = tempDir();
  writeSpec(bad, tinySpec({ compact: '{plugin: quantize, bits: 16, activations: int8}' }));
  const { code, stderr } = runCli(['validate', 'spec.yaml'], bad);
  expect(code).toBe(2);
  expect(stderr).toMatch(
    /spec\.yaml:\d+:\d+ +compact\.activations: int8 activations go with int8 weights: set bits: 8, or activations: none/,
  );
});

test('structured pruning, then int8: the shrunk model is quantised, stored and run on ONNX Runtime as int8', () => {
  const chained = tempDir();
  writeSpec(
    chained,
    tinySpec({
      prune: '{plugin: structured, sparsity: 0.5}',
      compact: '{plugin: quantize, bits: 8}',
      measure: '{plugin: standard, warmup: 1, repeats: 2, latencyRepeats: 2, singleWindowLatency: true, runtime: onnxruntime}',
    }),
  );
  expect(runCli(['spec.yaml', '--no-report', '--workers', '0'], chained).code).toBe(0);
  const [alone, quantized] = readJsonl(join(chained, 'runs/tiny/results.jsonl'));
  expect([alone.params.compactor, quantized.params.compactor]).toEqual(['structured', 'structured+quantize']);
  // 2 of 5 filters and 60 of 120 units kept: 2 + 28·60 + 60 = 1,742 int8 weights, and
  // 63 biases and 63 scales at 4 bytes.
  for (const r of [alone, quantized]) expect(r.compact.architecture).toBe('paper[conv1d:2,dense:60]');
  expect(alone.compact.quantization).toBeUndefined();
  expect(quantized.compact.size.stored).toMatchObject({ format: 'int8', bytes: 1742 + 63 * 8 });
  expect(quantized.compact.onnx.maxAbsDifference).toBeLessThanOrEqual(1e-5);
  // Timed at the latency batch and, as asked, one window at a time, in the same rounds as the original.
  for (const model of [quantized.original, quantized.compact])
    expect(model.singleWindowLatency).toMatchObject({ batchSize: 1, repeats: 2, medianMs: expect.any(Number) });
  // (the graph's own bytes, names and shapes, weigh more beside 7 KB of float32 weights)
  expect(quantized.compact.onnx.bytes).toBeLessThan(alone.compact.onnx.bytes * 0.6);
  // Against the structured model it came from (not the dense one), the rounding is all that moved.
  expect(quantized.compactVsPruned.maxAbsDifference).toBeGreaterThan(0);
  expect(quantized.compactVsPruned.maxAbsDifference).toBeLessThan(0.05);
  // The report's compression section: both compactions against the original, with sizes and a front.
  expect(runCli(['report', 'runs/tiny'], chained).code).toBe(0);
  const html = readFileSync(join(chained, 'reports/tiny/index.html'), 'utf8');
  const section = html.slice(html.indexOf('<h2 id="compression">'), html.indexOf('<figure', html.indexOf('<h2 id="compression">')));
  expect(section).toMatch(/<td>(<b>)?structured → structured\+quantize(<\/b>)?<\/td><td>int8<\/td>/);
  expect(section).toMatch(/<td>(<b>)?structured → structured(<\/b>)?<\/td><td>float32<\/td>/);
  expect(section).toContain('Smallest not significantly worse:');
  expect(section).toContain(`<td>${(1742 + 63 * 8).toLocaleString('en-US')}</td>`);
  expect(existsSync(join(chained, 'reports/tiny/charts/compression-front.svg'))).toBe(true);
});
