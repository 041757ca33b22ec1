// The end-of-run summary in the layout of the paper's Table 1 (model, MSE, RMSE, MAE, R²), with
// the baselines beside the models, skill against persistence, intervals over seeds and verdicts.
import { meanCi95 } from '../evaluation/stats.ts';
import { labeller } from '../plan/labels.ts';
import type { OkRecord, RunRecord } from '../results/record.ts';
import { byConfiguration, summarizeConfiguration } from '../report/summary.ts';
import { compareConfigurations } from '../report/verdict.ts';

/** "12.34" for one value, "12.34 ±0.56" (95% half-width) for several. */
function cell(values: number[], digits: number): string {
  const ci = meanCi95(values);
  if (!Number.isFinite(ci.mean)) return '—';
  return ci.n > 1 ? `${ci.mean.toFixed(digits)} ±${((ci.hi - ci.lo) / 2).toFixed(digits)}` : ci.mean.toFixed(digits);
}

function pruningNotes(rec: OkRecord): string[] {
  const notes = rec.pruning.layers.map(
    (l) =>
      `  pruned ${l.layer}: ${l.total.toLocaleString('en-US')} weights → ${l.kept.toLocaleString('en-US')} non-zero${l.threshold === undefined ? '' : ` (${l.criterion ?? '|w|'} > ${l.threshold.toPrecision(4)})`}`,
  );
  if (rec.untouchedWeightsChanged !== null) notes.push(`  other layers and all biases: ${rec.untouchedWeightsChanged === 0 ? 'unchanged' : `${rec.untouchedWeightsChanged} values changed${rec.pruning.trainings?.length ? ' (the pruner retrained them)' : ''}`}`);
  const diff = rec.compactVsPruned.maxAbsDifference;
  notes.push(`  compact vs pruned original outputs: ${diff === 0 ? 'identical' : `max |difference| ${diff.toExponential(2)}`}`);
  return notes;
}

const ROW_NAMES: Record<string, string> = { original: 'Original', compact: 'Compact' };

export function table1(records: RunRecord[], limit = 12): string {
  const ok = records.filter((r): r is OkRecord => r.status === 'ok');
  if (ok.length === 0) return 'no successful runs';
  const label = labeller(ok.map((r) => r.params)).config;
  const groups = byConfiguration(ok);
  const lines: string[] = [];
  const header = ['Model', 'MSE', 'RMSE', 'MAE', 'R2', 'skill'];
  const verdicts = compareConfigurations(groups);
  for (const [i, runs] of groups.slice(0, limit).entries()) {
    const first = runs[0];
    const summary = summarizeConfiguration(runs, verdicts[i]);
    const seeds = runs.length > 1 ? `, mean ±95% CI over ${runs.length} seeds` : `, seed ${first.params.seed}`;
    lines.push(`\n${label(first.params)}  (test ${first.data.test.start} .. ${first.data.test.end}${seeds})`);
    const table = summary.rows.map(({ kind, name, scores }) => [
      kind === 'model' ? ROW_NAMES[name] : `(${name})`,
      cell(scores.map((x) => x.mse), 4),
      cell(scores.map((x) => x.rmse), 4),
      cell(scores.map((x) => x.mae), 4),
      cell(scores.map((x) => x.r2), 4),
      cell(scores.map((x) => x.skill), 3),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    lines.push(line(header), ...table.map(line));
    lines.push(...pruningNotes(first));
    lines.push(...summary.verdicts.map((c) => `  ${c.text}`));
  }
  if (groups.length > limit) lines.push(`\n... and ${groups.length - limit} more configurations in results.jsonl and the report`);
  return lines.join('\n').trimStart();
}
