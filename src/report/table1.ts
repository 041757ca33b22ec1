// Table 1 of a report: the paper's table for every configuration, seeds summarised (errors by
// their geometric mean, scores by their mean, each with its 95% interval and n), with baselines,
// the paper's own rows and verdicts; every configuration in one table; every run's values; and
// each configuration's headline for reports/index.html.
import type { ForecastScores } from '../evaluation/forecast-metrics.ts';
import { summarizeSeeds } from '../evaluation/seed-summary.ts';
import { counted } from '../plugin/shorten.ts';
import { esc, num, sig, table } from './html.ts';
import { MODELS, type OkRecord } from './load.ts';
import type { Names } from './names.ts';
import { PAPER_TABLE1 } from './paper-reference.ts';
import { summarizeConfiguration, unexpectedChanges } from './summary.ts';
import { ALPHA, formatP, type Comparison } from './verdict.ts';

/** One configuration's headline numbers over its seeds: MSE's geometric mean, R²'s mean (for reports/index.html). */
export interface ConfigurationHeadline {
  label: string;
  seeds: number;
  original: { mse: number; r2: number };
  compact: { mse: number; r2: number };
}

export function headlineOf(config: OkRecord[], label: string): ConfigurationHeadline {
  const of = (m: 'original' | 'compact') => ({
    mse: summarizeSeeds(
      config.map((r) => r[m].mse),
      true,
    ).mean,
    r2: summarizeSeeds(
      config.map((r) => r[m].r2),
      false,
    ).mean,
  });
  return { label, seeds: config.length, original: of('original'), compact: of('compact') };
}

/**
 * Table 1 for every configuration, seeds summarised: the headline's open, the others one click
 * away (a grid of 15 configurations would otherwise be 15 screens of tables).
 */
export function table1PerConfiguration(configs: OkRecord[][], verdicts: Comparison[][], names: Names, headline: OkRecord): string {
  if (configs.length === 1) return table1(configs[0], verdicts[0], names);
  return configs
    .map(
      (config, i) =>
        `<details class="table1"${config.includes(headline) ? ' open' : ''}><summary>${esc(names.config(config[0]))} (${counted(config.length, 'seed')})${untouchedWarning(config) ? ' — warning: weights changed outside the pruned kernels' : ''}</summary>${table1(config, verdicts[i], names)}</details>`,
    )
    .join('');
}

/**
 * A pruner that does not retrain should change nothing but the kernels it prunes; where it changed
 * other layers or biases anyway (a bug check-plugin would catch), the configuration says so.
 */
export function untouchedWarning(config: readonly OkRecord[]): string {
  const changed = config.filter((r) => unexpectedChanges(r) > 0);
  if (changed.length === 0) return '';
  const most = Math.max(...changed.map(unexpectedChanges));
  return `<p class="failed"><b>Warning:</b> in ${changed.length} of ${counted(config.length, 'run')} the pruner changed values outside the kernels it pruned (other layers or biases; up to ${most.toLocaleString('en-US')} values), though it does not declare that it retrains them (<code>retrains</code>). Its compact model is not the paper's "same weights, some zeroed"; <code>runexp check-plugin</code> shows which values.</p>`;
}

/**
 * Over seeds: the geometric mean of a positive error, the mean of a score, with the 95% interval
 * under it; n/a where a score does not exist (direction of a no-change forecast).
 */
function cell(maybe: (number | null)[], positive: boolean, digits = 4): string {
  const values = maybe.filter((v): v is number => v !== null);
  if (values.length === 0) return 'n/a';
  const summary = summarizeSeeds(values, positive);
  // The interval on a line of its own: side by side, 8 columns of them overflow a laptop screen.
  return summary.n > 1
    ? `${sig(summary.mean, digits + 1)}<br><small>[${sig(summary.lo, digits)}, ${sig(summary.hi, digits)}]</small>`
    : sig(summary.mean, 6);
}

const TABLE1_COLUMNS = ['Model', 'MSE', 'RMSE', 'MAE', 'R²', 'MASE', 'skill', 'direction'];

function scoreCells(scores: ForecastScores[]): string[] {
  return [
    cell(
      scores.map((s) => s.mse),
      true,
    ),
    cell(
      scores.map((s) => s.rmse),
      true,
    ),
    cell(
      scores.map((s) => s.mae),
      true,
    ),
    cell(
      scores.map((s) => s.r2),
      false,
    ),
    cell(
      scores.map((s) => s.mase),
      true,
    ),
    cell(
      scores.map((s) => s.skill),
      false,
    ),
    cell(
      scores.map((s) => s.directionalAccuracy),
      false,
    ),
  ];
}

