// Trading on the forecasts, over seeds: for every configuration, the original's and the compact
// model's directional strategies (results/trading.ts) summarised over seeds, and two questions,
// each one multiple-testing family (Holm), each distinct test counted once:
//   Sharpe vs buy and hold — does trading on the forecast beat holding the asset?
//   Sharpe vs cash         — does it earn anything per unit of risk? (persistence's own strategy
//                            never trades: it forecasts today's price.)
// The dense original is shared by every pruning configuration of its trainings: it enters once.
import { sharpeTest, type SharpeTest } from '../evaluation/sharpe-test.ts';
import { performance, type StrategyOptions, type StrategyPerformance } from '../evaluation/strategy.ts';
import { holm } from '../evaluation/multiple-testing.ts';
import { byConfiguration } from '../plan/labels.ts';
import type { PredictionRow } from '../results/artifacts.ts';
import { runStrategies } from '../results/trading.ts';
import { pooledKey } from './comparisons.ts';
import type { OkRecord } from './load.ts';

export type TradingQuestion = 'vs buy and hold' | 'vs cash';

export interface TradingVerdict {
  test: SharpeTest;
  /** Holm-adjusted within the question's family; NaN where the test is undefined. */
  holm: number;
}

export interface TradingRow {
  runs: OkRecord[];
  model: 'original' | 'compact';
  /** For the dense original: how many configurations share it (it is listed and tested once). */
  sharedBy: number;
  /** Seeds whose strategy never left cash (no Sharpe ratio; the others' mean is shown). */
  inCash: number;
  /** Means over seeds. */
  performance: StrategyPerformance;
  vsBuyAndHold: TradingVerdict;
  vsCash: TradingVerdict;
}

/** The baselines' strategies of one test period (the same for every seed): buy and hold, the ridge model. */
export interface TradingBaselines {
  runs: OkRecord[];
  buyAndHold: StrategyPerformance;
  linear?: StrategyPerformance;
}

export interface Trading {
  rows: TradingRow[];
  /** Walk-forward grids: each configuration's strategies over all its folds' test periods, in time order. */
  pooled: { rows: TradingRow[]; familySizes: Record<TradingQuestion, number> };
  baselines: TradingBaselines[];
  familySizes: Record<TradingQuestion, number>;
  /** Per configuration: the traded dates and each strategy's equity curve (mean over seeds for the models). */
  curves: { runs: OkRecord[]; dates: string[]; equity: Record<string, number[]> }[];
}

/**
 * Each figure's mean over the seeds that have it: a seed whose strategy never left cash has no
 * Sharpe ratio or hit rate (counted in `inCash`), and its zeros stay in the return and drawdown.
 */
function meanPerformance(ps: readonly StrategyPerformance[]): StrategyPerformance {
  const mean = (key: keyof StrategyPerformance) => {
    const xs = ps.map((p) => p[key]).filter(Number.isFinite);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
  };
  return Object.fromEntries(
    (Object.keys(ps[0]) as (keyof StrategyPerformance)[]).map((k) => [k, mean(k)]),
  ) as unknown as StrategyPerformance;
}

/** Seeds whose strategy never held a position. */
const inCash = (ps: readonly StrategyPerformance[]) => ps.filter((p) => p.exposure === 0).length;

const equityOf = (net: readonly number[]) => {
  let e = 1;
  return net.map((r) => (e *= 1 + r));
};

/** The mean over seeds of their equity curves. */
function curveOf(nets: readonly (readonly number[])[]): number[] {
  const curves = nets.map(equityOf);
  return curves[0].map((_, t) => curves.reduce((a, c) => a + c[t], 0) / curves.length);
}

/** One model's row: its seeds' mean performance, and its Sharpe tests against buy and hold and cash (unadjusted). */
function tradingRow(
  runs: TradingRow['runs'],
  model: TradingRow['model'],
  performances: readonly StrategyPerformance[],
  nets: readonly (readonly number[])[],
  buyAndHoldNets: readonly (readonly number[])[],
  perYear: number,
): TradingRow {
  return {
    runs,
    model,
    sharedBy: 1,
    performance: meanPerformance(performances),
    inCash: inCash(performances),
    vsBuyAndHold: { test: sharpeTest(nets, buyAndHoldNets, perYear), holm: NaN },
    vsCash: { test: sharpeTest(nets, undefined, perYear), holm: NaN },
  };
}

