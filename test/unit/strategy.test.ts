// Trading on forecasts (evaluation/strategy.ts) and the Sharpe ratio test (evaluation/sharpe-test.ts),
// on series small enough to check by hand.
import { mulberry32 } from '../../src/plugin/random.ts';
import { netReturns, performance, positions, strategies } from '../../src/evaluation/strategy.ts';
import { sharpeInfluence, sharpeTest } from '../../src/evaluation/sharpe-test.ts';

test('positions: long above the price, flat (or short) below, flat on a tie', () => {
  expect(positions([101, 99, 100], [100, 100, 100], 'long-flat')).toEqual([1, 0, 0]);
  expect(positions([101, 99, 100], [100, 100, 100], 'long-short')).toEqual([1, -1, 0]);
});

test('net returns pay the cost of every unit of position change, from cash', () => {
  // 10 bp: entering (1), leaving (1), entering (1), long to short (2).
  const net = netReturns([1, 0, 1, -1], [0.01, 0.02, -0.01, -0.03], 10);
  [0.009, -0.001, -0.011, 0.028].forEach((x, i) => expect(net[i]).toBeCloseTo(x, 15));
});

test('performance: compounded, annualised, drawdown from the running peak, hits among periods in the market', () => {
  const held = [1, 0, 1, -1];
  const assetReturns = [0.01, 0.02, -0.01, -0.03];
  const p = performance(netReturns(held, assetReturns, 10), held, assetReturns, 252);
  // Hand-computed (Python): equity 1.009 · 0.999 · 0.989 · 1.028.
  expect(p.totalReturn).toBeCloseTo(0.02481638577199985, 12);
  expect(p.annualReturn).toBeCloseTo(3.684916182024419, 9);
  expect(p.maxDrawdown).toBeCloseTo(0.011989, 12); // 1 − 0.996903099 / 1.009
  expect(p.sharpe).toBeCloseTo(5.962189016072576, 9); // mean / sample sd · √252
  expect(p.annualVolatility).toBeCloseTo(0.26416472133878893, 12);
  expect(p.hitRate).toBeCloseTo(2 / 3, 15); // +0.01 long (hit), −0.01 long (miss), −0.03 short (hit)
  expect(p.exposure).toBe(0.75);
  expect(p.annualTurnover).toBeCloseTo((5 / 4) * 252, 12);
});

test('strategies on prediction rows: buy and hold, persistence in cash, and every h-th target for an h-day horizon', () => {
  const rows = [
    { actual: 102, persistence: 100, model: 101 },
    { actual: 101, persistence: 102, model: 103 },
    { actual: 103, persistence: 101, model: 100 },
    { actual: 104, persistence: 103, model: 105 },
  ];
  const s = strategies(rows, ['model', 'persistence'], { position: 'long-flat', costBps: 0, periodsPerYear: 252 });
  expect(s['buy and hold'].positions).toEqual([1, 1, 1, 1]);
  expect(s.model.positions).toEqual([1, 1, 0, 1]);
  [0.02, 101 / 102 - 1, 0, 104 / 103 - 1].forEach((x, i) => expect(s.model.net[i]).toBeCloseTo(x, 15));
  // Persistence forecasts the price itself: never above it, always in cash, no Sharpe ratio.
  expect(s.persistence.net).toEqual([0, 0, 0, 0]);
  expect(s.persistence.performance.sharpe).toBeNaN();
  const twoDay = strategies(rows, ['model'], { position: 'long-flat', costBps: 0, periodsPerYear: 252 }, 2);
  expect(twoDay.model.positions).toEqual([1, 0]);
  expect(twoDay.model.performance.periods).toBe(2);
});

test("the Sharpe influence has mean 0, and for normal returns its variance is Lo's 1 + SR²/2", () => {
  const r = [0.01, -0.02, 0.015, 0.003, -0.004, 0.02];
  expect(sharpeInfluence(r).psi.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
  expect(sharpeInfluence([0, 0, 0]).value).toBeNaN();
  // Lo (2002): the Sharpe ratio's asymptotic variance is (1 + SR²/2) / n for iid normal returns.
  const random = mulberry32(11);
  const normal = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const { value, psi } = sharpeInfluence(Array.from({ length: 40_000 }, () => 0.004 + 0.01 * normal()));
  expect(value).toBeCloseTo(0.4, 1);
  expect(psi.reduce((a, p) => a + p * p, 0) / psi.length).toBeCloseTo(1 + value ** 2 / 2, 1);
});

test('the Sharpe test holds its size: equal Sharpe ratios are rejected about 5% of the time', () => {
  const random = mulberry32(7);
  const normal = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const rate = (seeds: number) => {
    let rejected = 0;
    const reps = 600;
    for (let k = 0; k < reps; k++) {
      // One market; each seed's two strategies hold it on random days: equal Sharpe ratios in expectation.
      const market = Array.from({ length: 250 }, () => 0.0004 + 0.01 * normal());
      const hold = () => Array.from({ length: seeds }, () => market.map((m) => (random() < 0.5 ? m : 0)));
      if (sharpeTest(hold(), hold(), 252).pValue < 0.05) rejected++;
    }
    return rejected / reps;
  };
  for (const seeds of [1, 5]) {
    const r = rate(seeds);
    expect(r).toBeGreaterThan(0.025);
    expect(r).toBeLessThan(0.08);
  }
});

test('a strategy that earns more per unit of risk is told apart; cash has no Sharpe ratio to compare', () => {
  const random = mulberry32(3);
  const normal = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const good = [Array.from({ length: 500 }, () => 0.003 + 0.01 * normal())];
  const t = sharpeTest(good, undefined, 252);
  expect(t.pValue).toBeLessThan(1e-6);
  expect(t.difference).toBeGreaterThan(3); // ≈ 0.3 · √252 = 4.8
  expect(t.lo).toBeLessThan(t.difference);
  expect(sharpeTest([Array(40).fill(0)], undefined, 252).pValue).toBeNaN();
  // Too few holding periods (a 20-day horizon over 60 days: 3) for the delta method: no test.
  expect(sharpeTest([good[0].slice(0, 29)], undefined, 252).pValue).toBeNaN();
  expect(sharpeTest([good[0].slice(0, 30)], undefined, 252).pValue).toBeGreaterThan(0);
});
