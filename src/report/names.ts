// How a report names runs and configurations: by what varies across its runs.
import { labeller } from '../plan/labels.ts';
import type { OkRecord } from './load.ts';

export interface Names {
  run(run: OkRecord): string;
  /** The configuration: what the seeds of one cell share. */
  base(run: OkRecord): string;
  /** The configuration, with its test period end. */
  config(run: OkRecord): string;
}

export function namesFor(runs: readonly OkRecord[]): Names {
  const labels = labeller(runs.map((r) => r.params));
  return {
    run: (r) => labels.run(r.params),
    base: (r) => labels.config(r.params),
    config: (r) => `${labels.config(r.params)}, test to ${r.params.testEnd}`,
  };
}
