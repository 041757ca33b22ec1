// The report's "Pruning methods" section: the table of every method at every sparsity and the
// charts that compare them, drawn when a grid compares methods or sparsities.
import type { Chart } from './charts/chart.ts';
import { accuracyVsSparsityChart, paretoChart } from './charts/methods.ts';
import { distinct } from './aggregate.ts';
import { esc, num, table } from './html.ts';
import type { OkRecord } from './load.ts';
import { byMethodThenSparsity, methodRows } from './methods.ts';
import { ALPHA, formatP, type Comparison } from './verdict.ts';

const ci = (i: { mean: number; lo: number; hi: number; n: number }, digits = 4) =>
  i.n > 1 ? `${num(i.mean, digits)} <small>[${num(i.lo, digits)}, ${num(i.hi, digits)}]</small>` : num(i.mean, digits);
/** The verdict test's p, and Holm's within its family in brackets; * when the adjusted one is below ALPHA. */
const p = (c: Comparison | undefined) =>
  !c || Number.isNaN(c.test.pValue) ? '—' : `${formatP(c.test.pValue)} <small>(${formatP(c.holm)})</small>${c.holm < ALPHA ? ' *' : ''}`;

export function methodsSection(runs: readonly OkRecord[], comparisons: readonly Comparison[], figure: (chart: Chart) => string): string {
  const rows = methodRows(runs, comparisons);
  if (distinct(rows.map((r) => r.method)).length < 2 && distinct(rows.map((r) => r.sparsity)).length < 2) return '';
  // A method at one sparsity in several configurations (two data sizes, say): a column says which.
  const configured = rows.some((r) => r.configuration);
  const body = table(
    [
      'method',
      ...(configured ? ['configuration', 'MSE (its original)'] : []),
      'sparsity',
      'seeds',
      'MSE (compact)',
      'p vs original (Holm)',
      'p vs persistence (Holm)',
      'p vs random control (Holm)',
      'skill',
      'non-zero',
      'compact architecture',
      'latency (ms)',
      'speedup measured / MACs',
    ],
    [...rows]
      .sort(byMethodThenSparsity)
      .map((r) => [
        esc(r.method),
        ...(configured ? [esc(r.configuration), ci(r.originalMse)] : []),
        `${num(r.sparsity * 100, 3)}%`,
        r.dead ? `${r.runs} <small>(${r.dead} dead)</small>` : String(r.runs),
        ci(r.compactMse),
        p(r.vsOriginal),
        p(r.vsPersistence),
        p(r.vsControl),
        ci(r.compactSkill, 3),
        Math.round(r.nonzero).toLocaleString('en-US'),
        r.architecture === r.originalArchitecture ? 'same as original' : `<b>${esc(r.architecture)}</b>`,
        r.latencyMs ? num(r.latencyMs.mean, 3) : '—',
        r.measuredSpeedup && r.theoreticalSpeedup ? `${num(r.measuredSpeedup.mean, 3)}× / ${num(r.theoreticalSpeedup, 3)}×` : '—',
      ]),
    { raw: true },
  );
  const dense = rows[0];
  // Configurations may differ in data, and so in persistence's MSE: one number only when they share it.
  const persistences = distinct(rows.map((r) => num(r.persistenceMse, 4)));
  const persistence = persistences.length === 1 ? esc(persistences[0]) : `per configuration: ${esc(persistences.join(', '))}`;
  return `<h2 id="methods">Pruning methods</h2><p>Every method at every sparsity over its seeds: MSE as the geometric mean with the 95% t interval of the mean log (it cannot go below zero), skill as the mean with its t interval. p-values are the verdict tests (seeds and test days) of the compact model's test MSE against the dense original's (${configured ? "each configuration's own, in its column" : `geometric mean ${esc(num(dense.originalMse.mean, 4))}`}), persistence's (${persistence}) and the method's random control at the same sparsity, with Holm's adjustment within each question's family in brackets; * adjusted p &lt; ${ALPHA}. "original" is the dense model each method started from. A seed marked dead ended with a compact model that answers every test window alike (pruning or the retraining after it killed it): it is scored like the others, not left out. The speedup is measured on one batch of windows against the MAC ratio; unstructured pruning keeps the architecture, so its MAC ratio is 1.</p>${body}${figure(accuracyVsSparsityChart(rows))}${figure(paretoChart(rows, 'nonzero'))}${figure(paretoChart(rows, 'latency'))}`;
}
