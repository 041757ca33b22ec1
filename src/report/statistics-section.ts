// The report's "Effect sizes and tests" section: a forest plot of MSE ratios with their
// intervals, one table of every comparison with raw and adjusted p-values and a verdict that uses
// the Holm-adjusted test, and the Model Confidence Set of each configuration.
import type { TopLevelSpec } from 'vega-lite';
import type { McsResult } from '../evaluation/mcs.ts';
import type { PredictionRow } from '../results/artifacts.ts';
import type { OkRecord } from '../results/record.ts';
import type { Chart } from './charts/chart.ts';
import { configurationMcs, errorsFrom, pooledComparisons, reportComparisons, type PooledComparison, type ReportComparison } from './comparisons.ts';
import { esc, num, table } from './html.ts';
import { byConfiguration } from './summary.ts';
import { ALPHA, formatP } from './verdict.ts';
import { configKey, labeller } from '../plan/labels.ts';

const ratioText = (ratio: number, lo: number, hi: number) => `${num(ratio, 3)} <small>[${num(lo, 3)}, ${num(hi, 3)}]</small>`;

/** "worse" / "better" / "no significant difference", from the Holm-adjusted p. */
export function adjustedVerdict(c: ReportComparison): string {
  if (Number.isNaN(c.holm)) return 'not testable';
  return c.holm < ALPHA ? (c.effect.ratio > 1 ? 'worse' : 'better') : 'no significant difference';
}

function forestChart(comparisons: readonly ReportComparison[], label: (run: OkRecord) => string): Chart {
  const rows = comparisons.map((c) => ({
    config: label(c.config[0]),
    comparison: `${c.first} / ${c.second}`,
    ratio: c.effect.ratio,
    lo: c.effect.lo,
    hi: c.effect.hi,
    bootLo: c.bootstrap?.lo ?? c.effect.lo,
    bootHi: c.bootstrap?.hi ?? c.effect.hi,
    holm: formatP(c.holm),
  }));
  const configs = [...new Set(rows.map((r) => r.config))];
  const y = { field: 'config', type: 'nominal', sort: configs, title: null, axis: { labelLimit: 420 } };
  const color = { field: 'comparison', type: 'nominal', title: null, scale: { range: ['#ff7f0e', '#1f77b4', '#d62728'] } };
  const encoding = { y, yOffset: { field: 'comparison', type: 'nominal' }, color };
  return {
    id: 'forest',
    title: 'Effect sizes: MSE ratios with 95% intervals',
    caption:
      'MSE of the first model over the second, geometric mean over seeds (log scale; 1 = equal, right of 1 = the first is worse). Thick bar: 95% t interval of the mean log ratio across seeds; thin bar: 95% bootstrap interval resampling test days (moving blocks) and seeds together.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 560,
      height: { step: 14 },
      data: { values: rows },
      layer: [
        { mark: { type: 'rule', color: '#999' }, data: { values: [{ one: 1 }] }, encoding: { x: { field: 'one', type: 'quantitative' } } },
        { mark: { type: 'rule', strokeWidth: 1 }, encoding: { ...encoding, x: { field: 'bootLo', type: 'quantitative', scale: { type: 'log' } }, x2: { field: 'bootHi' } } },
        { mark: { type: 'rule', strokeWidth: 3 }, encoding: { ...encoding, x: { field: 'lo', type: 'quantitative', scale: { type: 'log' } }, x2: { field: 'hi' } } },
        { mark: { type: 'point', filled: true, size: 50, tooltip: { content: 'data' } }, encoding: { ...encoding, x: { field: 'ratio', type: 'quantitative', title: 'MSE ratio (log scale)', scale: { type: 'log' } } } },
      ],
    } as unknown as TopLevelSpec,
  };
}

function comparisonTable(comparisons: readonly ReportComparison[], label: (run: OkRecord) => string): string {
  const rows = comparisons.map((c) => [
    esc(label(c.config[0])),
    `${c.first} / ${c.second}`,
    String(c.config.length),
    ratioText(c.effect.ratio, c.effect.lo, c.effect.hi),
    c.bootstrap ? ratioText(c.bootstrap.ratio, c.bootstrap.lo, c.bootstrap.hi) : '—',
    `${formatP(c.p)} <small>${esc(c.pHow)}</small>`,
    formatP(c.wilcoxonP),
    formatP(c.holm),
    formatP(c.bh),
    `<b>${adjustedVerdict(c)}</b>`,
  ]);
  return table(['configuration', 'MSE ratio', 'seeds', 'ratio [95% t CI]', 'ratio [95% bootstrap CI]', 'p', 'Wilcoxon p', 'Holm p', 'BH p', 'verdict (Holm)'], rows, { raw: true });
}

