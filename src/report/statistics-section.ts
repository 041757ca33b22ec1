// The report's "Effect sizes and tests" section: a forest plot of MSE ratios with their
// intervals, one table of every comparison with raw and adjusted p-values and a verdict that uses
// the Holm-adjusted test, and the Model Confidence Set of each configuration.
import type { TopLevelSpec } from 'vega-lite';
import type { McsResult } from '../evaluation/mcs.ts';
import type { PredictionRow } from '../results/artifacts.ts';
import type { OkRecord } from '../results/record.ts';
import type { Chart } from './charts/chart.ts';
import { configurationMcs, pooledComparisons, type PooledComparison } from './comparisons.ts';
import { esc, num, table } from './html.ts';
import { counted } from '../plugin/shorten.ts';
import { ALPHA, FAMILIES, formatP, outcome, randomControlOf, type Comparison, type ErrorsOf } from './verdict.ts';
import { byConfiguration, configKey, labeller } from '../plan/labels.ts';

const ratioText = (ratio: number, lo: number, hi: number) =>
  Number.isFinite(lo)
    ? `${num(ratio, 3)} <small>[${num(lo, 3)}, ${num(hi, 3)}]</small>`
    : `${num(ratio, 3)} <small>(one seed: n/a)</small>`;

function forestChart(comparisons: readonly Comparison[], label: (run: OkRecord) => string): Chart {
  // The seeds-only interval is drawn only where it exists (two seeds or more).
  const rows = comparisons.map((c) => ({
    config: label(c.runs[0]),
    comparison: `${c.first} / ${c.second}`,
    ratio: c.test.ratio,
    lo: c.test.lo,
    hi: c.test.hi,
    seedsLo: Number.isFinite(c.acrossSeeds.lo) ? c.acrossSeeds.lo : c.test.ratio,
    seedsHi: Number.isFinite(c.acrossSeeds.hi) ? c.acrossSeeds.hi : c.test.ratio,
    p: formatP(c.test.pValue),
    holm: formatP(c.holm),
    family: `${c.family} (${c.familySize})`,
  }));
  const configs = [...new Set(rows.map((r) => r.config))];
  const y = { field: 'config', type: 'nominal', sort: configs, title: null, axis: { labelLimit: 420 } };
  const color = { field: 'comparison', type: 'nominal', title: null, scale: { range: ['#ff7f0e', '#1f77b4', '#d62728', '#2ca02c'] } };
  const encoding = { y, yOffset: { field: 'comparison', type: 'nominal' }, color };
  return {
    id: 'forest',
    title: 'Effect sizes: MSE ratios with 95% intervals',
    caption:
      'MSE of the first model over the second, geometric mean over seeds (log scale; 1 = equal, right of 1 = the first is worse). Thick bar: the 95% interval of the verdict test, which counts both seeds and test days as random (with one seed: test days only, for that trained model). Thin bar, where there are several seeds: the t interval across seeds alone, which holds the test days fixed and is narrower than it should be when the seeds share their errors.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 560,
      height: { step: 14 },
      data: { values: rows },
      layer: [
        { mark: { type: 'rule', color: '#999' }, data: { values: [{ one: 1 }] }, encoding: { x: { field: 'one', type: 'quantitative' } } },
        {
          mark: { type: 'rule', strokeWidth: 1 },
          encoding: { ...encoding, x: { field: 'seedsLo', type: 'quantitative', scale: { type: 'log' } }, x2: { field: 'seedsHi' } },
        },
        {
          mark: { type: 'rule', strokeWidth: 3 },
          encoding: { ...encoding, x: { field: 'lo', type: 'quantitative', scale: { type: 'log' } }, x2: { field: 'hi' } },
        },
        {
          mark: { type: 'point', filled: true, size: 50, tooltip: { content: 'data' } },
          encoding: { ...encoding, x: { field: 'ratio', type: 'quantitative', title: 'MSE ratio (log scale)', scale: { type: 'log' } } },
        },
      ],
    } as unknown as TopLevelSpec,
  };
}

function comparisonTable(comparisons: readonly Comparison[], label: (run: OkRecord) => string): string {
  const rows = comparisons.map((c) => [
    esc(label(c.runs[0])),
    `${c.first} / ${c.second}`,
    `${c.test.seeds} × ${c.test.days}`,
    ratioText(c.test.ratio, c.test.lo, c.test.hi),
    formatP(c.test.pValue),
    `${formatP(c.holm)} <small>${esc(c.family)} (${c.familySize})</small>`,
    formatP(c.bh),
    `<b>${outcome(c)}</b>`,
    c.test.seeds > 1 ? `${formatP(c.acrossSeeds.pValue)} <small>[${num(c.acrossSeeds.lo, 3)}, ${num(c.acrossSeeds.hi, 3)}]</small>` : 'n/a',
    formatP(c.wilcoxonP),
  ]);
  return table(
    [
      'configuration',
      'MSE ratio',
      'seeds × days',
      'ratio [95% CI]',
      'p',
      'Holm p (family, tests)',
      'BH p',
      'verdict (Holm)',
      'across seeds only, test days fixed: t p [CI]',
      'Wilcoxon p',
    ],
    rows,
    { raw: true },
  );
}

