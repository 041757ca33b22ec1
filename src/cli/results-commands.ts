// Commands that read finished results and hand them on: `runexp export` (flat rows for a
// spreadsheet or a notebook), `runexp compare` (are two output folders the same numbers?) and
// `runexp methods-table` (the pruning-methods table as markdown).
import { extname, resolve } from 'node:path';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { compareOutputs } from '../results/compare.ts';
import { exportText } from '../results/export.ts';
import { writeFileAtomic } from '../results/store.ts';
import { loadResults, storedPredictions } from '../report/load.ts';
import type { RunRecord } from '../results/record.ts';
import { strategyOptionsOf, tradingColumns } from '../results/trading.ts';
import { methodsMarkdown } from '../report/methods-markdown.ts';
import { orderRuns } from '../report/page.ts';

export const RESULTS_COMMANDS = ['export', 'compare', 'methods-table'] as const;
export type ResultsCommand = (typeof RESULTS_COMMANDS)[number];

const USAGE: Record<ResultsCommand, string> = {
  export: 'runexp export <output dir> [--format csv|json] [--out FILE]',
  compare: 'runexp compare <output dir> <output dir>',
  'methods-table': 'runexp methods-table <output dir>',
};

export async function resultsCommand(command: ResultsCommand, args: string[], values: { format?: string; out?: string }): Promise<number> {
  const want = command === 'compare' ? 2 : 1;
  if (args.length !== want)
    throw new RunexpError(
      ErrorCode.USAGE,
      `${command} needs ${want === 2 ? 'two output directories' : 'one output directory'}, got ${args.length}`,
      `usage: ${USAGE[command]}`,
    );
  if (command === 'compare') {
    const { runs, differences } = compareOutputs(args[0], args[1]);
    process.stdout.write(
      `${differences.length === 0 ? `identical: ${runs} runs, every score, count, size, training curve and prediction` : differences.slice(0, 50).join('\n')}\n`,
    );
    return differences.length === 0 ? 0 : 1;
  }
  const results = loadResults(resolve(args[0]));
  for (const problem of results.problems) process.stderr.write(`runexp: ${problem}\n`);
  if (command === 'methods-table') {
    process.stdout.write(`${methodsMarkdown(results)}\n`);
    return 0;
  }
  const format = values.format ?? (values.out && extname(values.out) === '.json' ? 'json' : 'csv');
  if (format !== 'csv' && format !== 'json')
    throw new RunexpError(ErrorCode.USAGE, `--format must be csv or json, got "${format}"`, `usage: ${USAGE.export}`);
  // The grid's order (the spec's), then the failed runs, which have no finished place in it.
  const order = new Map((results.manifest.grid?.runIds ?? []).map((id, i) => [id, i]));
  const records = [
    ...orderRuns(results),
    ...results.failed.sort((a, b) => (order.get(a.runId) ?? Infinity) - (order.get(b.runId) ?? Infinity)),
  ];
  // Trading on each run's forecasts, with the spec's strategy (evaluation only: recomputed here).
  const strategy = strategyOptionsOf(results.resolvedSpec);
  const trading = (record: RunRecord) => {
    if (record.status !== 'ok') return {};
    const rows = storedPredictions(results.outDir, record.runId);
    return rows ? tradingColumns(rows, strategy, record.horizon ?? 1) : {};
  };
  const text = exportText(records, format, trading);
  if (!values.out) {
    process.stdout.write(text);
    return 0;
  }
  writeFileAtomic(resolve(values.out), text);
  process.stderr.write(`export: ${records.length} runs to ${resolve(values.out)}\n`);
  return 0;
}
