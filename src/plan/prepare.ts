// Everything that happens before any work starts: load and validate the spec, fetch each dataset
// once (main thread), and expand the grid. Any problem anywhere becomes one SpecError.
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { checkSeries } from '../plugin/series-check.ts';
import { limited } from '../plugin/deadlines.ts';
import { SpecError, type SpecIssue } from '../spec/issues.ts';
import type { Plugin, Series } from '../plugin/api.ts';
import { loadExperiment, loadExperimentObject, type LoadedExperiment } from '../spec/load.ts';
import { importPlugin } from '../spec/plugin-source.ts';
import { issueAt } from '../spec/zod-issues.ts';
import { datasetKey, expandGrid } from './grid.ts';
import { datasetKeyOf } from './data-points.ts';
import { joinFeatures, type FeatureInput } from './join-features.ts';
import type { PluginInstance } from '../spec/plugin-refs.ts';
import type { Grid } from './types.ts';

export interface Prepared {
  loaded: LoadedExperiment;
  series: Map<string, Series>;
  grid: Grid;
}

export async function prepare(
  input: string | object,
  options: { cacheDirFor?: (experiment: string) => string; log?: (m: string) => void; specDir?: string } = {},
): Promise<Prepared> {
  const loaded = typeof input === 'string' ? await loadExperiment(input) : await loadExperimentObject(input, options.specDir);
  const { spec, source } = loaded;
  const series = new Map<string, Series>();
  const issues: SpecIssue[] = [];
  const dataIsList = Array.isArray(source.data.data);
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  /** Fetches one series once (by its key), or reports why not at `at` and returns undefined. */
  const fetchOnce = async (
    fetcher: PluginInstance,
    ticker: string,
    at: (string | number)[],
    value: unknown,
  ): Promise<Series | undefined> => {
    const key = datasetKey(fetcher, ticker);
    if (series.has(key)) return series.get(key);
    const plugin = (await importPlugin(fetcher.module, spec.timeouts.load)) as Plugin<'fetch'>;
    try {
      const s = await limited(
        'fetch',
        plugin.name,
        spec.timeouts.fetch,
        () => plugin.run({ ticker }, fetcher.options, { specDir: loaded.specDir, cacheDir: options.cacheDirFor?.(spec.name), log }),
        () =>
          new RunexpError(
            ErrorCode.TIMEOUT,
            `the fetch plugin "${plugin.name}" did not finish within ${spec.timeouts.fetch} s`,
            'check the data source, or raise timeouts.fetch (seconds) in the spec',
          ),
      );
      const { problem, warnings } = checkSeries(s);
      for (const warning of warnings) log(`runexp: warning: ${warning}`);
      if (problem)
        throw new RunexpError(ErrorCode.DATA, `${plugin.name}: ${problem}`, 'fix the data, or the fetch plugin that produced it');
      series.set(key, s);
      return s;
    } catch (err) {
      const hint = err instanceof RunexpError ? err.hint : undefined;
      const message = err instanceof Error ? err.message : `the fetch plugin threw ${JSON.stringify(err) ?? String(err)}`;
      issues.push(issueAt(source, at, `cannot load data: ${message}`, { value, hint }));
      return undefined;
    }
  };
  for (const [i, dataset] of spec.data.entries()) {
    const base = dataIsList ? ['data', i] : ['data'];
    const rawDataset = (dataIsList ? (source.data.data as unknown[])[i] : source.data.data) as Record<string, unknown>;
    // Point at the source when the user named one (a bad CSV), else at the ticker.
    const target = await fetchOnce(
      loaded.fetchers[i],
      dataset.ticker,
      rawDataset.source === undefined ? [...base, 'ticker'] : [...base, 'source'],
      rawDataset.source === undefined ? dataset.ticker : undefined,
    );
    if (!dataset.features.length || series.has(datasetKeyOf(loaded, i))) continue;
    const inputs: FeatureInput[] = [];
    for (const [j, feature] of dataset.features.entries()) {
      const ticker = feature.ticker ?? dataset.ticker;
      const at = [...base, 'features', j, feature.source ? 'source' : feature.ticker ? 'ticker' : 'column'];
      const s = await fetchOnce(loaded.featureFetchers[i][j], ticker, at, feature.source ? undefined : (feature.ticker ?? feature.column));
      // Named by what the spec named: a ticker (and column), or the source that read it.
      const name = feature.ticker || !feature.source ? `${ticker}${feature.column ? ` ${feature.column}` : ''}` : s?.source;
      if (s) inputs.push({ name: name!, transform: feature.transform, series: s });
    }
    if (!target || inputs.length < dataset.features.length) continue;
    const joined = joinFeatures(target, inputs, dataset.align);
    if ('problem' in joined) {
      issues.push(issueAt(source, [...base, 'features'], `cannot join the features: ${joined.problem}`, { hint: joined.hint }));
      continue;
    }
    if (joined.dropped)
      log(
        `runexp: ${dataset.ticker} with its features: ${joined.dropped} of ${target.dates.length} days dropped (outside a feature's dates${dataset.align.missing === 'drop' ? ', or missing in one' : ''})`,
      );
    series.set(datasetKeyOf(loaded, i), joined.series);
  }
  const { grid, issues: gridIssues } = expandGrid(loaded, series);
  issues.push(...gridIssues);
  if (issues.length > 0) throw new SpecError(issues);
  return { loaded, series, grid };
}
