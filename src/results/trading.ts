// Trading on one run's stored forecasts (evaluation/strategy.ts), with the strategy an output
// folder's spec asks for. Evaluation only: it is recomputed from predictions.csv whenever a report
// or an export is made, so changing the costs reruns nothing, and older output folders get it too.
import { parse } from 'yaml';
import { strategies, type Strategy, type StrategyOptions } from '../evaluation/strategy.ts';
import { sharpeTest } from '../evaluation/sharpe-test.ts';
import { strategySchema } from '../spec/schema.ts';
import type { PredictionRow } from './artifacts.ts';
import { finite } from './export.ts';

/** The forecasters whose strategies are evaluated: the two models and the baselines with an opinion (persistence sits in cash). */
export const TRADED = ['original', 'compact', 'linear'] as const;

/** The `strategy:` of an output folder's resolved spec; the defaults when it has none (older folders). */
export function strategyOptionsOf(resolvedSpec: string | undefined): StrategyOptions {
  const spec = (resolvedSpec ? parse(resolvedSpec) : undefined) as { strategy?: unknown } | undefined;
  return strategySchema.parse(spec?.strategy ?? {});
}

/** One run's strategies: buy and hold, and each traded forecaster present in its predictions. */
export function runStrategies(rows: readonly PredictionRow[], options: StrategyOptions, horizon = 1): Record<string, Strategy> {
  const present = TRADED.filter((name) => rows.length && typeof rows[0][name] === 'number');
  return strategies(rows as never, present, options, horizon);
}

/**
 * Export columns of one run: each strategy's Sharpe ratio, annual return, drawdown, hit rate and
 * turnover, and the Sharpe tests of the two models against buy-and-hold and cash. One seed: the
 * tests are about this trained model on these days (the report's tests are over seeds too).
 */
export function tradingColumns(rows: readonly PredictionRow[], options: StrategyOptions, horizon = 1): Record<string, number | null> {
  const s = runStrategies(rows, options, horizon);
  const out: Record<string, number | null> = {};
  for (const [name, { performance: p }] of Object.entries(s)) {
    const prefix = name === 'buy and hold' ? 'buy_hold' : name;
    Object.assign(out, {
      [`${prefix}_sharpe`]: finite(p.sharpe),
      [`${prefix}_annual_return`]: finite(p.annualReturn),
      [`${prefix}_max_drawdown`]: finite(p.maxDrawdown),
      [`${prefix}_hit_rate`]: finite(p.hitRate),
      [`${prefix}_annual_turnover`]: finite(p.annualTurnover),
    });
  }
  const perYear = options.periodsPerYear / horizon;
  for (const model of ['original', 'compact'] as const) {
    if (!s[model]) continue;
    out[`${model}_sharpe_p_vs_buy_hold`] = finite(sharpeTest([s[model].net], [s['buy and hold'].net], perYear).pValue);
    out[`${model}_sharpe_p_vs_cash`] = finite(sharpeTest([s[model].net], undefined, perYear).pValue);
  }
  return out;
}
