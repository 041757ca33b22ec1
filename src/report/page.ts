// Assembles one experiment's report: header (what was run), the paper's Table 1 and Figures 1–4,
// layer-wise counts and sizes, and charts along the grid's own axes.
import { counted } from '../plugin/shorten.ts';
import { configKey as configKeyOf, labeller } from '../plan/labels.ts';
import { meanCi95 } from '../evaluation/stats.ts';
import { distinct, groupBy, varyingAxes } from './aggregate.ts';
import { axisChart } from './charts/axes.ts';
import type { Chart } from './charts/chart.ts';
import { dataSizeChart, dataSizeSweep } from './charts/data-size.ts';
import { layersChart, sizeChart } from './charts/layers.ts';
import { predictionsChart } from './charts/predictions.ts';
import { keptVersusPrunedChart, weightsBeforeAfterChart } from './charts/weights.ts';
import { methodsSection, weightsPerMethod } from './methods-section.ts';
import { skillChart } from './charts/skill.ts';
import { statisticsSection } from './statistics-section.ts';
import type { ForecastScores } from '../evaluation/forecast-metrics.ts';
import { byConfiguration, summarizeConfiguration } from './summary.ts';
import { ALPHA, compareConfigurations, formatP, type Comparison } from './verdict.ts';
import { esc, num, scriptJson, STYLE, table } from './html.ts';
import { MODELS, readPredictions, readPrunedWeights, storedPredictions, type ExperimentResults, type OkRecord } from './load.ts';
import { PAPER_TABLE1 } from './paper-reference.ts';

/** How the page names runs and configurations: by what varies across its runs. */
interface Names {
  run(run: OkRecord): string;
  /** The configuration: what the seeds of one cell share. */
  base(run: OkRecord): string;
  /** The configuration, with its test period end. */
  config(run: OkRecord): string;
}

function namesFor(runs: readonly OkRecord[]): Names {
  const labels = labeller(runs.map((r) => r.params));
  return { run: (r) => labels.run(r.params), base: (r) => labels.config(r.params), config: (r) => `${labels.config(r.params)}, test to ${r.params.testEnd}` };
}

/**
 * Runs in the order the spec lists them (the grid's order, kept in the manifest); without it,
 * by dataset order, data size, architecture, pruner, percentile, test period and seed.
 */
export function orderRuns(results: ExperimentResults): OkRecord[] {
  const gridOrder = results.manifest.grid?.runIds;
  if (gridOrder) {
    const index = new Map(gridOrder.map((id, i) => [id, i]));
    return [...results.ok].sort((a, b) => (index.get(a.runId) ?? Infinity) - (index.get(b.runId) ?? Infinity));
  }
  const tickerOrder = results.manifest.data.map((d) => d.ticker);
  const key = (r: OkRecord) => [tickerOrder.indexOf(r.params.ticker), r.params.days, r.params.architecture, r.params.pruner, Number(r.params.prune.percentile ?? 0), r.params.testEnd, r.params.seed];
  return [...results.ok].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
    return 0;
  });
}

/** Everything in a run's configuration except the seed: runs sharing it are repeats. */
export const configKey = (run: OkRecord): string => configKeyOf(run.params);

/** One configuration's headline numbers, means over its seeds (for reports/index.html). */
export interface ConfigurationHeadline {
  label: string;
  seeds: number;
  original: { mse: number; r2: number };
  compact: { mse: number; r2: number };
}

