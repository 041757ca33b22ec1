// runExperiment: the programmatic API behind `runexp <spec>`. Validates everything, then runs the
// training groups that still have unfinished runs on a piscina pool, storing each record as it
// arrives. Returns counts; never calls process.exit.
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { stringify } from 'yaml';
import type { BackendChoice } from './backend.ts';
import { ErrorCode, RunexpError, serializeError } from './errors.ts';
import type { RunConfig, TrainGroup } from './grid.ts';
import { runLabel } from './labels.ts';
import { environment } from './manifest.ts';
import type { RunRecord } from './pipeline.ts';
import { createPool } from './pool.ts';
import { prepare, type Prepared } from './prepare.ts';
import { Progress } from './progress.ts';
import { ExperimentStore, finishedRunIds, readResults, writeFileAtomic, type StoredRecord } from './store.ts';
import type { WorkerMessage, WorkerTask } from './worker.ts';

export interface RunOptions {
  spec: string;
  out?: string;
  workers?: number;
  fresh?: boolean;
  backend?: BackendChoice;
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** V8 heap limit of each worker thread, in MB (piscina resourceLimits). */
  workerMemoryMb?: number;
}

export interface RunSummary {
  outDir: string;
  total: number;
  reused: number;
  ok: number;
  failed: number;
  interrupted: boolean;
  /** The latest record of every run in the grid (reused and new). */
  records: StoredRecord[];
  backends: string[];
}

export function defaultOutDir(name: string): string {
  return resolve('runs', name);
}

export async function runExperiment(options: RunOptions): Promise<RunSummary> {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  let outDir = options.out ? resolve(options.out) : '';
  const prepared = await prepare(options.spec, { log, cacheDirFor: (name) => join(outDir || defaultOutDir(name), 'cache') });
  outDir ||= defaultOutDir(prepared.loaded.spec.name);

  const store = new ExperimentStore(outDir);
  store.open();
  try {
    return await execute(prepared, store, options, log);
  } finally {
    store.close();
  }
}

