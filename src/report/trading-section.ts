// The report's "Trading on the forecasts" section: each configuration's strategies (original and
// compact, over seeds) against buy and hold and cash, the baselines' own, and equity curves.
import type { StrategyOptions, StrategyPerformance } from '../evaluation/strategy.ts';
import type { Chart } from './charts/chart.ts';
import { pickedOnly, pickerNote, pickerParam, PICKER_LIMIT } from './charts/picker.ts';
import { esc, num, table } from './html.ts';
import type { OkRecord } from './load.ts';
import type { Trading, TradingRow, TradingVerdict } from './trading.ts';
import { ALPHA, formatP } from './verdict.ts';
import { labeller } from '../plan/labels.ts';

const pct = (x: number) => (Number.isFinite(x) ? `${num(x * 100, 2)}%` : '—');
const verdict = ({ test, holm }: TradingVerdict, signed: boolean) =>
  Number.isNaN(test.pValue)
    ? '—'
    : `${signed ? `${num(test.difference, 3)} <small>[${num(test.lo, 3)}, ${num(test.hi, 3)}]</small> ` : ''}p ${formatP(test.pValue)} <small>(${formatP(holm)})</small>${holm < ALPHA ? ' *' : ''}`;
/** Seeds always in cash have no Sharpe ratio: the row's figures are the other seeds' means. */
const cash = (r: TradingRow) => (r.inCash ? `, ${r.inCash} always in cash` : '');
const performanceCells = (p: StrategyPerformance) => [
  num(p.sharpe, 3),
  pct(p.annualReturn),
  pct(p.annualVolatility),
  pct(p.maxDrawdown),
  pct(p.hitRate),
  num(p.annualTurnover, 3),
];

export function tradingSection(
  result: Trading | undefined,
  options: StrategyOptions,
  configLabel: (run: OkRecord) => string,
  figure: (chart: Chart) => string,
): string {
  const rule =
    options.position === 'long-flat'
      ? 'long when the forecast is above the last price the model saw, in cash otherwise'
      : 'long when the forecast is above the last price the model saw, short when below';
  const intro = `<h2 id="trading">Trading on the forecasts</h2><p>A directional strategy from each forecast: ${esc(rule)}; ${esc(num(options.costBps, 3))} bp per unit of position change (set <code>strategy:</code> in the spec; evaluation only, it reruns nothing). Returns are simple, net of costs, with a risk-free rate of 0; Sharpe ratios are annualised over ${esc(num(options.periodsPerYear, 4))} periods a year (<code>strategy.periodsPerYear</code>: trading days, or bars of intraday data). Persistence (tomorrow = today) never forecasts a move, so its strategy stays in cash.</p>`;
  if (!result) return `${intro}<p>No configuration has its stored predictions: nothing to trade on.</p>`;
  const header = ['strategy', 'Sharpe', 'annual return', 'volatility', 'max drawdown', 'hit rate', 'turnover / year'];
  // A grid of several datasets (input features) or horizons has baselines of each: say whose.
  const inputsOf = (run: OkRecord) =>
    `${run.params.ticker}${run.params.features && run.params.features !== 'none' ? ` + ${run.params.features}` : ''}, horizon ${run.horizon ?? 1}`;
  const several = new Set(result.baselines.map((b) => inputsOf(b.runs[0]))).size > 1;
  const baselines = table(
    [...(several ? ['inputs'] : []), 'test period', ...header],
    result.baselines.flatMap((b) => {
      const period = `${b.runs[0].data.test.start} – ${b.runs[0].data.test.end}`;
      const first = [...(several ? [esc(inputsOf(b.runs[0]))] : []), esc(period)];
      return [
        [...first, 'buy and hold', ...performanceCells(b.buyAndHold)],
        ...(b.linear ? [[...first, 'linear (ridge) forecast', ...performanceCells(b.linear)]] : []),
      ];
    }),
    { raw: true },
  );
  const models = table(
    ['configuration', ...header, 'Sharpe − buy and hold [95% CI], p (Holm)', 'vs cash: p (Holm)'],
    result.rows.map((r) => [
      esc(configLabel(r.runs[0])),
      `${r.model} <small>(${r.runs.length} seed${r.runs.length > 1 ? 's' : ''}${cash(r)}${r.sharedBy > 1 ? `; the dense original of ${r.sharedBy} configurations` : ''})</small>`,
      ...performanceCells(r.performance),
      verdict(r.vsBuyAndHold, true),
      verdict(r.vsCash, false),
    ]),
    { raw: true },
  );
  const sizes = `Families: Sharpe vs buy and hold ${result.familySizes['vs buy and hold']} tests, vs cash ${result.familySizes['vs cash']}; each model's figures are means over its seeds, its tests count seeds and test days as random (seeds-and-days, with the Sharpe ratio's delta-method influence and a HAC long-run variance); * Holm-adjusted p &lt; ${ALPHA}. A dense original shared by several pruning configurations is one test.`;
  return `${intro}<h3>Baselines</h3>${baselines}<h3>The models</h3><p>${sizes}</p>${models}${pooledTable(result.pooled, header)}${figure(equityChart(result, configLabel))}`;
}

