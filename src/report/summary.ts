// Table 1 for one configuration, as data: the models' scores over its runs (one per seed), the
// baselines (which need no seed), and the verdicts. The CLI prints it as text, the report as HTML.
import { BASELINES, type BaselineName } from '../evaluation/baselines.ts';
import type { ForecastScores } from '../evaluation/forecast-metrics.ts';
import type { OkRecord } from '../results/record.ts';
import { MODELS, type ModelName } from './load.ts';
import type { Comparison } from './verdict.ts';

export interface SummaryRow {
  kind: 'model' | 'baseline';
  name: ModelName | BaselineName;
  /** One entry per run for a model, one entry for a baseline. */
  scores: ForecastScores[];
}

export interface ConfigurationSummary {
  runs: OkRecord[];
  rows: SummaryRow[];
  verdicts: Comparison[];
}

/** Table 1 of one configuration, with its verdicts (from judge(), where every configuration is judged together). */
export function summarizeConfiguration(runs: OkRecord[], verdicts: Comparison[]): ConfigurationSummary {
  const first = runs[0];
  return {
    runs,
    rows: [
      ...MODELS.map((m): SummaryRow => ({ kind: 'model', name: m, scores: runs.map((r) => r.forecast[m]) })),
      ...BASELINES.map((b): SummaryRow => ({ kind: 'baseline', name: b, scores: [first.baselines[b]] })),
    ],
    verdicts,
  };
}

/**
 * Values a run's pruner changed outside its pruned kernels and the layers it declares it retrains
 * (0 when none). Records from before the declaration existed count a pruner that trained as
 * retraining everything.
 */
export function unexpectedChanges(run: OkRecord): number {
  const legacyRetraining =
    run.pruning.retrains === undefined && (run.prunerTraining !== undefined || (run.pruning.trainings?.length ?? 0) > 0);
  return legacyRetraining ? 0 : (run.untouchedWeightsChanged ?? 0);
}
