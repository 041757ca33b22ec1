// What planning produces: plain, serialisable descriptions of runs and of the trainings they
// share. Everything here can cross a thread or a network as it is.
import type { Architecture } from '../plugin/architecture.ts';
import type { PrunerDeclaration, Slot } from '../plugin/api.ts';
import type { PluginSource } from '../spec/plugin-source.ts';

/** A plugin and one combination of its options, in a portable form. */
export interface PluginCall {
  slot: Slot;
  name: string;
  source: PluginSource;
  options: Record<string, unknown>;
}

export interface Ranges {
  train: { from: number; to: number; start: string; end: string; days: number };
  test: { from: number; to: number; start: string; end: string; days: number };
}

/**
 * What distinguishes a run from the others in its grid. Each slot's block holds the plugin's
 * axis values plus any option that differs between instances of that plugin in the grid, so two
 * runs that differ in any option never have the same params.
 */
export interface RunParams {
  ticker: string;
  /** The fetch plugin's name, and its distinguishing options. */
  source: string;
  fetch: Record<string, unknown>;
  days: number;
  testEnd: string;
  /** Walk-forward only: the fold, 1 = the oldest test period. */
  fold?: number;
  /** Only in a grid where some dataset has input features: this dataset's ("none", or "^VIX level, TLT log-return"). */
  features?: string;
  architecture: string;
  seed: number;
  pruner: string;
  prune: Record<string, unknown>;
  compactor: string;
  compact: Record<string, unknown>;
  measure: Record<string, unknown>;
  train: Record<string, unknown>;
  window: Record<string, unknown>;
}

export interface RunConfig {
  runId: string;
  /** The dense training every run of the group shares ("original"). */
  trainKey: string;
  datasetKey: string;
  params: RunParams;
  prune: PluginCall;
  compact: PluginCall;
  /** A compactor that runs on `compact`'s model (spec/compactions.ts): structured, then quantize. */
  compactThen?: PluginCall;
  measure: PluginCall;
  /** What the pruner declares about this run (its sparsity, unit or weight, control); not part of its id. */
  declared?: PrunerDeclaration;
  /** Set when the pruner trains a model of its own with its hooks: that training's cache key. */
  prunerTrainKey?: string;
  /** Walk-forward trained once: this run's test period, when it is not its group's. */
  test?: Ranges['test'];
}

/** Everything needed to train the dense model once; every run in `runs` starts from it. */
export interface TrainGroup {
  trainKey: string;
  datasetKey: string;
  seed: number;
  architecture: Architecture;
  ranges: Ranges;
  window: PluginCall & { lookback: number; horizon: number; validationSplit: number; crossSessions?: boolean };
  train: PluginCall;
  runs: RunConfig[];
}

export interface Grid {
  groups: TrainGroup[];
  runs: RunConfig[];
}

/** The trainings that the given runs of a group need: the dense one, and each pruner's own. */
export function trainingKeys(group: TrainGroup, runIds: readonly string[]): string[] {
  const own = group.runs.filter((r) => runIds.includes(r.runId)).flatMap((r) => (r.prunerTrainKey ? [r.prunerTrainKey] : []));
  return [...new Set([group.trainKey, ...own])];
}
