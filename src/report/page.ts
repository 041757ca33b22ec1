import { prunedLabel } from '../plugin/prune-kernels.ts';
import { byConfiguration, configKey as configKeyOf } from '../plan/labels.ts';
import { distinct, varyingAxes } from './aggregate.ts';
import { axisChart } from './charts/axes.ts';
import type { Chart } from './charts/chart.ts';
import { dataSizeChart, dataSizeSweep } from './charts/data-size.ts';
import { layersChart, sizeChart } from './charts/layers.ts';
import { predictionsChart } from './charts/predictions.ts';
import { keptVersusPrunedChart, weightsBeforeAfterChart } from './charts/weights.ts';
import { methodsSection } from './methods-section.ts';
import { compressionSection } from './compression-section.ts';
import { sparsityOf } from './methods.ts';
import { strategyOptionsOf } from '../results/trading.ts';
import { trading } from './trading.ts';
import { tradingSection } from './trading-section.ts';
import { lossChart } from './charts/loss.ts';
import { PICKER_LIMIT } from './charts/picker.ts';
import { skillChart } from './charts/skill.ts';
import { statisticsSection } from './statistics-section.ts';
import { comparisonsOf, errorsFrom, judge } from './verdict.ts';
import { comparisonEntries, type ComparisonEntry } from './comparisons.ts';
import { esc, scriptJson, STYLE } from './html.ts';
import { readPredictions, readPrunedWeights, storedPredictions, type ExperimentResults, type OkRecord } from './load.ts';
import type { LiveStatus } from '../results/live-status.ts';
import { LIVE_RELOAD_SECONDS, liveBanner } from './live-banner.ts';
import { namesFor } from './names.ts';
import { allConfigurations, headlineOf, perRun, table1PerConfiguration, type ConfigurationHeadline } from './table1.ts';
import { header, layerTable } from './page-header.ts';

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
  const key = (r: OkRecord) => [
    tickerOrder.indexOf(r.params.ticker),
    r.params.days,
    r.params.architecture,
    r.params.pruner,
    sparsityOf(r) ?? 0,
    r.params.testEnd,
    r.params.seed,
  ];
  return [...results.ok].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
    return 0;
  });
}

/** Everything in a run's configuration except the seed: runs sharing it are repeats. */
export const configKey = (run: OkRecord): string => configKeyOf(run.params);

export interface ReportPage {
  html: string;
  charts: Chart[];
  configurations: ConfigurationHeadline[];
  /** Every comparison's test, for comparisons.json. */
  comparisons: ComparisonEntry[];
}