function table1(repeats: OkRecord[], verdicts: Comparison[], names: Names): string {
  const n = repeats.length;
  const first = repeats[0];
  const summary = summarizeConfiguration(repeats, verdicts);
  const rows = [
    ...summary.rows.map(({ kind, name, scores }) => [
      kind === 'model' ? (name === 'original' ? 'Original' : 'Compact') : `Baseline: ${name}`,
      ...scoreCells(scores),
    ]),
    ...PAPER_TABLE1.rows.map((r) => [`Paper: ${r.model}`, num(r.mse, 6), num(r.rmse, 6), num(r.mae, 6), num(r.r2, 6), '', '', '']),
  ];
  const body = table(TABLE1_COLUMNS, rows, { raw: true, className: 'table1' })
    .replace(/<tr><td>Paper:/g, '<tr class="paper"><td>Paper:')
    .replace(/<tr><td>Baseline:/g, '<tr class="baseline"><td>Baseline:');
  const t = first.data.test;
  const verdictItems = summary.verdicts.map((c) => `<li class="${c.holm < ALPHA ? 'significant' : ''}">${esc(c.text)}</li>`).join('');
  return `${untouchedWarning(repeats)}<p>${esc(names.base(first))}; test period ${esc(t.start)} .. ${esc(t.end)} (${t.days} days), errors on prices. ${
    n > 1
      ? `Models over ${n} seeds: errors (MSE, RMSE, MAE, MASE) as their geometric mean, scores (R², skill, direction) as their mean, each with a 95% t interval (of the mean log for errors).`
      : 'One seed: no interval over seeds.'
  } Baselines are computed on the same test days: persistence predicts tomorrow = today, drift adds the training period's mean daily change, linear is a ridge regression on the same ${esc(String(first.data.train.days))}-day training data and window. Skill = 1 − MSE / MSE of persistence; direction = share of up/down moves called right among the days the forecast moved, n/a for a forecast that never moves (base rate of up days: ${esc(num(first.upDayRate * 100, 1))}%). The grey rows are the paper's own numbers, on a different data period.</p>${body}<ul class="verdicts">${verdictItems}</ul>`;
}

export function allConfigurations(groups: OkRecord[][], verdicts: Comparison[][], names: Names): string {
  if (groups.length < 2) return '';
  const rows = groups.flatMap((g, i) => {
    const of = (key: Comparison['key']) => verdicts[i].find((c) => c.key === key);
    const p = (c: Comparison | undefined) => (c ? `${formatP(c.test.pValue)}${c.holm < ALPHA ? ' *' : ''}` : '—');
    return [
      ...MODELS.map((m) => [
        esc(names.config(g[0])),
        m,
        cell(
          g.map((r) => r[m].mse),
          true,
        ),
        cell(
          g.map((r) => r.forecast[m].skill),
          false,
        ),
        cell(
          g.map((r) => r[m].r2),
          false,
        ),
        m === 'compact' ? p(of('compactVsOriginal')) : '',
        p(of(m === 'original' ? 'originalVsPersistence' : 'compactVsPersistence')),
        String(g.length),
      ]),
      [esc(names.config(g[0])), 'persistence', num(g[0].baselines.persistence.mse), '0', num(g[0].baselines.persistence.r2), '', '', ''],
    ];
  });
  return `<details><summary>All ${groups.length} configurations, with the verdict tests' p-values (seeds and test days; * significant after Holm's adjustment within its family, at ${ALPHA})</summary>${table(['configuration', 'model', 'MSE', 'skill', 'R²', 'p vs original', 'p vs persistence', 'runs'], rows, { raw: true })}</details>`;
}

/** The Newey–West DM p of a run's pair, NaN (n/a) for records from before it was computed: the HLN h = 1 p ignores autocorrelation. */
const neweyWestP = (tests: OkRecord['tests']['compactVsOriginal']) => tests.squaredNeweyWest?.pValue ?? NaN;

export function perRun(runs: OkRecord[], names: Names): string {
  const rows = runs.map((r) => [
    `<code>${esc(r.runId)}</code>`,
    esc(names.config(r)),
    String(r.params.seed),
    num(r.original.mse),
    num(r.compact.mse),
    num(r.baselines.persistence.mse),
    formatP(neweyWestP(r.tests.compactVsOriginal)),
    formatP(neweyWestP(r.tests.originalVsPersistence)),
    String(r.training.epochs),
  ]);
  return `<details><summary>Per-run values (${runs.length} runs)</summary>${table(['run', 'configuration', 'seed', 'MSE original', 'MSE compact', 'MSE persistence', 'DM p compact vs original', 'DM p original vs persistence', 'epochs'], rows, { raw: true })}<p class="note">DM p: Diebold–Mariano on this run's squared errors with a Newey–West variance (daily loss differentials are autocorrelated); records written before it existed show n/a.</p></details>`;
}
