// The report's "grid" line names every axis the runs vary: the fixed ones always, and the
// compaction, representation and runtime only where the grid varies them.
import { summariseGrid } from '../../src/report/page-header.ts';
import type { OkRecord } from '../../src/report/load.ts';

const run = (params: Record<string, unknown>) =>
  ({
    params: {
      ticker: 'SPY',
      days: 1250,
      testEnd: '2025-12-31',
      architecture: 'paper',
      seed: 1,
      pruner: 'magnitude',
      prune: { percentile: 35 },
      train: {},
      window: {},
      ...params,
    },
  }) as unknown as OkRecord;

test('a grid of one compactor, representation and runtime reads as before', () => {
  expect(summariseGrid([run({ compactor: 'copy', compact: {}, measure: {} })], [])).toBe(
    '1 ticker (SPY); 1 data size (1250); 1 architecture (paper); 1 pruner (magnitude); 1 percentile (35); 1 seed (1)',
  );
});

test('compactions, representations and runtimes are named where they vary', () => {
  const runs = [
    run({ compactor: 'quantize', compact: { bits: 8 }, window: { plugin: 'minmax' }, measure: { runtime: 'tfjs' } }),
    run({ compactor: 'quantize', compact: { bits: 16 }, window: { plugin: 'returns' }, measure: { runtime: 'onnxruntime' }, seed: 2 }),
  ];
  expect(summariseGrid(runs, [])).toBe(
    '1 ticker (SPY); 1 data size (1250); 1 architecture (paper); 1 pruner (magnitude); 1 percentile (35); 2 compactions (quantize bits=8, quantize bits=16); 2 representations (minmax, returns); 2 runtimes (tfjs, onnxruntime); 2 seeds (1, 2)',
  );
});