async function execute(prepared: Prepared, store: ExperimentStore, options: RunOptions, log: (m: string) => void): Promise<RunSummary> {
  const { outDir } = store;
  const { loaded, grid, series } = prepared;
  if (options.fresh) store.startAfresh();
  const done = finishedRunIds(outDir);
  const pendingGroups = grid.groups
    .map((g) => ({ group: g, pending: g.runs.filter((r) => !done.has(r.runId)).map((r) => r.runId) }))
    .filter((g) => g.pending.length > 0);
  const pendingRuns = pendingGroups.reduce((n, g) => n + g.pending.length, 0);
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), pendingGroups.length || 1));

  writeFileAtomic(join(outDir, 'spec.resolved.yaml'), `# resolved from ${loaded.file}\n${stringify(loaded.spec)}`);
  const manifest = {
    experiment: loaded.spec.name,
    spec: loaded.file,
    ...environment(),
    backendRequested: options.backend ?? 'auto',
    backends: [] as string[],
    workers,
    startedAt: new Date().toISOString(),
    endedAt: null as string | null,
    status: 'running',
    data: [...series.values()].map((s) => ({ ticker: s.ticker, source: s.source, checksum: s.checksum, first: s.dates[0], last: s.dates[s.dates.length - 1], rows: s.dates.length })),
    // The runs of this grid: results.jsonl may also hold runs of earlier versions of the spec.
    grid: { runs: grid.runs.length, trainings: grid.groups.length, reused: grid.runs.length - pendingRuns, runIds: grid.runs.map((r) => r.runId) },
    counts: { ok: 0, failed: 0 },
  };
  const saveManifest = () => writeFileAtomic(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  saveManifest();
  log(`runexp: ${loaded.spec.name}: ${grid.runs.length} runs (${grid.runs.length - pendingRuns} already done), ${pendingGroups.length} trainings on ${workers} worker${workers === 1 ? '' : 's'} → ${outDir}`);

  const progress = new Progress(pendingRuns);
  const backends = new Set<string>();
  let ok = 0;
  let failed = 0;
  let fatal: Error | undefined;
  let stopPool = () => {};
  const onRecord = (run: RunConfig | undefined, record: RunRecord) => {
    if (fatal) return;
    try {
      store.append(record);
    } catch (err) {
      // Results can no longer be stored: stop at once rather than compute what would be lost.
      fatal = err as Error;
      stopPool();
      return;
    }
    if (typeof record.backend === 'string') backends.add(record.backend);
    if (record.status === 'ok') ok++;
    else failed++;
    const label = run ? runLabel(run.params) : record.runId;
    progress.runFinished(label, record.status === 'ok', record.status === 'ok' ? '' : `${record.error?.stage ?? ''} ${record.error?.message ?? ''}`.trim());
  };

  let interrupted = false;
  if (pendingGroups.length > 0) {
    const pool = createPool(workers, options.workerMemoryMb);
    stopPool = () => void pool.destroy();
    const onAbort = () => {
      interrupted = true;
      stopPool();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.all(pendingGroups.map(({ group, pending }) => runGroupOnPool(pool, group, pending, prepared, outDir, options.backend ?? 'auto', onRecord, () => interrupted || fatal !== undefined)));
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await pool.destroy();
      progress.end();
    }
  }

  if (fatal) {
    manifest.status = 'write-error';
    manifest.endedAt = new Date().toISOString();
    try {
      saveManifest();
    } catch {
      // the disk that refused the results may refuse this too
    }
    throw new RunexpError(ErrorCode.WRITE, `cannot store results in ${outDir}: ${fatal.message}`, 'free space or fix permissions, then run the same command again: finished runs are kept');
  }
  const all = readResults(outDir);
  const records = grid.runs.map((r) => all.get(r.runId)).filter((r): r is StoredRecord => r !== undefined);
  manifest.backends = [...backends];
  manifest.endedAt = new Date().toISOString();
  manifest.status = interrupted ? 'interrupted' : failed > 0 ? 'some-runs-failed' : 'ok';
  manifest.counts = { ok: records.filter((r) => r.status === 'ok').length, failed: records.filter((r) => r.status === 'failed').length };
  saveManifest();
  return { outDir, total: grid.runs.length, reused: grid.runs.length - pendingRuns, ok, failed, interrupted, records, backends: [...backends] };
}

/** Sends one group to the pool; records arrive on a port as each run finishes. */
async function runGroupOnPool(
  pool: ReturnType<typeof createPool>,
  group: TrainGroup,
  pending: string[],
  prepared: Prepared,
  outDir: string,
  backendChoice: BackendChoice,
  onRecord: (run: RunConfig | undefined, record: RunRecord) => void,
  isInterrupted: () => boolean,
): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  const received = new Set<string>();
  const byId = new Map(group.runs.map((r) => [r.runId, r]));
  // Messages on one port arrive in order, so "done" comes after the group's last record.
  let markFinished = () => {};
  const finished = new Promise<void>((resolveFinished) => (markFinished = resolveFinished));
  port1.on('message', (message: WorkerMessage) => {
    if (message.type === 'done') return markFinished();
    if (isInterrupted()) return;
    received.add(message.record.runId);
    onRecord(byId.get(message.record.runId), message.record);
  });
  const task: WorkerTask = { group, series: prepared.series.get(group.datasetKey)!, outDir, pending, backendChoice, port: port2 };
  try {
    await pool.run(task, { transferList: [port2] });
    await finished;
  } catch (err) {
    port1.close();
    if (isInterrupted()) return;
    // The worker died (crash, out of memory): every run it had not reported fails with the cause.
    const error = { ...serializeError(err), code: ErrorCode.WORKER };
    for (const runId of pending.filter((id) => !received.has(id))) {
      onRecord(byId.get(runId), { runId, trainKey: group.trainKey, params: byId.get(runId)?.params, status: 'failed', error, finishedAt: new Date().toISOString() });
    }
  } finally {
    port1.close();
  }
}