/** `onChart` sees each chart as soon as it is made, in the order of `charts` (write.ts starts drawing it). */
export function buildReport(
  results: ExperimentResults,
  bundles: string[],
  live?: LiveStatus,
  onChart?: (chart: Chart) => void,
): ReportPage {
  const runs = orderRuns(results);
  const { manifest } = results;
  const charts: Chart[] = [];
  const sections: string[] = [];
  const headline = runs[0];
  const names = namesFor(runs);
  const configs = byConfiguration(runs);
  // Every verdict is tested on the stored predictions (test days and seeds), judged together.
  const predictions = new Map<string, ReturnType<typeof storedPredictions>>();
  const predictionsOf = (run: OkRecord) => {
    if (!predictions.has(run.runId)) predictions.set(run.runId, storedPredictions(results.outDir, run.runId));
    return predictions.get(run.runId);
  };
  const errorsOf = (run: OkRecord) => {
    const rows = predictionsOf(run);
    return rows && errorsFrom(rows);
  };
  // A live page judges nothing: a family is judged over the whole grid, and verdicts read while
  // runs still arrive invite stopping the moment one looks significant.
  const comparisons = live ? [] : judge(runs, errorsOf);
  const figure = (chart: Chart) => {
    // Series are named by what tells them apart ("compact (days 950, control random)"): room for it in legends.
    const config = (chart.spec as { config?: Record<string, unknown> }).config ?? {};
    chart = {
      ...chart,
      spec: { ...chart.spec, config: { ...config, legend: { labelLimit: 360, ...(config.legend as object) } } } as Chart['spec'],
    };
    charts.push(chart);
    onChart?.(chart);
    return `<figure><h3>${esc(chart.title)}</h3><div class="chart" id="chart-${esc(chart.id)}" data-chart="${esc(chart.id)}"></div><figcaption>${esc(chart.caption)} <a href="charts/${esc(chart.id)}.svg">SVG</a> · <a href="charts/${esc(chart.id)}.vl.json">Vega-Lite</a></figcaption></figure>`;
  };

  if (live) sections.push(liveBanner(live, new Date()));
  sections.push(header(results, runs));
  if (headline) {
    const verdicts = configs.map((config) => comparisonsOf(comparisons, config));
    sections.push(
      `<h2 id="table1">Table 1 — model performance</h2>${table1PerConfiguration(configs, verdicts, names, headline)}${allConfigurations(configs, verdicts, names)}${perRun(runs, names)}`,
    );
    const label = names.run(headline);
    // Figures 1, 2 and 4 and the loss curves: one configuration at a time, picked from a list
    // (each configuration's first seed; the headline's first).
    const picked = configs.slice(0, PICKER_LIMIT).map((config) => ({ label: names.run(config[0]), run: config[0], config }));
    const weightChoices = picked.map((p) => ({ label: p.label, layers: readPrunedWeights(results.outDir, p.run.runId) }));
    // Every pruned weight of every picked configuration: architectures of a grid prune different layers.
    const layerNames = distinct(weightChoices.flatMap((c) => c.layers.map(prunedLabel)));
    const weightFigures = layerNames.map((name) => {
      const choices = weightChoices.flatMap((c) =>
        c.layers.filter((l) => prunedLabel(l) === name).map((value) => ({ label: c.label, value })),
      );
      return figure(weightsBeforeAfterChart(name, choices, configs.length)) + figure(keptVersusPrunedChart(name, choices, configs.length));
    });
    sections.push(`<h2 id="weights">Weight distributions (Figures 1 and 2)</h2>${weightFigures.join('')}`);
    const sweep = dataSizeSweep(runs);
    sections.push(
      `<h2 id="data-size">Execution time, memory and accuracy against data size (Figure 3)</h2>${sweep ? figure(dataSizeChart(sweep)) : '<p>This grid has a single data size; list several under <code>data.days</code> to draw Figure 3.</p>'}`,
    );
    sections.push(
      `<h2 id="predictions">Predictions (Figure 4)</h2>${figure(
        predictionsChart(
          picked.map((p) => ({ label: p.label, value: readPredictions(results.outDir, p.run.runId) })),
          configs.length,
        ),
      )}`,
    );
    sections.push(
      `<h2 id="loss">Training curves</h2>${figure(
        lossChart(
          picked.map((p) => ({ label: names.config(p.run), value: p.config })),
          configs.length,
        ),
      )}`,
    );
    // One layer chart per architecture of the grid: a picked configuration's run where there is one.
    const architectures = distinct(runs.map((r) => r.params.architecture));
    const layerCharts =
      architectures.length === 1
        ? [layersChart(headline, label)]
        : architectures.map((a, i) => {
            const run = picked.find((p) => p.run.params.architecture === a)?.run ?? runs.find((r) => r.params.architecture === a)!;
            return layersChart(run, names.run(run), `layers-${i + 1}`, a);
          });
    sections.push(
      `<h2 id="layers">Layers, sparsity and size</h2>${layerTable(headline, names)}${layerCharts.map(figure).join('')}${figure(sizeChart(headline, label))}`,
    );
    sections.push(methodsSection(runs, comparisons, figure));
    sections.push(compressionSection(runs, comparisons, figure, Boolean(live)));
    const strategy = strategyOptionsOf(results.resolvedSpec);
    sections.push(
      live
        ? '<h2 id="trading">Trading on the forecasts</h2><p class="note">Computed when the run ends, with its Sharpe tests: each question is one family over the whole grid.</p>'
        : tradingSection(trading(runs, predictionsOf, strategy), strategy, names.config, figure),
    );
    sections.push(`<h2 id="skill">Skill against the naive forecast</h2>${figure(skillChart(runs, names.config, configKey))}`);
    sections.push(
      live
        ? '<h2 id="statistics">Effect sizes and tests</h2><p class="note">Judged when the run ends, with the verdicts under each Table 1: each question is one family of tests over the whole grid, and a verdict read while runs are still arriving invites stopping the moment one looks significant.</p>'
        : statisticsSection(runs, comparisons, names.config, predictionsOf, errorsOf, figure),
    );
    const axes = varyingAxes(runs);
    sections.push(
      `<h2 id="grid">Across the grid</h2>${axes.length ? axes.map((a) => figure(axisChart(runs, a))).join('') : "<p>The grid varies no axis besides seeds; add a list to <code>data.days</code>, a pruner's <code>percentile</code>, <code>architectures</code> or <code>prune</code> to compare.</p>"}`,
    );
  } else {
    sections.push(
      live
        ? '<p class="note">No run has finished yet: tables and charts appear here as runs finish.</p>'
        : '<p class="failed">No run finished successfully, so there is nothing to chart.</p>',
    );
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
<script>${
    live
      ? `
setTimeout(() => location.reload(), ${LIVE_RELOAD_SECONDS * 1000}); // the grid is running: show its progress`
      : ''
  }
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
    comparisons: comparisonEntries(comparisons, names.config),
  };
}
