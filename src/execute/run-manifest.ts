// The manifest a run writes first: what produced it (spec, environment, backend asked for), its
// data's checksums and the grid it runs; counts and end come later.
import { DEFAULT_STACK_SEEDS } from '../plan/seed-stacks.ts';
import type { Prepared } from '../plan/prepare.ts';
import { environment, MANIFEST_SCHEMA_VERSION, type Manifest } from '../results/manifest.ts';
import type { Launcher } from './launcher.ts';
import type { RunOptions } from './run-options.ts';

/** The manifest of a run as it starts: what produced it, its data and grid, no counts yet. */
export function startingManifest(prepared: Prepared, options: RunOptions, launcher: Launcher, pendingRuns: number): Manifest {
  const { loaded, grid, series } = prepared;
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    experiment: loaded.spec.name,
    spec: loaded.file,
    ...environment(),
    backendRequested: options.backend ?? 'auto',
    backends: [],
    launcher: launcher.name,
    workers: launcher.workers,
    stackSeeds: options.stackSeeds ?? DEFAULT_STACK_SEEDS,
    startedAt: new Date().toISOString(),
    endedAt: null,
    status: 'running',
    data: [...series.values()].map((s) => ({
      ticker: s.ticker,
      source: s.source,
      checksum: s.checksum,
      first: s.dates[0],
      last: s.dates[s.dates.length - 1],
      rows: s.dates.length,
    })),
    grid: {
      runs: grid.runs.length,
      trainings: grid.groups.length,
      reused: grid.runs.length - pendingRuns,
      runIds: grid.runs.map((r) => r.runId),
    },
    counts: { ok: 0, failed: 0 },
  };
}
