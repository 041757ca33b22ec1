// The end-of-run summary in the layout of the paper's Table 1 (model, MSE, RMSE, MAE, R²).
import type { StoredRecord } from './store.ts';

interface Scores {
  mse: number;
  rmse: number;
  mae: number;
  r2: number;
  nonzeroParams: number;
  totalParams: number;
}

const fmt = (v: number, digits = 6) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

function label(rec: StoredRecord): string {
  const p = rec.params as Record<string, unknown>;
  const axes = Object.entries(p.prune as Record<string, unknown>).map(([k, v]) => `${k}=${v}`);
  return `${p.ticker} ${p.days}d ${p.architecture} seed=${p.seed} ${p.pruner}${axes.length ? ` ${axes.join(' ')}` : ''}`;
}

function pruningNotes(rec: StoredRecord): string[] {
  const pruning = rec.pruning as { layers: { layer: string; total: number; kept: number; threshold: number | null }[] };
  const notes = pruning.layers.map(
    (l) => `  pruned ${l.layer}: ${l.total.toLocaleString('en-US')} weights → ${l.kept.toLocaleString('en-US')} non-zero${l.threshold === null ? '' : ` (|w| > ${l.threshold.toPrecision(4)})`}`,
  );
  const changed = rec.untouchedWeightsChanged as number | null;
  if (changed !== null) notes.push(`  other layers and all biases: ${changed === 0 ? 'unchanged' : `${changed} values changed`}`);
  const diff = (rec.compactVsPruned as { maxAbsDifference: number }).maxAbsDifference;
  notes.push(`  compact vs pruned original outputs: ${diff === 0 ? 'identical' : `max |difference| ${diff.toExponential(2)}`}`);
  return notes;
}

export function table1(records: StoredRecord[], limit = 12): string {
  const ok = records.filter((r) => r.status === 'ok');
  if (ok.length === 0) return 'no successful runs';
  const lines: string[] = [];
  const header = ['Model', 'MSE', 'RMSE', 'MAE', 'R2', 'non-zero'];
  for (const rec of ok.slice(0, limit)) {
    lines.push(`\n${label(rec)}  (test ${(rec.data as { test: { start: string; end: string } }).test.start} .. ${(rec.data as { test: { end: string } }).test.end})`);
    const rows = (['original', 'compact'] as const).map((m) => {
      const s = rec[m] as Scores;
      return [m === 'original' ? 'Original' : 'Compact', fmt(s.mse), fmt(s.rmse), fmt(s.mae), fmt(s.r2), `${s.nonzeroParams}/${s.totalParams}`];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    lines.push(line(header), ...rows.map(line));
    lines.push(...pruningNotes(rec));
  }
  if (ok.length > limit) lines.push(`\n... and ${ok.length - limit} more runs in results.jsonl`);
  return lines.join('\n').trimStart();
}
