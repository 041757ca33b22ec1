import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { ErrorCode, RunexpError, serializeError } from '../plugin/errors.ts';
import { labeller } from '../plan/labels.ts';
import { prepare, type Prepared } from '../plan/prepare.ts';
import { trainingKeys, type TrainGroup } from '../plan/types.ts';
import { MANIFEST_FILE } from '../results/manifest.ts';
import type { ArtifactFiles } from '../results/artifacts.ts';
import { failedRecord, type RunRecord } from '../results/record.ts';
import { outDirError } from '../results/out-dir.ts';
import { cachedTraining, ExperimentStore, finishedRunIds, readResults } from '../results/store.ts';
import type { GroupTask, TaskEvent } from './launcher.ts';
import { Progress } from './progress.ts';
import { driveGroup } from './drive-group.ts';
import { DEFAULT_STACK_SEEDS, seedStacks } from '../plan/seed-stacks.ts';
import { counted } from '../plugin/shorten.ts';
import { startingManifest } from './run-manifest.ts';
import { chooseLauncher } from './choose-launcher.ts';
import type { RunOptions, RunSummary } from './run-options.ts';
export type { RunOptions, RunSummary };

export function defaultOutDir(name: string): string {
  return resolve('runs', name);
}

/**
 * Runs an experiment: validates the spec, runs the grid's runs not already finished (in parallel), stores
 * every record as it finishes, and resolves with a summary. Throws a SpecError (with located issues) before
 * writing anything when the spec is invalid.
 */
