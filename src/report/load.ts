// Reads an experiment's output directory for reporting: only stored files, never live workers,
// and every record and the manifest through their schemas (results/record.ts, manifest.ts).
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import {
  folderProblem,
  readPredictions as readPredictionsIn,
  readPrunedWeights as readPrunedWeightsIn,
  type PredictionRow,
  type PrunedLayerWeights,
} from '../results/artifacts.ts';
import { MANIFEST_FILE, MANIFEST_SCHEMA_VERSION, readManifest, type Manifest } from '../results/manifest.ts';
import { nonFiniteScores, type FailedRecord, type OkRecord, type RunRecord } from '../results/record.ts';
import { readResults, RESULTS_FILE, runDir } from '../results/store.ts';
import { errorsFrom, type ErrorsOf } from './verdict.ts';

/** Left-out runs named one by one; the rest are counted. */
const LEFT_OUT_SHOWN = 5;
export type ModelName = 'original' | 'compact';
export const MODELS: readonly ModelName[] = ['original', 'compact'];

export interface ExperimentResults {
  outDir: string;
  manifest: Manifest;
  /** spec.resolved.yaml, when present. */
  resolvedSpec?: string;
  ok: OkRecord[];
  failed: FailedRecord[];
  /** What was damaged and left out (a run folder, the manifest), one sentence each naming the file. */
  problems: string[];
}

/**
 * The stored results of an output directory. A damaged part does not sink the report: a run whose
 * folder is missing a file or fails its checksum is left out, and a damaged manifest is rebuilt
 * from the records; each is named in `problems`.
 */
export function loadResults(outDir: string): ExperimentResults {
  const problems: string[] = [];
  const manifestFile = join(outDir, MANIFEST_FILE);
  if (!existsSync(manifestFile) && !existsSync(join(outDir, RESULTS_FILE))) {
    throw new RunexpError(
      ErrorCode.USAGE,
      `${outDir} is not a runexp output directory (no manifest.json)`,
      'pass the folder a run wrote, e.g. runs/paper',
    );
  }
  const all = [...readResults(outDir).values()];
  const specFile = join(outDir, 'spec.resolved.yaml');
  const resolvedSpec = existsSync(specFile) ? readFileSync(specFile, 'utf8') : undefined;
  let manifest: Manifest;
  try {
    manifest = readManifest(outDir);
  } catch (err) {
    problems.push(
      `${manifestFile} is damaged (${(err as Error).message.replace(`${manifestFile} is damaged: `, '')}); its provenance is shown as unknown`,
    );
    manifest = recoveredManifest(outDir, all, resolvedSpec);
  }
  // Only the runs of the grid the manifest describes (older specs may have left other runs).
  const inGrid = manifest.grid?.runIds ? new Set(manifest.grid.runIds) : undefined;
  const records = all.filter((r) => !inGrid || inGrid.has(r.runId));
  const ok: OkRecord[] = [];
  const leftOut: string[] = [];
  for (const record of records.filter((r): r is OkRecord => r.status === 'ok')) {
    const problem = damage(outDir, record);
    if (problem) leftOut.push(`run ${record.runId} left out: ${problem}; run the experiment again to redo it`);
    else ok.push(record);
  }
  // A folder that lost many run folders would otherwise print a screenful of the same line.
  problems.push(...leftOut.slice(0, LEFT_OUT_SHOWN));
  if (leftOut.length > LEFT_OUT_SHOWN)
    problems.push(
      `${leftOut.length - LEFT_OUT_SHOWN} more runs left out the same way (${leftOut.length} in all); run the experiment again to redo them`,
    );
  return { outDir, manifest, resolvedSpec, ok, failed: records.filter((r): r is FailedRecord => r.status === 'failed'), problems };
}

/** What makes a stored ok run unfit to report, if anything: scores that are not numbers, or a damaged folder. */
function damage(outDir: string, record: OkRecord): string | undefined {
  const bad = nonFiniteScores(record);
  if (bad.length) return `its line in results.jsonl holds scores that are not numbers (${bad.join(', ')})`;
  const folder = runDir(outDir, record.runId);
  const problem = folderProblem(folder, record.files.sha256);
  return problem && join(folder, problem);
}

/** A manifest rebuilt from what else the folder holds, for a report whose manifest.json is damaged. */
function recoveredManifest(outDir: string, records: RunRecord[], resolvedSpec: string | undefined): Manifest {
  let name: unknown;
  try {
    name = (parse(resolvedSpec ?? '') as { name?: unknown } | null)?.name;
  } catch {
    name = undefined;
  }
  const times = records
    .map((r) => r.finishedAt ?? '')
    .filter(Boolean)
    .sort();
  const datasets = new Map(records.flatMap((r) => (r.status === 'ok' ? [[r.data.checksum, r.data] as const] : [])));
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    experiment: typeof name === 'string' ? name : basename(outDir),
    spec: 'unknown (manifest.json is damaged)',
    runexp: 'unknown',
    gitCommit: 'unknown',
    node: 'unknown',
    cpu: { model: 'unknown', cores: 0 },
    packages: {},
    backends: [...new Set(records.flatMap((r) => (r.backend ? [r.backend] : [])))],
    startedAt: times[0] ?? new Date(0).toISOString(),
    endedAt: times.at(-1) ?? null,
    status: records.some((r) => r.status === 'failed') ? 'some-runs-failed' : 'ok',
    data: [...datasets.values()].map((d) => ({
      ticker: d.ticker,
      source: d.source,
      checksum: d.checksum,
      first: d.train.start,
      last: d.test.end,
      rows: 0,
    })),
  };
}

export const readPrunedWeights = (outDir: string, runId: string): PrunedLayerWeights[] => readPrunedWeightsIn(runDir(outDir, runId));
export const readPredictions = (outDir: string, runId: string): PredictionRow[] => readPredictionsIn(runDir(outDir, runId));

export type { OkRecord, PredictionRow, PrunedLayerWeights };

/** A run's stored predictions, or undefined when its folder lacks them (loadResults names the damage). */
export function storedPredictions(outDir: string, runId: string): PredictionRow[] | undefined {
  try {
    return readPredictions(outDir, runId);
  } catch {
    return undefined;
  }
}

/** Errors per test day from the runs' stored predictions in an output folder (what every verdict is tested on). */
export function storedErrors(outDir: string): ErrorsOf {
  return (run) => {
    const rows = storedPredictions(outDir, run.runId);
    return rows && errorsFrom(rows);
  };
}
