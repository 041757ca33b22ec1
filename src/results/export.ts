// `runexp export`: an output folder's runs as flat rows for a spreadsheet, pandas or R: one row per
// run, every parameter the grid varies as its own column, the headline numbers of the original,
// the compact model and the baselines, efficiency, timings, status and error. CSV through
// csv-stringify (the csv-parse project's writer: quoting, embedded newlines and commas handled).
import { stringify } from 'csv-stringify/sync';
import type { RunRecord } from './record.ts';

/** One run as a flat row of `runexp export` (parameters, scores, baselines, timings, status). */
export type ExportRow = Record<string, string | number | boolean | null>;

/** `{prune: {sparsity: 0.5}}` → `{'prune.sparsity': 0.5}`; objects inside options stay JSON. */
function flattenParams(params: Record<string, unknown>): ExportRow {
  const row: ExportRow = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) if (v !== undefined) row[`${key}.${k}`] = cell(v);
    } else row[key] = cell(value);
  }
  return row;
}

const cell = (v: unknown): string | number | boolean | null =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
/** A number for a CSV cell, or null (NaN and ±Infinity have no portable spelling). */
export const finite = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function numbers(record: RunRecord): ExportRow {
  if (record.status !== 'ok') return {};
  const scores = (
    prefix: string,
    s: { mse: number; rmse: number; mae: number; r2: number; skill?: number; mase?: number; directionalAccuracy?: number | null },
  ) => ({
    [`${prefix}_mse`]: finite(s.mse),
    [`${prefix}_rmse`]: finite(s.rmse),
    [`${prefix}_mae`]: finite(s.mae),
    [`${prefix}_r2`]: finite(s.r2),
    ...(s.skill === undefined
      ? {}
      : {
          [`${prefix}_skill`]: finite(s.skill),
          [`${prefix}_mase`]: finite(s.mase),
          [`${prefix}_direction`]: finite(s.directionalAccuracy),
        }),
  });
  const kept = record.pruning.layers.reduce((a, l) => a + l.kept, 0);
  const total = record.pruning.layers.reduce((a, l) => a + l.total, 0);
  return {
    ...scores('original', record.forecast.original),
    ...scores('compact', record.forecast.compact),
    ...scores('persistence', record.baselines.persistence),
    ...scores('drift', record.baselines.drift),
    ...scores('linear', record.baselines.linear),
    pruned_weights: total - kept,
    targeted_weights: total,
    sparsity: total ? (total - kept) / total : null,
    original_nonzero: record.original.nonzeroParams,
    compact_nonzero: record.compact.nonzeroParams,
    compact_architecture: record.compact.architecture ?? null,
    // ≤ 1e-6: the compact model is dead (one output for every test window); empty before issue 25.
    compact_output_spread: finite(record.compactOutputSpread),
    untouched_weights_changed: record.untouchedWeightsChanged,
    mac_ratio: finite(record.efficiency?.theoreticalSpeedup),
    measured_speedup: finite(record.efficiency?.measuredSpeedup),
    original_inference_ms: finite(record.original.inference.medianMs),
    compact_inference_ms: finite(record.compact.inference.medianMs),
    original_gzip_bytes: record.original.size.gzipBytes,
    compact_gzip_bytes: record.compact.size.gzipBytes,
    training_ms: record.training.timeMs,
    training_epochs: record.training.epochs,
    training_redraws: record.training.redraws,
  };
}

/** One flat row per record; `varying` lists the parameter columns whose value differs between rows. */
export function exportRows(
  records: readonly RunRecord[],
  more: (record: RunRecord) => ExportRow = () => ({}),
): { rows: ExportRow[]; columns: string[] } {
  const params = records.map((r) => (r.params ? flattenParams(r.params as Record<string, unknown>) : {}));
  // A column for every parameter that differs between runs (and the ones every run has, so a
  // one-configuration export still says what it is: ticker, days, pruner, seed, ...).
  const keys = [...new Set(params.flatMap(Object.keys))];
  const varies = (k: string) => new Set(params.map((p) => JSON.stringify(p[k] ?? null))).size > 1;
  const always = ['ticker', 'days', 'testEnd', 'fold', 'architecture', 'pruner', 'seed'];
  const paramColumns = keys.filter((k) => always.includes(k) || varies(k));
  const rows = records.map((record, i) => {
    const data = record.data as { test?: { start?: string; end?: string; days?: number } } | undefined;
    const error = record.status === 'failed' ? record.error : undefined;
    return {
      run_id: record.runId,
      status: record.status,
      ...Object.fromEntries(paramColumns.map((k) => [k, params[i][k] ?? null])),
      test_start: data?.test?.start ?? null,
      test_end: data?.test?.end ?? null,
      test_days: data?.test?.days ?? null,
      ...numbers(record),
      duration_ms: finite(record.durationMs),
      backend: record.backend ?? null,
      error_code: error?.code ?? null,
      error_stage: error?.stage ?? null,
      error_plugin: error?.plugin ?? null,
      error_message: error?.message ?? null,
      ...more(record),
    } as ExportRow;
  });
  const columns = [...new Set(rows.flatMap(Object.keys))];
  return { rows: rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))), columns };
}

/** `more`: further columns of a run (its trading results, read from its predictions). */
export function exportText(records: readonly RunRecord[], format: 'csv' | 'json', more?: (record: RunRecord) => ExportRow): string {
  const { rows, columns } = exportRows(records, more);
  if (format === 'json') return `${JSON.stringify(rows, null, 1)}\n`;
  return stringify(rows, { header: true, columns, cast: { boolean: (b) => String(b) } });
}