export async function runExperiment(options: RunOptions): Promise<RunSummary> {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  let outDir = options.out ? resolve(options.out) : '';
  const prepared = await prepare(options.spec, {
    log,
    specDir: options.specDir,
    cacheDirFor: (name) => resolve(outDir || defaultOutDir(name), 'cache'),
  });
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
  const { loaded, grid } = prepared;
  if (options.fresh) store.startAfresh();
  const done = finishedRunIds(outDir);
  // Longest first: a group's cost grows with its training days and its runs, and starting the
  // biggest ones first keeps every worker busy to the end instead of leaving one on the last giant.
  const cost = (g: TrainGroup, pending: string[]) => g.ranges.train.days * (1 + pending.length);
  const pendingGroups = grid.groups
    .map((g) => ({ group: g, pending: g.runs.filter((r) => !done.has(r.runId)).map((r) => r.runId) }))
    .filter((g) => g.pending.length > 0)
    .sort((a, b) => cost(b.group, b.pending) - cost(a.group, a.pending));
  const pendingRuns = pendingGroups.reduce((n, g) => n + g.pending.length, 0);
  const launcher = chooseLauncher(options, pendingGroups.length);

  const manifest = startingManifest(prepared, options, launcher, pendingRuns);
  const saveManifest = () => store.writeFile(MANIFEST_FILE, JSON.stringify(manifest, null, 2));
  try {
    store.writeFile('spec.resolved.yaml', `# resolved from ${loaded.file}\n${stringify(loaded.spec)}`);
    saveManifest();
  } catch (err) {
    throw outDirError(outDir, err); // before any run: nothing is lost, the folder is unusable
  }
  const where = launcher.where ?? (launcher.workers === 0 ? 'in this process' : `on ${counted(launcher.workers, 'worker')}`);
  const trainings = pendingGroups.flatMap(({ group, pending }) => trainingKeys(group, pending));
  const cached = trainings.filter((key) => cachedTraining(outDir, key)).length;
  // Seeds of one model trained as one computation (plan/seed-stacks.ts), before their groups.
  const stacks = seedStacks(
    pendingGroups.map((g) => g.group).filter((g) => !cachedTraining(outDir, g.trainKey)),
    options.stackSeeds ?? DEFAULT_STACK_SEEDS,
    launcher.workers,
  );
  const stackNote = stacks.length ? `, up to ${stacks.flat().length} of them in ${counted(stacks.length, 'stack')} of seeds` : '';
  log(
    `runexp: ${loaded.spec.name}: ${counted(grid.runs.length, 'run')} (${grid.runs.length - pendingRuns} already done), ${counted(trainings.length - cached, 'training')} to do${cached ? ` (${cached} cached)` : ''}${stackNote} ${where} → ${outDir}`,
  );

  const labels = labeller(grid.runs.map((r) => r.params));
  const progress = new Progress(pendingRuns);
  const backends = new Set<string>();
  let ok = 0;
  let failed = 0;
  let fatal: Error | undefined;
  let interrupted = false;
  const stopped = () => interrupted || fatal !== undefined;

  const recorded = new Set(done);
  let groupsLeft = pendingGroups.length;
  const capacity = launcher.concurrent ?? Math.max(1, launcher.workers);
  const reportProgress = () =>
    options.onProgress?.({
      outDir,
      total: grid.runs.length,
      ok: recorded.size,
      failed,
      groupsRunning: Math.min(capacity, groupsLeft),
      groupsLeft,
      etaSeconds: progress.etaSeconds(),
    });
  const storeRecord = (record: RunRecord) => {
    store.append(record);
    if (record.status === 'ok') recorded.add(record.runId);
    if (record.backend) backends.add(record.backend);
    if (record.status === 'ok') ok++;
    else failed++;
    const label = record.params ? labels.run(record.params) : record.runId;
    progress.runFinished(
      label,
      record.status === 'ok',
      record.status === 'ok' ? '' : `${record.error.stage ?? ''} ${record.error.message}`.trim(),
    );
    reportProgress();
  };
  // A training that cannot be cached costs a retraining later, nothing that finished.
  const cacheTraining = (key: string, files: ArtifactFiles) => {
    try {
      store.saveTraining(key, files);
    } catch (err) {
      log(`runexp: training ${key} could not be cached: ${(err as Error).message}`);
    }
  };
  const onEvent = (event: TaskEvent) => {
    if (stopped()) return;
    try {
      if (event.type === 'log') return progress.log(event.message);
      if (event.type === 'retire')
        return progress.log(
          `runexp: ${event.reason}: ${launcher.workers === 0 ? 'the rest of its group goes on in this process' : 'its worker is replaced by a fresh one'}`,
        );
      if (event.type === 'training') return cacheTraining(event.key, event.files);
      if (event.type === 'deadline') return; // the launcher's business (see deadline-watch.ts)
      // Recorded once, however often it ran: a queue may run a job again after a worker stalled,
      // and a submitter run again collects what its predecessor may have stored already.
      if (event.record.status === 'ok' && recorded.has(event.record.runId)) return;
      let record = event.record;
      if (event.files) {
        try {
          store.writeRunFolder(record.runId, event.files);
        } catch (err) {
          // The run itself worked, but its files could not be stored: it did not finish.
          const { runId, trainKey, params, backend } = record;
          record = failedRecord({ runId, trainKey, params, backend }, serializeError(err));
        }
      }
      storeRecord(record);
    } catch (err) {
      // Results can no longer be stored: stop at once rather than compute what would be lost.
      fatal = err as Error;
      void launcher.close();
    }
  };

  // A signal during loading or fetching arrived before this listener existed: honour it now.
  if (options.signal?.aborted) interrupted = true;
  if (pendingGroups.length > 0 && !interrupted) {
    const onAbort = () => {
      interrupted = true;
      void launcher.close();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      reportProgress();
      const groupDone = () => {
        groupsLeft--;
        if (!stopped()) reportProgress();
      };
      // Stacked trainings first; a group of a stack starts once its stack is done, and finds its
      // training cached (a stack that failed leaves its groups to train alone).
      const stacked = new Set(stacks.flat().map((g) => g.trainKey));
      const stackDone = new Map<string, Promise<void>>();
      for (const stack of stacks) {
        const done = launcher.run({ ...taskFor(prepared, stack[0], [], store, options), stack }, onEvent).catch(() => {});
        for (const group of stack) stackDone.set(group.trainKey, done);
      }
      const taskOf = (group: TrainGroup) => (runIds: string[]) => ({
        ...taskFor(prepared, group, runIds, store, options),
        ...(stacked.has(group.trainKey) ? { stackedTrainings: [group.trainKey] } : {}),
      });
      await Promise.all(
        pendingGroups.map(async ({ group, pending }) => {
          await stackDone.get(group.trainKey);
          if (!stopped()) await driveGroup(launcher, taskOf(group), pending, onEvent, stopped);
          groupDone();
        }),
      );
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await launcher.close();
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
    throw new RunexpError(
      ErrorCode.WRITE,
      `cannot store results in ${outDir}: ${fatal.message}`,
      'free space or fix permissions, then run the same command again: finished runs are kept',
    );
  }
  const all = readResults(outDir);
  const records = grid.runs.map((r) => all.get(r.runId)).filter((r): r is RunRecord => r !== undefined);
  manifest.backends = [...backends];
  manifest.endedAt = new Date().toISOString();
  manifest.status = interrupted ? 'interrupted' : failed > 0 ? 'some-runs-failed' : 'ok';
  manifest.counts = { ok: records.filter((r) => r.status === 'ok').length, failed: records.filter((r) => r.status === 'failed').length };
  saveManifest();
  return {
    outDir,
    total: grid.runs.length,
    reused: grid.runs.length - pendingRuns,
    ok,
    failed,
    interrupted,
    records,
    backends: [...backends],
  };
}

/** A group as a plain task, with whatever trainings the store already has for it. */
function taskFor(prepared: Prepared, group: TrainGroup, pending: string[], store: ExperimentStore, options: RunOptions): GroupTask {
  const cachedTrainings: GroupTask['cachedTrainings'] = {};
  for (const key of trainingKeys(group, pending)) {
    const files = store.loadTraining(key);
    if (files) cachedTrainings[key] = files;
  }
  return {
    group,
    series: prepared.series.get(group.datasetKey)!,
    pending,
    backend: options.backend ?? 'auto',
    specDir: prepared.loaded.specDir,
    cachedTrainings,
    timeouts: prepared.loaded.spec.timeouts,
    stackTrainings: options.stackSeeds ?? DEFAULT_STACK_SEEDS,
  };
}