function mcsTable(entries: readonly { label: string; mcs: McsResult }[]): string {
  const rows = entries.flatMap(({ label, mcs }) =>
    mcs.models.map((m, i) => [i === 0 ? esc(label) : '', m.included ? `<b>${esc(m.name)}</b>` : esc(m.name), num(m.meanLoss), m.pValue === 0 ? `&lt; ${num(1 / mcs.replicates)}` : num(m.pValue, 3), m.included ? 'in' : 'out']),
  );
  const first = entries[0]?.mcs;
  return `<p>The Model Confidence Set (Hansen, Lunde &amp; Nason 2011) at ${first ? first.level * 100 : 10}%: the models that cannot be told apart from the best on these test days, by the range statistic with a moving-block bootstrap (${first?.replicates ?? 0} samples, blocks of ${first?.blockLength ?? 0} days). Losses are squared errors averaged over seeds.</p>${table(['configuration', 'model', 'mean loss', 'MCS p', 'in the set'], rows, { raw: true })}`;
}

function pooledTable(pooled: readonly PooledComparison[]): string {
  if (pooled.length === 0) return '';
  // Named by what varies besides seed, fold and test period.
  const labels = labeller(pooled.flatMap((c) => c.runs.map((r) => ({ ...r.params, testEnd: 'pooled', fold: undefined }))));
  const rows = pooled.map((c) => [
    esc(labels.config({ ...c.runs[0].params, testEnd: 'pooled', fold: undefined })),
    `${c.first} / ${c.second}`,
    String(c.folds),
    String(c.effect.n),
    ratioText(c.effect.ratio, c.effect.lo, c.effect.hi),
    c.bootstrap ? ratioText(c.bootstrap.ratio, c.bootstrap.lo, c.bootstrap.hi) : '—',
    formatP(c.effect.pValue),
  ]);
  return `<h3>Walk-forward, pooled over folds</h3><p>Each seed's errors over every fold's test days together (the per-fold results are in the table above, and the chart "against test period end" shows error per fold over time).</p>${table(['configuration', 'MSE ratio', 'folds', 'seeds', 'ratio [95% t CI]', 'ratio [95% bootstrap CI]', 'p (t on log MSE)'], rows, { raw: true })}`;
}

/**
 * The section, or '' when no configuration can be compared. `predictionsOf` reads a run's stored
 * predictions (undefined when they are missing: the bootstrap and MCS are then left out).
 */
export function statisticsSection(runs: readonly OkRecord[], label: (run: OkRecord) => string, predictionsOf: (run: OkRecord) => PredictionRow[] | undefined, figure: (chart: Chart) => string): string {
  if (runs.length === 0) return '';
  const cache = new Map<string, PredictionRow[] | undefined>();
  const rowsOf = (run: OkRecord) => (cache.has(run.runId) ? cache.get(run.runId) : cache.set(run.runId, predictionsOf(run)).get(run.runId));
  const errorsOf = (run: OkRecord) => {
    const rows = rowsOf(run);
    return rows ? errorsFrom(rows) : undefined;
  };
  const comparisons = reportComparisons(runs, errorsOf);
  const configs = byConfiguration(runs);
  // The random control of a configuration: the runs with the same everything but the pruner "random".
  const controlKey = (run: OkRecord) => configKey({ ...run.params, pruner: 'random' });
  const byKey = new Map(configs.map((c) => [configKey(c[0].params), c]));
  const mcs = configs.flatMap((config) => {
    const control = config[0].params.pruner === 'random' ? undefined : byKey.get(controlKey(config[0]));
    const result = configurationMcs(config, control, rowsOf);
    return result ? [{ label: label(config[0]), mcs: result }] : [];
  });
  const significant = comparisons.filter((c) => c.holm < ALPHA).length;
  return `<h2 id="statistics">Effect sizes and tests</h2>
<p>${comparisons.length} comparisons in this report (${configs.length} configurations × 3). With several seeds each is tested by a t-test on log MSE across seeds (MSEs across seeds are skewed; their log ratio is not), with the Wilcoxon signed-rank test beside it; with one seed, by Diebold–Mariano with a Newey–West variance (daily loss differentials are autocorrelated). p-values are adjusted over all ${comparisons.length} comparisons: Holm (family-wise error) and Benjamini–Hochberg (false discovery rate). Verdicts use Holm at ${ALPHA}: ${significant} of ${comparisons.length} comparisons are significant.</p>
${figure(forestChart(comparisons, label))}
${comparisonTable(comparisons, label)}
${mcs.length ? mcsTable(mcs) : ''}
${pooledTable(pooledComparisons(runs, errorsOf))}`;
}
