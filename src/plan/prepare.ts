// Everything that happens before any work starts: load and validate the spec, fetch each dataset
// once (main thread), and expand the grid. Any problem anywhere becomes one SpecError.
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { checkSeries } from '../plugin/series-check.ts';
import { limited } from '../plugin/deadlines.ts';
import { SpecError, type SpecIssue } from '../spec/issues.ts';
import type { Plugin, Series } from '../plugin/api.ts';
import { loadExperiment, type LoadedExperiment } from '../spec/load.ts';
import { importPlugin } from '../spec/plugin-source.ts';
import { issueAt } from '../spec/zod-issues.ts';
import { datasetKey, expandGrid } from './grid.ts';
import type { Grid } from './types.ts';

export interface Prepared {
  loaded: LoadedExperiment;
  series: Map<string, Series>;
  grid: Grid;
}

export async function prepare(specPath: string, options: { cacheDirFor?: (experiment: string) => string; log?: (m: string) => void } = {}): Promise<Prepared> {
  const loaded = await loadExperiment(specPath);
  const { spec, source } = loaded;
  const series = new Map<string, Series>();
  const issues: SpecIssue[] = [];
  const dataIsList = Array.isArray(source.data.data);
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  for (const [i, dataset] of spec.data.entries()) {
    const fetcher = loaded.fetchers[i];
    const key = datasetKey(fetcher, dataset.ticker);
    if (series.has(key)) continue;
    const plugin = (await importPlugin(fetcher.module, spec.timeouts.load)) as Plugin<'fetch'>;
    try {
      const s = await limited(
        'fetch',
        plugin.name,
        spec.timeouts.fetch,
        () => plugin.run({ ticker: dataset.ticker }, fetcher.options, { specDir: loaded.specDir, cacheDir: options.cacheDirFor?.(spec.name), log }),
        () => new RunexpError(ErrorCode.TIMEOUT, `the fetch plugin "${plugin.name}" did not finish within ${spec.timeouts.fetch} s`, 'check the data source, or raise timeouts.fetch (seconds) in the spec'),
      );
      const { problem, warnings } = checkSeries(s);
      for (const warning of warnings) log(`runexp: warning: ${warning}`);
      if (problem) throw new RunexpError(ErrorCode.DATA, `${plugin.name}: ${problem}`, 'fix the data, or the fetch plugin that produced it');
      series.set(key, s);
    } catch (err) {
      const hint = err instanceof RunexpError ? err.hint : undefined;
      // Point at the source when the user named one (a bad CSV), else at the ticker.
      const base = dataIsList ? ['data', i] : ['data'];
      const rawDataset = (dataIsList ? (source.data.data as unknown[])[i] : source.data.data) as Record<string, unknown>;
      const at = rawDataset.source === undefined ? [...base, 'ticker'] : [...base, 'source'];
      const message = err instanceof Error ? err.message : `the fetch plugin threw ${JSON.stringify(err) ?? String(err)}`;
      issues.push(issueAt(source, at, `cannot load data: ${message}`, { value: rawDataset.source === undefined ? dataset.ticker : undefined, hint }));
    }
  }
  const { grid, issues: gridIssues } = expandGrid(loaded, series);
  issues.push(...gridIssues);
  if (issues.length > 0) throw new SpecError(issues);
  return { loaded, series, grid };
}
