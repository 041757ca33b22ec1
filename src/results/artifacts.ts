// The files stored per run and per cached training. Workers produce them in memory (relative
// path → bytes) and the main thread's store writes them, so a task could run anywhere. This
// module holds the formats too: the predictions CSV and the pruned-weights JSON, written here and
// read here by reports.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { MeasureResult, PrunedLayer } from '../plugin/api.ts';
import { sha256 } from '../plugin/hash.ts';
import { failpoint } from './failpoints.ts';

/** A folder's files in memory: POSIX path relative to the folder → content. */
export type ArtifactFiles = Record<string, Uint8Array>;

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** sha256 of each file, by relative path: a record lists these, so damage is detected later. */
export function checksums(files: ArtifactFiles): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([rel, bytes]) => [rel, sha256(bytes)]));
}

/** Folders being written carry this in their name until they are renamed into place. */
export const TMP_MARK = '.tmp-';

/** Writes the files into a temporary sibling folder, then renames it into place: complete or absent. */
export function writeFolderAtomic(dir: string, files: ArtifactFiles): void {
  const tmp = `${dir}${TMP_MARK}${process.pid}-${Math.random().toString(36).slice(2)}`;
  mkdirSync(tmp, { recursive: true });
  try {
    for (const [rel, bytes] of Object.entries(files)) {
      mkdirSync(dirname(join(tmp, rel)), { recursive: true });
      writeFileSync(join(tmp, rel), bytes);
    }
    failpoint('artifact-write');
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Every file under `dir`, by relative path. */
export function readFolder(dir: string): ArtifactFiles {
  const files: ArtifactFiles = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else files[rel] = readFileSync(join(dir, rel));
    }
  };
  walk('');
  return files;
}

/** What is wrong with a run folder — the first file missing or changed — or undefined when nothing is. */
export function folderProblem(dir: string, sums: Record<string, string>): string | undefined {
  for (const [rel, sum] of Object.entries(sums)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(dir, rel));
    } catch (err) {
      return `${rel} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
    }
    if (sha256(bytes) !== sum) return `${rel} does not match its recorded checksum`;
  }
  return undefined;
}

/** True when every listed file is present with its recorded checksum. */
export const folderMatches = (dir: string, sums: Record<string, string>): boolean => folderProblem(dir, sums) === undefined;

// ---------- formats ----------

export const PREDICTIONS_FILE = 'predictions.csv';
export const PRUNED_WEIGHTS_FILE = 'pruned-weights.json';

export function predictionsCsv(predictions: MeasureResult['predictions']): string {
  const names = Object.keys(predictions.byModel);
  const rows = predictions.dates.map((d, i) => [d, predictions.actual[i], ...names.map((n) => predictions.byModel[n][i])].join(','));
  return `${[['date', 'actual', ...names].join(','), ...rows].join('\n')}\n`;
}

export interface PredictionRow {
  date: string;
  actual: number;
  original: number;
  compact: number;
  [baseline: string]: string | number;
}

export function readPredictions(runFolder: string): PredictionRow[] {
  const [header, ...lines] = readFileSync(join(runFolder, PREDICTIONS_FILE), 'utf8').trim().split('\n');
  const cols = header.split(',');
  // A plain loop, not Object.fromEntries: a report reads hundreds of thousands of rows.
  return lines.map((line) => {
    const cells = line.split(',');
    const row: Record<string, string | number> = { [cols[0]]: cells[0] };
    for (let i = 1; i < cols.length; i++) row[cols[i]] = Number(cells[i]);
    return row as PredictionRow;
  });
}

export interface PrunedLayerWeights {
  layer: string;
  /** Absent for a layer's kernel. */
  weight?: string;
  criterion?: string;
  /** null when the pruner used no score threshold. */
  threshold: number | null;
  before: number[];
  after: number[];
}

export function prunedWeightsJson(layers: PrunedLayer[]): string {
  return JSON.stringify(
    layers.map((l) => ({
      layer: l.layer,
      ...(l.weight ? { weight: l.weight } : {}),
      criterion: l.criterion,
      threshold: l.threshold ?? null,
      total: l.total,
      kept: l.kept,
      before: Array.from(l.before),
      after: Array.from(l.after),
    })),
  );
}

export function readPrunedWeights(runFolder: string): PrunedLayerWeights[] {
  return (JSON.parse(readFileSync(join(runFolder, PRUNED_WEIGHTS_FILE), 'utf8')) as PrunedLayerWeights[]).map((l) => ({
    ...l,
    threshold: typeof l.threshold === 'number' && Number.isFinite(l.threshold) ? l.threshold : null,
  }));
}