/** Walk-forward: each configuration traded over all its folds in time order, judged in families of their own. */
function pooledTable(pooled: Trading['pooled'], header: string[]): string {
  if (!pooled.rows.length) return '';
  const withoutFold = (run: OkRecord) => ({ ...run.params, testEnd: 'pooled', fold: undefined });
  const labels = labeller(pooled.rows.flatMap((r) => r.runs.map(withoutFold)));
  const rows = pooled.rows.map((r) => [
    esc(labels.config(withoutFold(r.runs[0]))),
    `${r.model} <small>(${new Set(r.runs.map((x) => x.params.seed)).size} seeds × ${new Set(r.runs.map((x) => x.params.fold)).size} folds${cash(r)}${r.sharedBy > 1 ? `; shared by ${r.sharedBy} configurations` : ''})</small>`,
    ...performanceCells(r.performance),
    verdict(r.vsBuyAndHold, true),
    verdict(r.vsCash, false),
  ]);
  return `<h3>Walk-forward, traded over all folds</h3><p>Each seed's holding periods of every fold in time order, one strategy over the whole span; tested the same way, Holm within these rows (vs buy and hold ${pooled.familySizes['vs buy and hold']} tests, vs cash ${pooled.familySizes['vs cash']}).</p>${table(['configuration', ...header, 'Sharpe − buy and hold [95% CI], p (Holm)', 'vs cash: p (Holm)'], rows, { raw: true })}`;
}

function equityChart(result: Trading, configLabel: (run: OkRecord) => string): Chart {
  const shown = result.curves.slice(0, PICKER_LIMIT);
  const values = shown.flatMap((c) => {
    const choice = configLabel(c.runs[0]);
    return Object.entries(c.equity).flatMap(([series, curve]) => curve.map((equity, t) => ({ date: c.dates[t], series, equity, choice })));
  });
  const picking = shown.length > 1;
  return {
    id: 'equity',
    title: 'Equity curves: trading on the forecasts',
    caption: `Growth of 1 invested at the start of the test period, net of costs: the original's and the compact model's strategies (mean over seeds), buy and hold, and the ridge model's forecasts. Click the legend to highlight a series.${pickerNote(shown.length, result.curves.length)}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 760,
      height: 280,
      data: { values },
      params: [
        { name: 'equity_series', select: { type: 'point', fields: ['series'] }, bind: 'legend' },
        ...(picking
          ? [
              pickerParam(
                'equity_pick',
                shown.map((c) => configLabel(c.runs[0])),
              ),
            ]
          : []),
      ],
      transform: picking ? [pickedOnly('equity_pick')] : [],
      mark: { type: 'line', strokeWidth: 1.5, tooltip: true },
      encoding: {
        x: { field: 'date', type: 'temporal', title: 'date' },
        y: { field: 'equity', type: 'quantitative', scale: { zero: false }, title: 'equity (start = 1)' },
        color: {
          field: 'series',
          type: 'nominal',
          title: null,
          scale: { domain: ['buy and hold', 'linear (ridge)', 'original', 'compact'], range: ['#333333', '#2ca02c', '#1f77b4', '#ff7f0e'] },
        },
        opacity: { condition: { param: 'equity_series', value: 1 }, value: 0.15 },
      },
    },
  };
}
