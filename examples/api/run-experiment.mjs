// The programmatic API from plain Node (no TypeScript, no build step): run a spec given as an
// object, watch its progress, read the stored results as records and export them as CSV.
//   node run-experiment.mjs [output folder]
// A spec file works the same way: runExperiment({ spec: 'experiments/paper.yaml' }).
import { exportText, readResults, runExperiment } from 'runexp';

const out = process.argv[2] ?? 'runs/api-example';
const spec = {
  name: 'api-example',
  seeds: [1, 2],
  data: { ticker: 'SPY', days: 250 },
  test: { days: 40 },
  architectures: {
    paper: [
      { type: 'conv1d', filters: 5, kernelSize: 1, activation: 'relu' },
      { type: 'flatten' },
      { type: 'dense', units: 120, activation: 'relu' },
      { type: 'dense', units: 1, activation: 'linear' },
    ],
  },
  train: { plugin: 'tfjs', epochs: 5 },
  prune: { plugin: 'magnitude', percentile: [35, 50] },
  measure: { plugin: 'standard', warmup: 1, repeats: 2 },
};

const summary = await runExperiment({
  spec,
  out,
  workers: 0,
  log: () => {},
  onProgress: (p) => console.log(`progress: ${p.ok + p.failed}/${p.total} runs`),
});
console.log(`runs: ${summary.ok} ok, ${summary.failed} failed, ${summary.reused} reused; results in ${summary.outDir}`);

// Every stored record, ok or failed, by run id; an ok record carries the scores of both models.
for (const record of readResults(summary.outDir).values()) {
  if (record.status !== 'ok') continue;
  const { original, compact } = record.forecast;
  console.log(
    `seed ${record.params.seed}, percentile ${record.params.prune.percentile}: MSE ${original.mse.toFixed(3)} → ${compact.mse.toFixed(3)}`,
  );
}
const csv = exportText([...readResults(summary.outDir).values()], 'csv');
console.log(`csv: ${csv.split('\n')[0].split(',').length} columns, ${csv.trim().split('\n').length - 1} rows`);