/** Every configuration whose runs all have stored predictions; undefined when none has. */
export function trading(
  runs: readonly OkRecord[],
  predictionsOf: (run: OkRecord) => PredictionRow[] | undefined,
  options: StrategyOptions,
): Trading | undefined {
  const rows: TradingRow[] = [];
  const baselines = new Map<string, TradingBaselines>();
  const curves: Trading['curves'] = [];
  const listed = new Map<string, TradingRow>();
  for (const config of byConfiguration([...runs])) {
    const predicted = config.map(predictionsOf);
    if (!predicted.every(Boolean)) continue;
    const horizon = config[0].horizon ?? 1;
    const perYear = options.periodsPerYear / horizon;
    const seeds = predicted.map((p) => runStrategies(p!, options, horizon));
    const hold = seeds[0]['buy and hold'];
    const period = JSON.stringify([config[0].data.checksum, config[0].data.test, horizon]);
    if (!baselines.has(period))
      baselines.set(period, {
        runs: config,
        buyAndHold: hold.performance,
        ...(seeds[0].linear ? { linear: seeds[0].linear.performance } : {}),
      });
    const dates = predicted[0]!.filter((_, i) => i % horizon === 0).map((r) => r.date);
    const equity: Record<string, number[]> = {
      'buy and hold': equityOf(hold.net),
      ...(seeds[0].linear ? { 'linear (ridge)': equityOf(seeds[0].linear.net) } : {}),
    };
    for (const model of ['original', 'compact'] as const) {
      const nets = seeds.map((s) => s[model].net);
      // The original's test is the same for every pruning configuration of its trainings: listed once.
      const id =
        model === 'original'
          ? `original:${config.map((r) => r.trainKey).join(',')}:${period}`
          : `compact:${config.map((r) => r.runId).join(',')}`;
      const shared = listed.get(id);
      if (shared) {
        shared.sharedBy++;
        equity[model] = curveOf(nets);
        continue;
      }
      const row = tradingRow(
        config,
        model,
        seeds.map((s) => s[model].performance),
        nets,
        seeds.map((s) => s['buy and hold'].net),
        perYear,
      );
      rows.push(row);
      listed.set(id, row);
      equity[model] = curveOf(nets);
    }
    curves.push({ runs: config, dates, equity });
  }
  if (!rows.length) return undefined;
  return {
    rows,
    baselines: [...baselines.values()],
    familySizes: judgeRows(rows),
    curves,
    pooled: pooledTrading(runs, predictionsOf, options),
  };
}

/** Holm within each question's family; each listed row is one distinct test (shared originals are listed once). */
function judgeRows(rows: readonly TradingRow[]): Record<TradingQuestion, number> {
  const familySizes = { 'vs buy and hold': 0, 'vs cash': 0 };
  for (const [question, verdictOf] of [
    ['vs buy and hold', (r: TradingRow) => r.vsBuyAndHold],
    ['vs cash', (r: TradingRow) => r.vsCash],
  ] as const) {
    const family = rows.map(verdictOf).filter((v) => Number.isFinite(v.test.pValue));
    holm(family.map((v) => v.test.pValue)).forEach((p, i) => (family[i].holm = p));
    familySizes[question] = family.length;
  }
  return familySizes;
}

/**
 * Walk-forward: per configuration and seed, every fold's holding periods in time order, as one
 * strategy over the whole span (a seed missing a fold or its predictions is left out), tested
 * like the per-fold rows in families of their own.
 */
function pooledTrading(
  runs: readonly OkRecord[],
  predictionsOf: (run: OkRecord) => PredictionRow[] | undefined,
  options: StrategyOptions,
): Trading['pooled'] {
  const pools = new Map<string, OkRecord[]>();
  for (const run of runs.filter((r) => r.params.fold !== undefined)) pools.set(pooledKey(run), [...(pools.get(pooledKey(run)) ?? []), run]);
  const rows: TradingRow[] = [];
  const listed = new Map<string, TradingRow>();
  for (const pool of pools.values()) {
    const folds = new Set(pool.map((r) => r.params.fold)).size;
    const horizon = pool[0].horizon ?? 1;
    const perYear = options.periodsPerYear / horizon;
    const seeds = [...new Set(pool.map((r) => r.params.seed))]
      .map((seed) => pool.filter((r) => r.params.seed === seed).sort((a, b) => a.params.fold! - b.params.fold!))
      .filter((f) => f.length === folds && f.every((r) => predictionsOf(r)));
    if (!seeds.length) continue;
    // Each seed's folds joined: nets, positions and the asset's returns, in time order.
    const joined = seeds.map((foldRuns) => {
      const parts = foldRuns.map((r) => runStrategies(predictionsOf(r)!, options, horizon));
      const join = (name: string, key: 'net' | 'positions' | 'assetReturns') => parts.flatMap((p) => p[name][key]);
      return Object.fromEntries(
        ['original', 'compact', 'buy and hold'].map((name) => [
          name,
          { net: join(name, 'net'), positions: join(name, 'positions'), assetReturns: join(name, 'assetReturns') },
        ]),
      );
    });
    for (const model of ['original', 'compact'] as const) {
      const id =
        model === 'original'
          ? `original:${seeds
              .flat()
              .map((r) => r.trainKey)
              .join(',')}`
          : `compact:${seeds
              .flat()
              .map((r) => r.runId)
              .join(',')}`;
      const shared = listed.get(id);
      if (shared) {
        shared.sharedBy++;
        continue;
      }
      const nets = joined.map((j) => j[model].net);
      const each = joined.map((j) => performance(j[model].net, j[model].positions, j[model].assetReturns, perYear));
      const row = tradingRow(
        seeds.flat(),
        model,
        each,
        nets,
        joined.map((j) => j['buy and hold'].net),
        perYear,
      );
      rows.push(row);
      listed.set(id, row);
    }
  }
  return { rows, familySizes: judgeRows(rows) };
}
