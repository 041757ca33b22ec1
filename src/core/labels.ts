// One way to name a run in logs, tables and reports: "SPY 1250d paper magnitude percentile=35".
import type { RunParams } from './grid.ts';

export function configLabel(p: Pick<RunParams, 'ticker' | 'days' | 'architecture' | 'pruner' | 'prune'>): string {
  const axes = Object.entries(p.prune).map(([k, v]) => `${k}=${v}`);
  return `${p.ticker} ${p.days}d ${p.architecture} ${p.pruner}${axes.length ? ` ${axes.join(' ')}` : ''}`;
}

export function runLabel(p: Pick<RunParams, 'ticker' | 'days' | 'architecture' | 'pruner' | 'prune' | 'seed'>): string {
  return `${configLabel(p)} seed=${p.seed}`;
}
