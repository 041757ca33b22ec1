// The end-of-run summary in the layout of the paper's Table 1 (model, MSE, RMSE, MAE, R²), with
// the baselines beside the models, skill against persistence, intervals over seeds and verdicts.
import { configLabel } from './labels.ts';
import { meanCi95 } from './stats.ts';
import type { StoredRecord } from './store.ts';
import { compareRuns } from './verdict.ts';

interface Scores {
  mse: number;
  rmse: number;
  mae: number;
  r2: number;
  skill?: number;
}

type OkRecord = StoredRecord & {
  params: { ticker: string; days: number; architecture: string; seed: number; pruner: string; prune: Record<string, unknown>; testEnd: string };
  data: { test: { start: string; end: string } };
  original: Scores & { nonzeroParams: number; totalParams: number };
  compact: Scores & { nonzeroParams: number; totalParams: number };
  forecast?: { original: Scores; compact: Scores };
  baselines?: Record<string, Scores>;
  pruning: { layers: { layer: string; total: number; kept: number; threshold: number | null }[] };
  untouchedWeightsChanged: number | null;
  compactVsPruned: { maxAbsDifference: number };
};

const label = (rec: OkRecord) => configLabel(rec.params);

/** "12.34" for one value, "12.34 ±0.56" (95% half-width) for several. */
function cell(values: number[], digits: number): string {
  const ci = meanCi95(values.filter((v) => v !== undefined));
  if (!Number.isFinite(ci.mean)) return '—';
  return ci.n > 1 ? `${ci.mean.toFixed(digits)} ±${((ci.hi - ci.lo) / 2).toFixed(digits)}` : ci.mean.toFixed(digits);
}

function pruningNotes(rec: OkRecord): string[] {
  const notes = rec.pruning.layers.map(
    (l) => `  pruned ${l.layer}: ${l.total.toLocaleString('en-US')} weights → ${l.kept.toLocaleString('en-US')} non-zero${l.threshold === null ? '' : ` (|w| > ${l.threshold.toPrecision(4)})`}`,
  );
  if (rec.untouchedWeightsChanged !== null) notes.push(`  other layers and all biases: ${rec.untouchedWeightsChanged === 0 ? 'unchanged' : `${rec.untouchedWeightsChanged} values changed`}`);
  const diff = rec.compactVsPruned.maxAbsDifference;
  notes.push(`  compact vs pruned original outputs: ${diff === 0 ? 'identical' : `max |difference| ${diff.toExponential(2)}`}`);
  return notes;
}

export function table1(records: StoredRecord[], limit = 12): string {
  const ok = records.filter((r) => r.status === 'ok') as OkRecord[];
  if (ok.length === 0) return 'no successful runs';
  const groups = new Map<string, OkRecord[]>();
  for (const rec of ok) {
    const key = `${label(rec)} ${rec.params.testEnd}`;
    groups.set(key, [...(groups.get(key) ?? []), rec]);
  }
  const lines: string[] = [];
  const header = ['Model', 'MSE', 'RMSE', 'MAE', 'R2', 'skill'];
  for (const runs of [...groups.values()].slice(0, limit)) {
    const first = runs[0];
    const seeds = runs.length > 1 ? `, mean ±95% CI over ${runs.length} seeds` : `, seed ${first.params.seed}`;
    lines.push(`\n${label(first)}  (test ${first.data.test.start} .. ${first.data.test.end}${seeds})`);
    const model = (name: 'original' | 'compact') => runs.map((r) => ({ ...r[name], skill: r.forecast?.[name].skill }));
    const rows: [string, Scores[]][] = [
      ['Original', model('original')],
      ['Compact', model('compact')],
      // Baselines do not depend on the seed: one value each.
      ...(first.baselines ? Object.keys(first.baselines).map((b): [string, Scores[]] => [`(${b})`, [first.baselines![b]]]) : []),
    ];
    const table = rows.map(([name, s]) => [
      name,
      cell(s.map((x) => x.mse), 4),
      cell(s.map((x) => x.rmse), 4),
      cell(s.map((x) => x.mae), 4),
      cell(s.map((x) => x.r2), 4),
      s[0].skill === undefined ? '—' : cell(s.map((x) => x.skill!), 3),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    lines.push(line(header), ...table.map(line));
    lines.push(...pruningNotes(first));
    lines.push(...compareRuns(runs as unknown as Parameters<typeof compareRuns>[0]).map((c) => `  ${c.text}`));
  }
  if (groups.size > limit) lines.push(`\n... and ${groups.size - limit} more configurations in results.jsonl and the report`);
  return lines.join('\n').trimStart();
}
