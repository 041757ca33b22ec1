// Input features from a spec: SPY's own volume, ^VIX and TLT joined on SPY's calendar become three
// more input channels; the model trains on four, runs on ONNX Runtime within tolerance, and the
// report never pools the two datasets (alone, with features) into one configuration.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonl, runCli, tempDir, writeSpec } from '../helpers/cli.ts';

const SPEC = `name: features
seeds: [1]
data:
  - {ticker: SPY, days: 200}
  - ticker: SPY
    days: 200
    features:
      - {column: Volume}
      - {ticker: ^VIX, transform: level}
      - {ticker: TLT}
    align: {missing: ffill, limit: 3}
test: {days: 40, end: 2024-03-22}
window: {scaler: {plugin: returns, log: true}}
architectures:
  paper:
    - {type: conv1d, filters: 5, kernelSize: 1, activation: relu}
    - {type: flatten}
    - {type: dense, units: 12, activation: relu}
    - {type: dense, units: 1}
train: {plugin: tfjs, epochs: 2, earlyStopping: false}
prune: {plugin: magnitude, sparsity: 0.5}
measure: {plugin: standard, warmup: 1, repeats: 2, runtime: onnxruntime}
`;

test("features join the target's calendar and become input channels, scaled on the training windows", () => {
  const dir = tempDir('runexp-features-');
  writeSpec(dir, SPEC);
  const run = runCli(['spec.yaml'], dir);
  expect(run.code).toBe(0);
  // Days outside a feature's dates (TLT starts in 2002; ^VIX ends in 2026-02) are dropped, and said.
  expect(run.stderr).toMatch(/SPY with its features: \d+ of 8372 days dropped \(outside a feature's dates\)/);
  const [alone, joined] = readJsonl(join(dir, 'runs/features/results.jsonl')).sort((a, b) =>
    a.params.features < b.params.features ? 1 : -1,
  );
  expect(alone.params.features).toBe('none');
  expect(joined.params.features).toBe('SPY Volume log-return, ^VIX level, TLT log-return');
  expect(joined.scaler.features.map((f: { name: string; fitOn: string }) => `${f.name} ${f.fitOn}`)).toEqual([
    'SPY Volume train',
    '^VIX train',
    'TLT train',
  ]);
  expect(joined.data.source).toBe(
    'snapshot:data/snapshot/SPY.csv + snapshot:data/snapshot/SPY.csv + snapshot:data/snapshot/^VIX.csv + snapshot:data/snapshot/TLT.csv',
  );
  expect(joined.data.checksum).not.toBe(alone.data.checksum);
  // Same target prices, same test days: the baselines agree; the models do not share a training.
  expect(joined.baselines.persistence.mse).toBe(alone.baselines.persistence.mse);
  expect(joined.trainKey).not.toBe(alone.trainKey);
  const model = JSON.parse(readFileSync(join(dir, 'runs/features/runs', joined.runId, 'compact/model.json'), 'utf8'));
  expect(JSON.stringify(model.modelTopology)).toContain('"batch_input_shape":[null,14,4]');
  for (const r of [alone, joined]) expect(r.compact.onnx.maxAbsDifference).toBeLessThan(1e-5);
  // Two configurations in the report, one per dataset.
  expect(readFileSync(join(dir, 'reports/features/index.html'), 'utf8').match(/<details class="table1"/g)).toHaveLength(2);
}, 120_000);
