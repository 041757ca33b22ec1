// The end-of-run summary in the layout of the paper's Table 1 (model, MSE, RMSE, MAE, R²), with
// the baselines beside the models, skill against persistence, intervals over seeds and verdicts.
import { summarizeSeeds } from '../evaluation/seed-summary.ts';
import { prunedLabel } from '../plugin/prune-kernels.ts';
import { counted } from '../plugin/shorten.ts';
import { byConfiguration, labeller } from '../plan/labels.ts';
import type { OkRecord, RunRecord } from '../results/record.ts';
import { summarizeConfiguration, unexpectedChanges } from '../report/summary.ts';
import { sig } from '../report/html.ts';
import { comparisonsOf, formatP, judge, outcome, type ErrorsOf } from '../report/verdict.ts';

/**
 * "12.345" for one value, "12.345 [11.8, 12.9]" for several: errors by their geometric mean, scores
 * by their mean, with the 95% interval over seeds; significant digits, so an FX rate's MSE of
 * 0.0000123 is not "0.0000".
 */
function cell(values: number[], positive: boolean): string {
  const s = summarizeSeeds(values, positive);
  if (!Number.isFinite(s.mean)) return '—';
  return s.n > 1 ? `${sig(s.mean, 5)} [${sig(s.lo, 4)}, ${sig(s.hi, 4)}]` : sig(s.mean, 5);
}

function pruningNotes(rec: OkRecord): string[] {
  const notes = rec.pruning.layers.map(
    (l) =>
      `  pruned ${prunedLabel(l)}: ${l.total.toLocaleString('en-US')} weights → ${l.kept.toLocaleString('en-US')} non-zero${l.threshold === undefined ? '' : ` (${l.criterion ?? '|w|'} > ${l.threshold.toPrecision(4)})`}`,
  );
  if (rec.pruning.retrains === 'all') notes.push('  other layers and all biases: retrained by the pruner (it declares retrains: all)');
  else if (rec.untouchedWeightsChanged !== null)
    notes.push(
      `  other layers and all biases: ${rec.untouchedWeightsChanged === 0 ? 'unchanged' : `${rec.untouchedWeightsChanged} values changed${unexpectedChanges(rec) ? '' : ' (the pruner retrained them)'}`}`,
    );
  const diff = rec.compactVsPruned.maxAbsDifference;
  notes.push(`  compact vs pruned original outputs: ${diff === 0 ? 'identical' : `max |difference| ${diff.toExponential(2)}`}`);
  return notes;
}

const ROW_NAMES: Record<string, string> = { original: 'Original', compact: 'Compact' };

/** `errorsOf` reads a run's stored errors per test day, which every verdict is tested on. */
export function table1(records: RunRecord[], errorsOf: ErrorsOf, limit = 12): string {
  const ok = records.filter((r): r is OkRecord => r.status === 'ok');
  if (ok.length === 0) return 'no successful runs';
  const label = labeller(ok.map((r) => r.params)).config;
  const groups = byConfiguration(ok);
  const lines: string[] = [];
  const header = ['Model', 'MSE', 'RMSE', 'MAE', 'R2', 'skill'];
  const comparisons = judge(ok, errorsOf);
  for (const runs of groups.slice(0, limit)) {
    const first = runs[0];
    const summary = summarizeConfiguration(runs, comparisonsOf(comparisons, runs));
    const seeds =
      runs.length > 1 ? `, over ${runs.length} seeds: errors' geometric mean, R² and skill's mean [95% CI]` : `, seed ${first.params.seed}`;
    lines.push(`\n${label(first.params)}  (test ${first.data.test.start} .. ${first.data.test.end}${seeds})`);
    const table = summary.rows.map(({ kind, name, scores }) => [
      kind === 'model' ? ROW_NAMES[name] : `(${name})`,
      cell(
        scores.map((x) => x.mse),
        true,
      ),
      cell(
        scores.map((x) => x.rmse),
        true,
      ),
      cell(
        scores.map((x) => x.mae),
        true,
      ),
      cell(
        scores.map((x) => x.r2),
        false,
      ),
      cell(
        scores.map((x) => x.skill),
        false,
      ),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    lines.push(line(header), ...table.map(line));
    lines.push(...pruningNotes(first));
    lines.push(...summary.verdicts.map((c) => `  ${c.text}`));
  }
  // The rest in a line each, nothing cut: MSE of both models and the compact-vs-original verdict.
  if (groups.length > limit) {
    lines.push(`\n${groups.length - limit} more configurations (full tables in the report), MSE original → compact over their seeds:`);
    for (const runs of groups.slice(limit)) {
      const verdict = comparisonsOf(comparisons, runs).find((c) => c.key === 'compactVsOriginal');
      const mse = (m: 'original' | 'compact') =>
        cell(
          runs.map((r) => r[m].mse),
          true,
        );
      lines.push(
        `  ${label(runs[0].params)}: ${mse('original')} → ${mse('compact')}${verdict ? `; compact vs original ${outcome(verdict)}, p = ${formatP(verdict.test.pValue)}${verdict.familySize > 1 ? `, Holm p = ${formatP(verdict.holm)}` : ''}` : ''}`,
      );
    }
  }
  // Not cut with the tables: a pruner that changed what it should not is said for every configuration.
  const changed = groups.filter((g) => g.some((r) => unexpectedChanges(r) > 0));
  if (changed.length)
    lines.push(
      `\nWARNING: in ${counted(changed.length, 'configuration')} the pruner changed weights outside the kernels it pruned (other layers or biases), though it does not declare that it retrains them: ${changed.map((g) => label(g[0].params)).join('; ')}. runexp check-plugin shows which values.`,
    );
  return lines.join('\n').trimStart();
}
