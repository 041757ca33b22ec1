// Reads an experiment's output directory for reporting: only stored files, never live workers.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, RunexpError } from '../core/errors.ts';
import type { BaselineName } from '../core/baselines.ts';
import type { RunEvaluation } from '../core/evaluation.ts';
import type { RunParams } from '../core/grid.ts';
import type { ForecastScores } from '../core/forecast-metrics.ts';
import type { LayerCount, ModelReport } from '../core/plugin-api.ts';
import { readResults, runDir } from '../core/store.ts';

export type ModelName = 'original' | 'compact';
export const MODELS: readonly ModelName[] = ['original', 'compact'];


export interface OkRun {
  runId: string;
  /** Runs with the same trainKey share one trained (original) model. */
  trainKey: string;
  status: 'ok';
  params: RunParams;
  data: { ticker: string; source: string; checksum: string; train: { start: string; end: string; days: number }; test: { start: string; end: string; days: number } };
  scaler: { kind?: string; fitOn?: string };
  backend: string;
  training: { epochs: number; bestEpoch: number; timeMs: number; peakTensorBytes?: number; cached: boolean };
  pruning: { plugin: string; layers: { layer: string; threshold: number | null; total: number; kept: number; sparsity: number }[] };
  original: ModelReport;
  compact: ModelReport & { architecture: string };
  files?: { originalWeightsBytes: number; compactWeightsBytes: number };
  forecast: Record<ModelName, ForecastScores>;
  baselines: Record<BaselineName, ForecastScores>;
  upDayRate: number;
  tests: RunEvaluation['tests'];
}

export interface FailedRun {
  runId: string;
  status: 'failed';
  params?: RunParams;
  error: { code: string; message: string; stage?: string; plugin?: string; hint?: string };
}

export interface Manifest {
  experiment: string;
  spec: string;
  runexp: string;
  gitCommit: string;
  node: string;
  packages: Record<string, string | null>;
  backends: string[];
  cpu: { model: string; cores: number };
  startedAt: string;
  endedAt: string | null;
  status: string;
  data: { ticker: string; source: string; checksum: string; first: string; last: string; rows: number }[];
  grid?: { runs: number; trainings: number; runIds?: string[] };
}

export interface ExperimentResults {
  outDir: string;
  manifest: Manifest;
  /** spec.resolved.yaml, when present. */
  resolvedSpec?: string;
  ok: OkRun[];
  failed: FailedRun[];
}

export function loadResults(outDir: string): ExperimentResults {
  const manifestFile = join(outDir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new RunexpError(ErrorCode.USAGE, `${outDir} is not a runexp output directory (no manifest.json)`, 'pass the folder a run wrote, e.g. runs/paper');
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  // Only the runs of the grid the manifest describes (older specs may have left other runs).
  const inGrid = manifest.grid?.runIds ? new Set(manifest.grid.runIds) : undefined;
  const records = [...readResults(outDir).values()].filter((r) => !inGrid || inGrid.has(r.runId));
  const specFile = join(outDir, 'spec.resolved.yaml');
  return {
    outDir,
    manifest,
    resolvedSpec: existsSync(specFile) ? readFileSync(specFile, 'utf8') : undefined,
    ok: records.filter((r) => r.status === 'ok') as unknown as OkRun[],
    failed: records.filter((r) => r.status === 'failed') as unknown as FailedRun[],
  };
}

export interface PrunedLayerWeights {
  layer: string;
  threshold: number | null;
  before: number[];
  after: number[];
}

export function readPrunedWeights(outDir: string, runId: string): PrunedLayerWeights[] {
  return JSON.parse(readFileSync(join(runDir(outDir, runId), 'pruned-weights.json'), 'utf8')) as PrunedLayerWeights[];
}

export interface PredictionRow {
  date: string;
  actual: number;
  original: number;
  compact: number;
}

export function readPredictions(outDir: string, runId: string): PredictionRow[] {
  const [header, ...lines] = readFileSync(join(runDir(outDir, runId), 'predictions.csv'), 'utf8').trim().split('\n');
  const cols = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    const row = Object.fromEntries(cols.map((c, i) => [c, i === 0 ? cells[i] : Number(cells[i])]));
    return row as unknown as PredictionRow;
  });
}

export type { LayerCount, RunParams };