export interface ReportPage {
  html: string;
  charts: Chart[];
  configurations: ConfigurationHeadline[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function headlineOf(config: OkRecord[], label: string): ConfigurationHeadline {
  const of = (m: 'original' | 'compact') => ({ mse: mean(config.map((r) => r[m].mse)), r2: mean(config.map((r) => r[m].r2)) });
  return { label, seeds: config.length, original: of('original'), compact: of('compact') };
}

/**
 * Table 1 for every configuration, seeds summarised: the headline's open, the others one click
 * away (a grid of 15 configurations would otherwise be 15 screens of tables).
 */
function table1PerConfiguration(configs: OkRecord[][], verdicts: Comparison[][], names: Names, headline: OkRecord): string {
  if (configs.length === 1) return table1(configs[0], verdicts[0], names);
  return configs
    .map((config, i) => `<details class="table1"${config.includes(headline) ? ' open' : ''}><summary>${esc(names.config(config[0]))} (${counted(config.length, 'seed')})</summary>${table1(config, verdicts[i], names)}</details>`)
    .join('');
}

export function buildReport(results: ExperimentResults, bundles: string[]): ReportPage {
  const runs = orderRuns(results);
  const { manifest } = results;
  const charts: Chart[] = [];
  const sections: string[] = [];
  const headline = runs[0];
  const names = namesFor(runs);
  const configs = byConfiguration(runs);
  const figure = (chart: Chart) => {
    charts.push(chart);
    return `<figure><h3>${esc(chart.title)}</h3><div class="chart" id="chart-${esc(chart.id)}" data-chart="${esc(chart.id)}"></div><figcaption>${esc(chart.caption)} <a href="charts/${esc(chart.id)}.svg">SVG</a> · <a href="charts/${esc(chart.id)}.vl.json">Vega-Lite</a></figcaption></figure>`;
  };

  sections.push(header(results, runs));
  if (headline) {
    // Every configuration's verdicts are judged together (Holm over all of them).
    const verdicts = compareConfigurations(configs);
    sections.push(
      `<h2 id="table1">Table 1 — model performance</h2>${table1PerConfiguration(configs, verdicts, names, headline)}${allConfigurations(configs, verdicts, names)}${perRun(runs, names)}`,
    );
    const label = names.run(headline);
    const weights = readPrunedWeights(results.outDir, headline.runId);
    sections.push(
      `<h2 id="weights">Weight distributions (Figures 1 and 2)</h2>${weights.map((l) => figure(weightsBeforeAfterChart(l, label)) + figure(keptVersusPrunedChart(l, label))).join('')}${weightsPerMethod(runs, results.outDir, figure, names.run)}`,
    );
    const sweep = dataSizeSweep(runs);
    sections.push(
      `<h2 id="data-size">Execution time, memory and accuracy against data size (Figure 3)</h2>${sweep ? figure(dataSizeChart(sweep)) : '<p>This grid has a single data size; list several under <code>data.days</code> to draw Figure 3.</p>'}`,
    );
    sections.push(`<h2 id="predictions">Predictions (Figure 4)</h2>${figure(predictionsChart(readPredictions(results.outDir, headline.runId), label))}`);
    sections.push(`<h2 id="layers">Layers, sparsity and size</h2>${layerTable(headline, names)}${figure(layersChart(headline, label))}${figure(sizeChart(headline, label))}`);
    sections.push(methodsSection(runs, figure));
    sections.push(`<h2 id="skill">Skill against the naive forecast</h2>${figure(skillChart(runs, names.config, configKey))}`);
    sections.push(statisticsSection(runs, names.config, (run) => storedPredictions(results.outDir, run.runId), figure));
    const axes = varyingAxes(runs);
    sections.push(
      `<h2 id="grid">Across the grid</h2>${axes.length ? axes.map((a) => figure(axisChart(runs, a))).join('') : '<p>The grid varies no axis besides seeds; add a list to <code>data.days</code>, a pruner\'s <code>percentile</code>, <code>architectures</code> or <code>prune</code> to compare.</p>'}`,
    );
  } else {
    sections.push('<p class="failed">No run finished successfully, so there is nothing to chart.</p>');
  }

  const specs = Object.fromEntries(charts.map((c) => [c.id, c.spec]));
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(manifest.experiment)} — runexp report</title>
<style>${STYLE}</style>
${bundles.map((b) => `<script>${b}</script>`).join('\n')}
</head><body><main>
<nav><a href="../index.html">all reports</a></nav>
${sections.join('\n')}
</main>
<script id="chart-specs" type="application/json">${scriptJson(specs)}</script>
<script>
const specs = JSON.parse(document.getElementById('chart-specs').textContent);
for (const [id, spec] of Object.entries(specs)) {
  vegaEmbed('#chart-' + id, spec, { actions: false, renderer: 'svg' }).catch((err) => {
    console.error('chart ' + id + ' failed: ' + err.message);
    document.getElementById('chart-' + id).textContent = 'This chart failed to render: ' + err.message;
  });
}
</script>
</body></html>
`;
  return {
    html,
    charts,
    configurations: configs.map((config) => headlineOf(config, names.config(config[0]))),
  };
}

function header(results: ExperimentResults, runs: OkRecord[]): string {
  const { manifest, failed } = results;
  const facts: [string, string][] = [
    ['spec', esc(manifest.spec)],
    ['runs', `${results.ok.length} ok, ${failed.length} failed`],
    ['grid', esc(summariseGrid(runs))],
    ['backend', esc(manifest.backends.join(', ') || 'n/a')],
    ['versions', esc(`runexp ${manifest.runexp}, Node ${manifest.node}, tfjs ${manifest.packages['@tensorflow/tfjs-core'] ?? manifest.packages['@tensorflow/tfjs'] ?? '?'}`)],
    ['git commit', `<code>${esc(manifest.gitCommit)}</code>`],
    ['machine', esc(`${manifest.cpu.model}, ${manifest.cpu.cores} cores`)],
    ['run', esc(`${manifest.startedAt} → ${manifest.endedAt ?? '(not finished)'}`)],
  ];
  const data = table(
    ['ticker', 'source', 'first', 'last', 'rows', 'sha256'],
    manifest.data.map((d) => [d.ticker, d.source, d.first, d.last, d.rows, d.checksum]),
  );
  const fits = distinct(runs.map((r) => r.scaler.fitOn).filter(Boolean));
  const leakNote = fits.includes('per-dataset')
    ? '<p class="note"><b>Scaling as in the paper:</b> the test data was MinMax-scaled with its own min and max (<code>fitOn: per-dataset</code>), which lets the test period\'s price range leak into the model\'s inputs. Use <code>fitOn: train</code> for a leakage-free evaluation.</p>'
    : '';
  const failures = failed.length
    ? `<div class="failed"><b>${counted(failed.length, 'failed run')}:</b><ul>${failed
        .map((f) => `<li><code>${esc(f.runId)}</code> ${f.params ? esc(`(${f.params.ticker} ${f.params.days} days, seed ${f.params.seed}, ${f.params.pruner})`) : ''}: ${esc(f.error.stage ? `[${f.error.stage}] ` : '')}${esc(f.error.message)}</li>`)
        .join('')}</ul></div>`
    : '';
  const damaged = results.problems.length
    ? `<div class="failed"><b>Left out because damaged:</b><ul>${results.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul></div>`
    : '';
  return `<h1>${esc(manifest.experiment)}</h1><p class="sub">runexp report · status ${esc(manifest.status)}</p>${damaged}
<table class="facts"><tbody>${facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>
${results.resolvedSpec ? `<details><summary>The resolved spec</summary><pre>${esc(results.resolvedSpec)}</pre></details>` : ''}
<h3>Data</h3>${data}${leakNote}${failures}`;
}

function summariseGrid(runs: OkRecord[]): string {
  const parts = [
    ['tickers', distinct(runs.map((r) => r.params.ticker))],
    ['data sizes', distinct(runs.map((r) => r.params.days))],
    ['architectures', distinct(runs.map((r) => r.params.architecture))],
    ['pruners', distinct(runs.map((r) => r.params.pruner))],
    ['percentiles', distinct(runs.map((r) => r.params.prune.percentile).filter((v) => v !== undefined))],
    ['seeds', distinct(runs.map((r) => r.params.seed))],
  ] as const;
  // Of the finished runs only: with none, there is no grid to describe (not "0 tickers ()").
  if (runs.length === 0) return 'no finished runs';
  return parts
    .filter(([, v]) => v.length > 0)
    .map(([k, v]) => `${v.length} ${k} (${v.slice(0, 8).join(', ')}${v.length > 8 ? ', …' : ''})`)
    .join('; ');
}

/** Mean [95% interval] over seeds; n/a where a score does not exist (direction of a no-change forecast). */
function cell(maybe: (number | null)[], digits = 4): string {
  const values = maybe.filter((v): v is number => v !== null);
  if (values.length === 0) return 'n/a';
  const ci = meanCi95(values);
  // The interval on a line of its own: side by side, 8 columns of them overflow a laptop screen.
  return ci.n > 1 ? `${num(ci.mean, digits)}<br><small>[${num(ci.lo, digits)}, ${num(ci.hi, digits)}]</small>` : num(ci.mean, 6);
}

const TABLE1_COLUMNS = ['Model', 'MSE', 'RMSE', 'MAE', 'R²', 'MASE', 'skill', 'direction'];

function scoreCells(scores: ForecastScores[]): string[] {
  return [cell(scores.map((s) => s.mse)), cell(scores.map((s) => s.rmse)), cell(scores.map((s) => s.mae)), cell(scores.map((s) => s.r2)), cell(scores.map((s) => s.mase)), cell(scores.map((s) => s.skill)), cell(scores.map((s) => s.directionalAccuracy))];
}

function table1(repeats: OkRecord[], verdicts: Comparison[], names: Names): string {
  const n = repeats.length;
  const first = repeats[0];
  const summary = summarizeConfiguration(repeats, verdicts);
  const rows = [
    ...summary.rows.map(({ kind, name, scores }) => [kind === 'model' ? (name === 'original' ? 'Original' : 'Compact') : `Baseline: ${name}`, ...scoreCells(scores)]),
    ...PAPER_TABLE1.rows.map((r) => [`Paper: ${r.model}`, num(r.mse, 6), num(r.rmse, 6), num(r.mae, 6), num(r.r2, 6), '', '', '']),
  ];
  const body = table(TABLE1_COLUMNS, rows, { raw: true })
    .replace(/<tr><td>Paper:/g, '<tr class="paper"><td>Paper:')
    .replace(/<tr><td>Baseline:/g, '<tr class="baseline"><td>Baseline:');
  const t = first.data.test;
  const verdictItems = summary.verdicts.map((c) => `<li class="${(c.holm ?? c.test.pValue) < ALPHA ? 'significant' : ''}">${esc(c.text)}</li>`).join('');
  return `<p>${esc(names.base(first))}; test period ${esc(t.start)} .. ${esc(t.end)} (${t.days} days), errors on prices. ${
    n > 1 ? `Models: mean over ${n} seeds with a 95% interval.` : 'One seed.'
  } Baselines are computed on the same test days: persistence predicts tomorrow = today, drift adds the training period's mean daily change, linear is a ridge regression on the same ${esc(String(first.data.train.days))}-day training data and window. Skill = 1 − MSE / MSE of persistence; direction = share of up/down moves called right among the days the forecast moved, n/a for a forecast that never moves (base rate of up days: ${esc(num(first.upDayRate * 100, 1))}%). The grey rows are the paper's own numbers, on a different data period.</p>${body}<ul class="verdicts">${verdictItems}</ul>`;
}

function allConfigurations(groups: OkRecord[][], verdicts: Comparison[][], names: Names): string {
  if (groups.length < 2) return '';
  const rows = groups.flatMap((g, i) => {
    const [vsOriginal, originalVsNaive, compactVsNaive] = verdicts[i];
    const p = (c: Comparison | undefined) => (c ? `${formatP(c.test.pValue)}${(c.holm ?? c.test.pValue) < ALPHA ? ' *' : ''}` : '—');
    return [
      ...MODELS.map((m) => [esc(names.config(g[0])), m, cell(g.map((r) => r[m].mse)), cell(g.map((r) => r.forecast[m].skill)), cell(g.map((r) => r[m].r2)), m === 'compact' ? p(vsOriginal) : '', p(m === 'original' ? originalVsNaive : compactVsNaive), String(g.length)]),
      [esc(names.config(g[0])), 'persistence', num(g[0].baselines.persistence.mse), '0', num(g[0].baselines.persistence.r2), '', '', ''],
    ];
  });
  return `<details><summary>All ${groups.length} configurations, with p-values (* significant after Holm's adjustment, at ${ALPHA})</summary>${table(['configuration', 'model', 'MSE', 'skill', 'R²', 'p vs original', 'p vs persistence', 'runs'], rows, { raw: true })}</details>`;
}

function perRun(runs: OkRecord[], names: Names): string {
  const rows = runs.map((r) => [
    `<code>${esc(r.runId)}</code>`,
    esc(names.config(r)),
    String(r.params.seed),
    num(r.original.mse),
    num(r.compact.mse),
    num(r.baselines.persistence.mse),
    formatP(r.tests.compactVsOriginal.squared.pValue),
    formatP(r.tests.originalVsPersistence.squared.pValue),
    String(r.training.epochs),
  ]);
  return `<details><summary>Per-run values (${runs.length} runs)</summary>${table(['run', 'configuration', 'seed', 'MSE original', 'MSE compact', 'MSE persistence', 'DM p compact vs original', 'DM p original vs persistence', 'epochs'], rows, { raw: true })}</details>`;
}

function layerTable(run: OkRecord, names: Names): string {
  const rows = run.original.layers.map((l, i) => {
    const c = run.compact.layers[i];
    return [l.name, l.params, l.nonzero, c?.nonzero ?? '—', c && c.params > 0 ? `${num((1 - c.nonzero / c.params) * 100, 2)}%` : '—'];
  });
  rows.push(['total', run.original.totalParams, run.original.nonzeroParams, run.compact.nonzeroParams, `${num((1 - run.compact.nonzeroParams / run.compact.totalParams) * 100, 2)}%`]);
  const pruned = run.pruning.layers
    .map((l) => `<li><code>${esc(l.layer)}</code>: ${l.total.toLocaleString('en-US')} → ${l.kept.toLocaleString('en-US')} non-zero${l.threshold === undefined ? '' : `, threshold ${esc(l.criterion ?? '|w|')} &gt; ${esc(num(l.threshold, 6))}`}</li>`)
    .join('');
  return `<p>${esc(names.run(run))}. Compression ratio (all parameters / non-zero): original ${esc(num(run.original.compressionRatio, 3))}, compact ${esc(num(run.compact.compressionRatio, 3))}.</p><ul>${pruned}</ul>${table(['layer', 'parameters', 'non-zero (original)', 'non-zero (compact)', 'sparsity (compact)'], rows)}`;
}
