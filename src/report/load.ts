// Reads an experiment's output directory for reporting: only stored files, never live workers,
// and every record and the manifest through their schemas (results/record.ts, manifest.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { readPredictions as readPredictionsIn, readPrunedWeights as readPrunedWeightsIn, type PredictionRow, type PrunedLayerWeights } from '../results/artifacts.ts';
import { MANIFEST_FILE, readManifest, type Manifest } from '../results/manifest.ts';
import type { FailedRecord, OkRecord } from '../results/record.ts';
import { readResults, runDir } from '../results/store.ts';

export type ModelName = 'original' | 'compact';
export const MODELS: readonly ModelName[] = ['original', 'compact'];

export interface ExperimentResults {
  outDir: string;
  manifest: Manifest;
  /** spec.resolved.yaml, when present. */
  resolvedSpec?: string;
  ok: OkRecord[];
  failed: FailedRecord[];
}

export function loadResults(outDir: string): ExperimentResults {
  if (!existsSync(join(outDir, MANIFEST_FILE))) {
    throw new RunexpError(ErrorCode.USAGE, `${outDir} is not a runexp output directory (no manifest.json)`, 'pass the folder a run wrote, e.g. runs/paper');
  }
  const manifest = readManifest(outDir);
  // Only the runs of the grid the manifest describes (older specs may have left other runs).
  const inGrid = manifest.grid?.runIds ? new Set(manifest.grid.runIds) : undefined;
  const records = [...readResults(outDir).values()].filter((r) => !inGrid || inGrid.has(r.runId));
  const specFile = join(outDir, 'spec.resolved.yaml');
  return {
    outDir,
    manifest,
    resolvedSpec: existsSync(specFile) ? readFileSync(specFile, 'utf8') : undefined,
    ok: records.filter((r): r is OkRecord => r.status === 'ok'),
    failed: records.filter((r): r is FailedRecord => r.status === 'failed'),
  };
}

export const readPrunedWeights = (outDir: string, runId: string): PrunedLayerWeights[] => readPrunedWeightsIn(runDir(outDir, runId));
export const readPredictions = (outDir: string, runId: string): PredictionRow[] => readPredictionsIn(runDir(outDir, runId));

export type { OkRecord, PredictionRow, PrunedLayerWeights };
