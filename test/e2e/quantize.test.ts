// Quantisation as a compactor, end to end: `compact: {plugin: quantize, bits: [8, 16]}` is an axis;
// each run measures the quantised model (its errors are the quantised model's), records how it was
// quantised and its stored size, and on ONNX Runtime keeps an .onnx file with int8 or float16
// weights whose outputs agree with runexp's evaluation within the measure's tolerance (1e-5).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonl, runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

const dir = tempDir();
writeSpec(
  dir,
  tinySpec({
    compact: '{plugin: quantize, bits: [8, 16]}',
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

test('bits is an axis; every run records its quantisation, stored size and ONNX check', () => {
  expect(run.code).toBe(0);
  expect(rows.map((r) => [r.params.compact.bits, r.params.measure.runtime, r.status])).toEqual([
    [8, 'tfjs', 'ok'],
    [8, 'onnxruntime', 'ok'],
    [16, 'tfjs', 'ok'],
    [16, 'onnxruntime', 'ok'],
  ]);
  for (const r of rows) {
    const bits = r.params.compact.bits;
    expect(r.compact.quantization).toEqual({
      bits,
      scheme: 'per-channel',
      activations: 'none',
      weights: ['conv1d:kernel', 'dense:kernel', 'dense_1:kernel'],
      scales: bits === 8 ? 126 : 0,
    });
    // 8,525 kernel weights at 1 or 2 bytes, 126 biases at 4, and (int8) 126 scales at 4.
    expect(r.compact.size.stored).toMatchObject({
      format: bits === 8 ? 'int8' : 'float16',
      bytes: bits === 8 ? 8525 + 126 * 8 : 8525 * 2 + 126 * 4,
    });
    expect(r.original.size.stored).toBeUndefined();
    // Quantisation moves the outputs a little, and touches nothing a pruner could be blamed for.
    expect(r.compactVsPruned.maxAbsDifference).toBeGreaterThan(0);
    expect(r.compactVsPruned.maxAbsDifference).toBeLessThan(bits === 8 ? 0.05 : 0.005);
    expect(r.untouchedWeightsChanged).toBe(0);
    if (r.params.measure.runtime === 'onnxruntime') {
      expect(r.compact.onnx.tolerance).toBe(1e-5);
      expect(r.compact.onnx.maxAbsDifference).toBeLessThanOrEqual(r.compact.onnx.tolerance);
      expect(existsSync(join(dir, 'runs/tiny/runs', r.runId, 'compact/model.onnx'))).toBe(true);
      // The int8 file is much smaller than the float32 original's.
      expect(r.compact.onnx.bytes).toBeLessThan(r.original.onnx.bytes * (bits === 8 ? 0.4 : 0.6));
    }
  }
});
