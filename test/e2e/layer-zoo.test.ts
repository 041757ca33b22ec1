// Architectures beyond the paper's three layer kinds, end to end from a spec: a recurrent model
// and a dilated CNN with pooling and dropout train, prune (magnitude on every hidden kernel,
// structured through the pooling) and run on ONNX Runtime within tolerance; what cannot be done
// (structured pruning of a residual CNN with nothing outside its blocks to shrink) is refused by validate, naming the architecture.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonl, runCli, tempDir, writeSpec } from '../helpers/cli.ts';

const SPEC = `name: zoo
seeds: [1]
data:
  ticker: SPY
  days: 120
test:
  days: 20
architectures:
  lstm:
    - {type: lstm, units: 6}
    - {type: dense, units: 1}
  tcn:
    - {type: conv1d, filters: 4, kernelSize: 3, dilationRate: 2, padding: same, activation: relu}
    - {type: maxPooling1d, poolSize: 2}
    - {type: dropout, rate: 0.1}
    - {type: flatten}
    - {type: dense, units: 8, activation: gelu}
    - {type: dense, units: 1}
  residual:
    - {type: conv1d, filters: 4, kernelSize: 1, activation: relu}
    - type: residual
      layers:
        - {type: conv1d, filters: 6, kernelSize: 3, dilationRate: 2, padding: same, activation: relu}
        - {type: batchNormalization}
    - {type: globalAveragePooling1d}
    - {type: dense, units: 1}
  bilstm:
    - {type: bidirectional, layer: {type: lstm, units: 3}}
    - {type: dense, units: 1}
train: {plugin: tfjs, epochs: 2, earlyStopping: false}
prune:
  - {plugin: magnitude, sparsity: 0.5, layers: hidden}
  - {plugin: structured, sparsity: 0.5}
measure: {plugin: standard, warmup: 1, repeats: 2, runtime: onnxruntime}
`;

test('an LSTM, a dilated CNN and a residual CNN train, prune and run on ONNX Runtime; structured pruning shrinks the LSTM and the bidirectional LSTM, and validate says why it cannot shrink this residual CNN (nothing in it can shrink)', () => {
  const dir = tempDir('runexp-zoo-');
  writeSpec(dir, SPEC);
  const refused = runCli(['validate', 'spec.yaml'], dir);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain(
    'the structured pruner cannot run on architecture "residual": it has no layer structured pruning can shrink',
  );
  expect(refused.stderr).not.toContain('"bilstm"');
  // The residual architecture with the magnitude pruner only, then the others with both.
  writeSpec(dir, SPEC.replace(/ {2}residual:\n[\s\S]*?(?= {2}bilstm:)/, ''));
  expect(runCli(['spec.yaml', '--no-report'], dir).code).toBe(0);
  writeSpec(
    dir,
    SPEC.replace('name: zoo', 'name: zoo-residual')
      .replace(/ {2}lstm:\n[\s\S]*?(?= {2}residual:)/, '')
      .replace(/ {2}bilstm:\n[\s\S]*?(?=train:)/, '')
      .replace('  - {plugin: structured, sparsity: 0.5}\n', ''),
  );
  expect(runCli(['spec.yaml', '--no-report'], dir).code).toBe(0);
  const records = [...readJsonl(join(dir, 'runs/zoo/results.jsonl')), ...readJsonl(join(dir, 'runs/zoo-residual/results.jsonl'))];
  const arm = (r: Record<string, any>) => `${r.params.architecture} ${r.params.pruner} ${r.status}`;
  expect(records.map(arm).sort()).toEqual([
    'bilstm magnitude ok',
    'bilstm structured ok',
    'lstm magnitude ok',
    'lstm structured ok',
    'residual magnitude ok',
    'tcn magnitude ok',
    'tcn structured ok',
  ]);
  // A bidirectional LSTM prunes both directions' kernels and recurrent kernels, by name.
  const bilstm = records.find((r) => arm(r) === 'bilstm magnitude ok')!;
  expect(bilstm.pruning.layers.map((l: Record<string, string>) => `${l.layer}:${l.weight ?? 'kernel'}`)).toEqual([
    'bidirectional:forwardKernel',
    'bidirectional:forwardRecurrentKernel',
    'bidirectional:backwardKernel',
    'bidirectional:backwardRecurrentKernel',
  ]);
  // A residual model prunes every kernel, its block's projection (4 → 6 channels) included.
  const residual = records.find((r) => arm(r) === 'residual magnitude ok')!;
  expect(residual.pruning.layers.map((l: Record<string, string>) => l.layer)).toEqual(['conv1d', 'conv1d_1', 'residual_projection']);
  for (const r of records.filter((r) => r.status === 'ok')) expect(r.compact.onnx.maxAbsDifference).toBeLessThan(1e-5);
  // Magnitude on `hidden`: the LSTM's kernel (1 feature × 4 gates × 6 units) and its recurrent
  // kernel (6 × 24) each lose half; the bias is untouched.
  const lstm = records.find((r) => arm(r) === 'lstm magnitude ok')!;
  expect(lstm.pruning.layers.map((l: Record<string, number>) => [l.layer, l.weight, l.total, l.kept])).toEqual([
    ['lstm', undefined, 24, 12],
    ['lstm', 'recurrentKernel', 144, 72],
  ]);
  expect(lstm.untouchedWeightsChanged).toBe(0);
  // Structured: half the dilated conv's filters and half the hidden dense units are gone from the compact model.
  const tcn = records.find((r) => arm(r) === 'tcn structured ok')!;
  expect(tcn.compact.architecture).toBe('tcn[conv1d:2,dense:4]');
  // Structured on the LSTM: half its units go, every gate of each, and the dense after it loses their inputs.
  expect(records.find((r) => arm(r) === 'lstm structured ok')!.compact.architecture).toBe('lstm[lstm:3]');
  // And on the bidirectional LSTM: 2 of its 3 units go from both directions (both halves of the concatenation).
  const bilstmSmall = records.find((r) => arm(r) === 'bilstm structured ok')!;
  expect(bilstmSmall.compact.architecture).toBe('bilstm[bidirectional:1]');
  expect(bilstmSmall.compactVsPruned.maxAbsDifference).toBeLessThan(1e-5);
  // The report draws the weights every architecture pruned, the LSTM's recurrent kernel and the block's projection among them.
  expect(runCli(['report', 'runs/zoo'], dir).code).toBe(0);
  expect(runCli(['report', 'runs/zoo-residual'], dir).code).toBe(0);
  const html =
    readFileSync(join(dir, 'reports/zoo/index.html'), 'utf8') + readFileSync(join(dir, 'reports/zoo-residual/index.html'), 'utf8');
  for (const weight of ['lstm recurrentKernel', 'residual_projection', 'conv1d_1'])
    expect(html).toContain(`${weight} weight distribution before and after pruning`);
  // Parameters and non-zeros per layer, one chart per architecture of the grid.
  for (const [id, architecture] of [
    ['layers-1', 'lstm'],
    ['layers-2', 'tcn'],
  ]) {
    const spec = JSON.parse(readFileSync(join(dir, `reports/zoo/charts/${id}.vl.json`), 'utf8'));
    expect(html).toContain(`Layer-wise parameters and non-zeros — architecture ${architecture}`);
    expect(spec.data.values.length).toBeGreaterThan(0);
  }
}, 120_000);
