// The report page's fixed parts: the header (what produced the results), the grid's summary line,
// and a model's layer table.
import { describeFailure } from '../plugin/errors.ts';
import { prunedLabel } from '../plugin/prune-kernels.ts';
import { counted } from '../plugin/shorten.ts';
import { distinct } from './aggregate.ts';
import { esc, num, table } from './html.ts';
import type { ExperimentResults, OkRecord } from './load.ts';
import type { FailedRecord, RecordParams } from '../results/record.ts';
import type { Names } from './names.ts';

export function header(results: ExperimentResults, runs: OkRecord[]): string {
  const { manifest, failed } = results;
  const facts: [string, string][] = [
    ['spec', esc(manifest.spec)],
    ['runs', `${results.ok.length} ok, ${failed.length} failed`],
    ['grid', esc(summariseGrid(runs, failed))],
    ['backend', esc(manifest.backends.join(', ') || 'n/a')],
    [
      'versions',
      esc(
        `runexp ${manifest.runexp}, Node ${manifest.node}, tfjs ${manifest.packages['@tensorflow/tfjs-core'] ?? manifest.packages['@tensorflow/tfjs'] ?? '?'}`,
      ),
    ],
    ['git commit', `<code>${esc(manifest.gitCommit)}</code>`],
    ['machine', esc(`${manifest.cpu.model}, ${manifest.cpu.cores} cores`)],
    ['run', esc(`${manifest.startedAt} → ${manifest.endedAt ?? '(not finished)'}`)],
  ];
  const data = table(
    ['ticker', 'source', 'first', 'last', 'rows', 'sha256'],
    // The first 12 hex digits identify a snapshot; the whole checksum is one hover away.
    manifest.data.map((d) => [
      esc(d.ticker),
      esc(d.source),
      esc(d.first),
      esc(d.last),
      d.rows,
      `<code title="${esc(d.checksum)}">${esc(d.checksum.slice(0, 12))}…</code>`,
    ]),
    { raw: true },
  );
  const fits = distinct(runs.map((r) => r.scaler.fitOn).filter(Boolean));
  const leakNote = fits.includes('per-dataset')
    ? '<p class="note"><b>Scaling as in the paper:</b> the test data was MinMax-scaled with its own min and max (<code>fitOn: per-dataset</code>), which lets the test period\'s price range leak into the model\'s inputs. Use <code>fitOn: train</code> for a leakage-free evaluation.</p>'
    : '';
  const failures = failed.length
    ? `<div class="failed"><b>${counted(failed.length, 'failed run')}:</b><ul>${failed
        .map(
          (f) =>
            `<li><code>${esc(f.runId)}</code> ${f.params ? esc(`(${f.params.ticker} ${f.params.days} days, seed ${f.params.seed}, ${f.params.pruner})`) : ''}: ${describeFailure(f.error).map(esc).join('<br>')}</li>`,
        )
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

/** "2 tickers (SPY, QQQ); 1 data size (1250); 2 seeds (1, 2; no finished run for 2)": the grid the records describe. */
export function summariseGrid(runs: OkRecord[], failed: readonly FailedRecord[]): string {
  // Of the finished runs only: with none, there is no grid to describe (not "0 tickers ()").
  if (runs.length === 0) return 'no finished runs';
  const all = [...runs.map((r) => r.params), ...failed.flatMap((f) => (f.params ? [f.params] : []))];
  // The last three are named only where the grid varies them (a grid of one compactor, one
  // representation and one runtime reads as before).
  const parts: [string, (p: RecordParams) => unknown, 'varying'?][] = [
    ['ticker', (p) => p.ticker],
    ['data size', (p) => p.days],
    ['architecture', (p) => p.architecture],
    ['pruner', (p) => p.pruner],
    ['percentile', (p) => p.prune.percentile],
    ['compaction', (p) => [p.compactor ?? 'copy', ...Object.entries(p.compact ?? {}).map(([k, v]) => `${k}=${v}`)].join(' '), 'varying'],
    ['representation', (p) => p.window.plugin, 'varying'],
    ['runtime', (p) => p.measure?.runtime, 'varying'],
    ['seed', (p) => p.seed],
  ];
  return parts
    .map(([noun, get, only]) => {
      const values = distinct(all.map(get).filter((v) => v !== undefined));
      if (only === 'varying' && values.length < 2) return '';
      const finished = new Set(runs.map((r) => get(r.params)));
      const unfinished = values.filter((v) => !finished.has(v));
      const shown = `${values.slice(0, 8).join(', ')}${values.length > 8 ? ', …' : ''}`;
      return values.length
        ? `${counted(values.length, noun)} (${shown}${unfinished.length ? `; no finished run for ${unfinished.join(', ')}` : ''})`
        : '';
    })
    .filter(Boolean)
    .join('; ');
}

export function layerTable(run: OkRecord, names: Names): string {
  const rows = run.original.layers.map((l, i) => {
    const c = run.compact.layers[i];
    return [l.name, l.params, l.nonzero, c?.nonzero ?? '—', c && c.params > 0 ? `${num((1 - c.nonzero / c.params) * 100, 2)}%` : '—'];
  });
  rows.push([
    'total',
    run.original.totalParams,
    run.original.nonzeroParams,
    run.compact.nonzeroParams,
    `${num((1 - run.compact.nonzeroParams / run.compact.totalParams) * 100, 2)}%`,
  ]);
  const pruned = run.pruning.layers
    .map(
      (l) =>
        `<li><code>${esc(prunedLabel(l))}</code>: ${l.total.toLocaleString('en-US')} → ${l.kept.toLocaleString('en-US')} non-zero${l.threshold === undefined ? '' : `, threshold ${esc(l.criterion ?? '|w|')} &gt; ${esc(num(l.threshold, 6))}`}</li>`,
    )
    .join('');
  return `<p>${esc(names.run(run))}. Compression ratio (all parameters / non-zero): original ${esc(num(run.original.compressionRatio, 3))}, compact ${esc(num(run.compact.compressionRatio, 3))}.</p><ul>${pruned}</ul>${table(['layer', 'parameters', 'non-zero (original)', 'non-zero (compact)', 'sparsity (compact)'], rows)}`;
}