function mcsTable(entries: readonly { label: string; mcs: McsResult }[]): string {
  const rows = entries.flatMap(({ label, mcs }) =>
    mcs.models.map((m, i) => [
      i === 0 ? esc(label) : '',
      m.included ? `<b>${esc(m.name)}</b>` : esc(m.name),
      num(m.meanLoss),
      m.pValue === 0 ? `&lt; ${num(1 / mcs.replicates)}` : num(m.pValue, 3),
      m.included ? 'in' : 'out',
    ]),
  );
  const first = entries[0]?.mcs;
  return `<p>The Model Confidence Set (Hansen, Lunde &amp; Nason 2011) at ${first ? first.level * 100 : 10}%: the models that cannot be told apart from the best on these test days, by the range statistic with a moving-block bootstrap (${first?.replicates ?? 0} samples, blocks of ${first?.blockLength ?? 0} days). Losses are squared errors averaged over seeds.</p>${table(['configuration', 'model', 'mean loss', 'MCS p', 'in the set'], rows, { raw: true })}`;
}

/** "compact vs original: 8 tests, vs persistence: 9 tests". */
function familySizes(pooled: readonly PooledComparison[]): string {
  const sizes = new Map(pooled.map((c) => [c.family, c.familySize]));
  return [...sizes].map(([family, size]) => `${family}: ${counted(size, 'test')}`).join(', ');
}

function pooledTable(pooled: readonly PooledComparison[]): string {
  if (pooled.length === 0) return '';
  // Named by what varies besides seed, fold and test period.
  const labels = labeller(pooled.flatMap((c) => c.runs.map((r) => ({ ...r.params, testEnd: 'pooled', fold: undefined }))));
  const rows = pooled.map((c) => [
    esc(labels.config({ ...c.runs[0].params, testEnd: 'pooled', fold: undefined })),
    `${c.first} / ${c.second}`,
    String(c.folds),
    `${c.test.seeds} × ${c.test.days}`,
    ratioText(c.test.ratio, c.test.lo, c.test.hi),
    formatP(c.test.pValue),
    formatP(c.holm),
    c.test.seeds > 1 ? formatP(c.acrossSeeds.pValue) : 'n/a',
  ]);
  return `<h3>Walk-forward, pooled over folds</h3><p>Each seed's errors over every fold's test days together, tested as every comparison (seeds and days). Holm within each question's family, as for the per-fold verdicts, each distinct test once (the original that configurations share is one test against persistence, not one per configuration): ${familySizes(pooled)}. The per-fold results are in the table above, and the chart "against test period end" shows error per fold over time.</p>${table(['configuration', 'MSE ratio', 'folds', 'seeds × days', 'ratio [95% CI]', 'p', 'Holm p', 'across seeds only, test days fixed: t p'], rows, { raw: true })}`;
}

/**
 * The section, or '' when no configuration can be compared. `comparisons` are the report's
 * verdicts (judge()); `predictionsOf` reads a run's stored predictions (undefined when missing:
 * the MCS is then left out).
 */
export function statisticsSection(
  runs: readonly OkRecord[],
  comparisons: readonly Comparison[],
  label: (run: OkRecord) => string,
  predictionsOf: (run: OkRecord) => PredictionRow[] | undefined,
  errorsOf: ErrorsOf,
  figure: (chart: Chart) => string,
): string {
  if (runs.length === 0) return '';
  const configs = byConfiguration(runs);
  const byKey = new Map(configs.map((c) => [configKey(c[0].params), c]));
  const mcs = configs.flatMap((config) => {
    const result = configurationMcs(config, randomControlOf(config, byKey), predictionsOf);
    return result ? [{ label: label(config[0]), mcs: result }] : [];
  });
  const families = FAMILIES.map((family) => ({
    family,
    tests: comparisons.find((c) => c.family === family)?.familySize ?? 0,
    significant: new Set(comparisons.filter((c) => c.family === family && c.holm < ALPHA).map((c) => c.id)).size,
  })).filter((f) => f.tests > 0);
  const familyText = families.map((f) => `<b>${esc(f.family)}</b>: ${f.tests} distinct tests, ${f.significant} significant`).join('; ');
  return `<h2 id="statistics">Effect sizes and tests</h2>
<p>${comparisons.length} comparisons in ${configs.length} configurations. Each is tested by the <b>seeds-and-days test</b> of the log MSE ratio: its variance adds the spread across seeds to what the shared, autocorrelated test days contribute (a prewhitened Newey–West long-run variance), with Welch–Satterthwaite degrees of freedom, so a verdict holds for a new seed <i>and</i> a new test period (with one seed, for that trained model only). p-values are adjusted within one family per question, each distinct test counted once (the dense original is shared by every pruning of its training, so "original vs persistence" enters its family once): ${familyText}. Verdicts use Holm at ${ALPHA}; Benjamini–Hochberg (false discovery rate) is beside it. The t-test of log MSE across seeds and the Wilcoxon signed-rank test are shown for reference: both hold the test days fixed. Every comparison is in <code>comparisons.json</code> next to this page.</p>
${figure(forestChart(comparisons, label))}
${comparisonTable(comparisons, label)}
${mcs.length ? mcsTable(mcs) : ''}
${pooledTable(pooledComparisons(runs, errorsOf))}`;
}
