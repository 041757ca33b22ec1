// `runexp report`: writes reports/<experiment>/index.html with each chart beside it as .vl.json
// and .svg, every comparison's test in comparisons.json, then rebuilds reports/index.html from
// every report's summary.json.
import { counted } from '../plugin/shorten.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { outDirError } from '../results/out-dir.ts';
import { writeFileAtomic } from '../results/store.ts';
import { vegaBundles } from './bundles.ts';
import { esc, num, STYLE, table } from './html.ts';
import { loadResults } from './load.ts';
import type { LiveStatus } from '../results/live-status.ts';
import { buildReport } from './page.ts';
import type { ConfigurationHeadline } from './table1.ts';
import { SvgRenderer } from './svg.ts';

export interface ReportSummary {
  experiment: string;
  generatedAt: string;
  startedAt: string;
  ok: number;
  failed: number;
  /** Written while the grid was running (a live report). */
  running?: boolean;
  configurations?: ConfigurationHeadline[];
  /** Written before configurations existed: one run's numbers. */
  headline?: { label: string; original: { mse: number; r2: number }; compact: { mse: number; r2: number } };
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

/**
 * Writes the report; returns its path and what was left out as damaged (see loadResults). `live`:
 * the grid is still running; the page gets a progress banner and reloads itself, and the charts'
 * SVG files wait for the final report.
 */
export async function writeReport(
  outDir: string,
  reportsRoot = resolve('reports'),
  live?: LiveStatus,
): Promise<{ file: string; problems: string[] }> {
  // A live page draws no SVG files: they wait for the final report. The renderer's thread starts
  // first, so that loading vega overlaps with reading the results.
  const renderer = live ? undefined : new SvgRenderer();
  let results: ReturnType<typeof loadResults>;
  let page: ReturnType<typeof buildReport>;
  let svgs: string[];
  try {
    results = loadResults(resolve(outDir));
    // The name becomes a folder: never let it climb out of the reports root.
    if (!SAFE_NAME.test(results.manifest.experiment))
      throw new RunexpError(ErrorCode.USAGE, `experiment name ${JSON.stringify(results.manifest.experiment)} cannot name a report folder`);
    const rendering: Promise<string>[] = [];
    page = buildReport(results, vegaBundles(), live, renderer && ((chart) => rendering.push(renderer.render(chart.spec))));
    svgs = await Promise.all(rendering);
  } finally {
    await renderer?.close();
  }
  const name = results.manifest.experiment;
  const dir = join(reportsRoot, name);
  let indexProblems: string[] = [];
  const summary: ReportSummary = {
    experiment: name,
    generatedAt: new Date().toISOString(),
    startedAt: results.manifest.startedAt,
    ok: results.ok.length,
    failed: results.failed.length,
    running: Boolean(live),
    configurations: page.configurations,
  };
  try {
    if (!live) {
      page.charts.forEach((chart, i) => {
        writeFileAtomic(join(dir, 'charts', `${chart.id}.vl.json`), `${JSON.stringify(chart.spec, null, 1)}\n`);
        writeFileAtomic(join(dir, 'charts', `${chart.id}.svg`), svgs[i]);
      });
    }
    writeFileAtomic(join(dir, 'summary.json'), JSON.stringify(summary, null, 2));
    writeFileAtomic(join(dir, 'comparisons.json'), `${JSON.stringify({ comparisons: page.comparisons }, null, 1)}\n`);
    writeFileAtomic(join(dir, 'index.html'), page.html);
    indexProblems = writeIndex(reportsRoot);
  } catch (err) {
    throw outDirError(dir, err, '--reports');
  }
  return { file: join(dir, 'index.html'), problems: [...results.problems, ...indexProblems] };
}

/** A report folder's summary.json, or why it cannot be listed (another experiment's damaged file never blocks this one). */
function readSummary(file: string): ReportSummary | string {
  try {
    const summary = JSON.parse(readFileSync(file, 'utf8')) as ReportSummary;
    if (typeof summary?.experiment !== 'string' || typeof summary.startedAt !== 'string' || typeof summary.ok !== 'number')
      return `${file} is not a report summary; it is left out of reports/index.html (write that report again)`;
    return summary;
  } catch (err) {
    return `${file} cannot be read (${(err as Error).message}); it is left out of reports/index.html (write that report again)`;
  }
}

/** reports/index.html: every experiment report, newest first, with its headline numbers. Returns what it left out. */
export function writeIndex(reportsRoot: string): string[] {
  const read = existsSync(reportsRoot)
    ? readdirSync(reportsRoot, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(reportsRoot, d.name, 'summary.json')))
        .map((d) => readSummary(join(reportsRoot, d.name, 'summary.json')))
    : [];
  const skipped = read.filter((r): r is string => typeof r === 'string');
  const summaries = read.filter((r): r is ReportSummary => typeof r !== 'string').sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  // One row per configuration; the experiment's own cells only on its first row.
  const rows = summaries.flatMap((s) => {
    const configs = s.configurations ?? (s.headline ? [{ ...s.headline, seeds: 1 }] : []);
    const experiment = [
      `<a href="${encodeURIComponent(s.experiment)}/index.html">${esc(s.experiment)}</a>`,
      esc(s.startedAt.slice(0, 16).replace('T', ' ')),
      `${s.ok} ok${s.failed ? `, ${s.failed} failed` : ''}${s.running ? ' (running)' : ''}`,
    ];
    if (configs.length === 0) return [[...experiment, '—', '', '—', '—']];
    return configs.map((c, i) => [
      ...(i === 0 ? experiment : ['', '', '']),
      esc(c.label),
      String(c.seeds),
      `${esc(num(c.original.mse))} → ${esc(num(c.compact.mse))}`,
      `${esc(num(c.original.r2))} → ${esc(num(c.compact.r2))}`,
    ]);
  });
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>runexp reports</title><style>${STYLE}</style></head><body><main>
<h1>runexp reports</h1><p class="sub">${counted(summaries.length, 'experiment')}; every configuration of each grid, original → compact, means over its seeds.</p>
<div class="scroll">${table(['experiment', 'run started (UTC)', 'runs', 'configuration', 'seeds', 'MSE', 'R²'], rows, { raw: true, className: 'index' })}</div>
</main></body></html>
`;
  writeFileAtomic(join(reportsRoot, 'index.html'), html);
  return skipped;
}
