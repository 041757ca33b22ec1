// Trading on a forecast: what a quant asks after "how large is the error". A directional strategy
// holds the asset when the forecast is above the price at decision time (the last price the
// forecaster saw), and is flat — or short — otherwise; it pays a cost on every change of position.
// Buy-and-hold is the position 1 throughout; persistence (tomorrow = today) is never above the
// price, so its strategy stays in cash.
//
// For an h-day horizon the targets overlap, so the strategy trades every h-th target only (one
// h-day holding at a time) and a year has periodsPerYear / h periods. Returns are simple
// returns, the risk-free rate is taken as 0, and the cost of the last exit is not charged.

export type PositionRule = 'long-flat' | 'long-short';

export interface StrategyOptions {
  /** long-flat: long when the forecast is above the price, else flat; long-short: short instead of flat. */
  position: PositionRule;
  /** Cost of each unit of position change (entering long is 1, long to short 2), in basis points of the traded value. */
  costBps: number;
  /** Trading days per year, for annualising (252). */
  periodsPerYear: number;
}

export const DEFAULT_STRATEGY: StrategyOptions = { position: 'long-flat', costBps: 1, periodsPerYear: 252 };

export interface StrategyPerformance {
  /** Holding periods traded. */
  periods: number;
  /** Compounded net return over the test period. */
  totalReturn: number;
  /** Geometric annual net return. */
  annualReturn: number;
  annualVolatility: number;
  /** Annualised mean over standard deviation of the net returns; NaN when they never vary (always in cash). */
  sharpe: number;
  /** Largest fall of the equity curve from its running peak, as a fraction (0.2 = 20%). */
  maxDrawdown: number;
  /** Of the periods with a position, the fraction whose return had the position's sign; NaN when never in the market. */
  hitRate: number;
  /** Fraction of periods with a position. */
  exposure: number;
  /** Mean position change per period (1 = a full entry or exit every period), annualised. */
  annualTurnover: number;
}

/** The position held over each target: +1, 0 or −1 from the forecast against the price at decision time. */
export function positions(forecast: readonly number[], price: readonly number[], rule: PositionRule): number[] {
  return forecast.map((f, i) => (f > price[i] ? 1 : rule === 'long-short' && f < price[i] ? -1 : 0));
}

/** Net returns: position × the asset's return, less the cost of each change of position (starting from cash). */
export function netReturns(held: readonly number[], assetReturns: readonly number[], costBps: number): number[] {
  let before = 0;
  return held.map((p, i) => {
    const cost = (Math.abs(p - before) * costBps) / 10_000;
    before = p;
    return (p === 0 ? 0 : p * assetReturns[i]) - cost; // in cash: exactly 0, not −0
  });
}

export function performance(
  net: readonly number[],
  held: readonly number[],
  assetReturns: readonly number[],
  periodsPerYear: number,
): StrategyPerformance {
  const n = net.length;
  let equity = 1;
  let peak = 1;
  let maxDrawdown = 0;
  for (const r of net) {
    equity *= 1 + r;
    peak = Math.max(peak, equity);
    maxDrawdown = Math.max(maxDrawdown, 1 - equity / peak);
  }
  const mean = net.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(net.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1));
  let inMarket = 0;
  let hits = 0;
  let turnover = 0;
  held.forEach((p, i) => {
    turnover += Math.abs(p - (i === 0 ? 0 : held[i - 1]));
    if (p === 0) return;
    inMarket++;
    if (Math.sign(assetReturns[i]) === Math.sign(p)) hits++;
  });
  return {
    periods: n,
    totalReturn: equity - 1,
    annualReturn: equity ** (periodsPerYear / n) - 1,
    annualVolatility: sd * Math.sqrt(periodsPerYear),
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(periodsPerYear) : NaN,
    maxDrawdown,
    hitRate: inMarket ? hits / inMarket : NaN,
    exposure: inMarket / n,
    annualTurnover: (turnover / n) * periodsPerYear,
  };
}

/** One prediction row: the target's price, the price at decision time, and each forecaster's forecast. */
export interface ForecastRow {
  actual: number;
  /** The last price the forecaster saw (persistence's forecast). */
  persistence: number;
  [forecaster: string]: number | string;
}

export interface Strategy {
  positions: number[];
  net: number[];
  /** The asset's return over each holding period (the same for every strategy of a run). */
  assetReturns: number[];
  performance: StrategyPerformance;
}

/**
 * Every forecaster's strategy on one run's test predictions, and buy-and-hold's, on the same
 * holding periods (every `horizon`-th target).
 */
export function strategies(
  rows: readonly ForecastRow[],
  forecasters: readonly string[],
  options: StrategyOptions,
  horizon = 1,
): Record<string, Strategy> {
  const traded = rows.filter((_, i) => i % horizon === 0);
  const price = traded.map((r) => r.persistence);
  const assetReturns = traded.map((r) => r.actual / r.persistence - 1);
  const perYear = options.periodsPerYear / horizon;
  const run = (held: number[]): Strategy => {
    const net = netReturns(held, assetReturns, options.costBps);
    return { positions: held, net, assetReturns, performance: performance(net, held, assetReturns, perYear) };
  };
  const out: Record<string, Strategy> = { 'buy and hold': run(traded.map(() => 1)) };
  for (const name of forecasters)
    out[name] = run(
      positions(
        traded.map((r) => r[name] as number),
        price,
        options.position,
      ),
    );
  return out;
}
