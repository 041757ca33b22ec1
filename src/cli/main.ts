// The command line: parse arguments, call the programmatic API, print, return an exit code.
// This is the one place that catches errors for the user.
//   0  every run ok      1  some runs failed (the rest are stored)      2  invalid input
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BACKENDS, requireBackend, type BackendChoice } from '../execute/backend.ts';
import { defaultOutDir, runExperiment } from '../execute/run.ts';
import { prepare } from '../plan/prepare.ts';
import { describeFailure } from '../plugin/errors.ts';
import { suggestHint } from '../plugin/suggest.ts';
import { runexpVersion } from '../results/manifest.ts';
import type { FailedRecord } from '../results/record.ts';
import { checkPlugin } from './check-plugin.ts';
import { handleSignals } from '../loader/signals.js';
import { exitNow, trapProcessExit } from '../execute/exit-trap.ts';
import { planText } from './plan-text.ts';
import { LiveReport } from './live-report.ts';
import { importQueuePackages } from './queue-packages.ts';
import { table1 } from './table-text.ts';
import { RESULTS_COMMANDS, resultsCommand, type ResultsCommand } from './results-commands.ts';
import { HELP } from './help.ts';
import { explain, positiveInt, usage } from './usage.ts';
import { storedErrors } from '../report/load.ts';
import { counted } from '../plugin/shorten.ts';

const COMMANDS = ['run', 'validate', 'plan', 'report', 'check-plugin', 'worker', 'queue', ...RESULTS_COMMANDS];

const OPTIONS = {
  workers: { type: 'string' },
  'stack-seeds': { type: 'string' },
  out: { type: 'string' },
  fresh: { type: 'boolean' },
  backend: { type: 'string' },
  debug: { type: 'boolean' },
  reports: { type: 'string' },
  'worker-memory': { type: 'string' },
  'no-report': { type: 'boolean' },
  options: { type: 'string' },
  timeout: { type: 'string' },
  format: { type: 'string' },
  queue: { type: 'string' },
  attempts: { type: 'string' },
  'lock-seconds': { type: 'string' },
  completed: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export async function main(argv: string[]): Promise<number> {
  const untrap = trapProcessExit();
  try {
    return await command(argv);
  } finally {
    untrap();
  }
}

async function command(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    // "Unknown option '--wokers'": add a did-you-mean from the options we know.
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec((err as Error).message)?.[1];
    const known = Object.keys(OPTIONS).map((o) => `--${o}`);
    return usage(unknown ? `unknown option ${unknown}; ${suggestHint(unknown, known)}` : (err as Error).message);
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${runexpVersion()}\n`);
    return 0;
  }
  // `runexp <spec>` is short for `runexp run <spec>`. A first word that is neither a command nor
  // a path (no "." or "/") is a mistyped command.
  const [first, ...rest] = positionals;
  const isCommand = first !== undefined && COMMANDS.includes(first);
  if (first !== undefined && !isCommand && !/[./]/.test(first)) return usage(`unknown command "${first}"; ${suggestHint(first, COMMANDS)}`);
  const command = isCommand ? first : 'run';
  if (command === 'worker' || command === 'queue') return await queueCommands(command, rest, values);
  if ((RESULTS_COMMANDS as readonly string[]).includes(command))
    return await resultsCommand(command as ResultsCommand, rest, values).catch((err) => explain(err, values.debug ?? false));
  const [spec, ...extra] = isCommand ? rest : positionals;
  if (!spec)
    return usage(
      command === 'report'
        ? 'missing the output directory (e.g. runs/paper)'
        : command === 'check-plugin'
          ? 'missing the plugin (e.g. ./my-pruner.ts or magnitude)'
          : 'missing the spec file',
    );
  if (extra.length > 0) return usage(`unexpected argument "${extra[0]}"`);
  const workers = positiveInt(values.workers, 0);
  if (workers === null) return usage(`--workers must be a whole number (0 for in-process), got "${values.workers}"`);
  const stackSeeds = positiveInt(values['stack-seeds'], 1);
  if (stackSeeds === null)
    return usage(`--stack-seeds must be a whole number (at least 1; 1 trains each seed alone), got "${values['stack-seeds']}"`);
  const workerMemoryMb = positiveInt(values['worker-memory'], 16);
  if (workerMemoryMb === null) return usage(`--worker-memory must be a whole number of MB (at least 16), got "${values['worker-memory']}"`);
  const backend = (values.backend ?? 'auto') as BackendChoice;
  if (!BACKENDS.includes(backend))
    return usage(`--backend must be one of ${BACKENDS.join(', ')}, got "${values.backend}"; ${suggestHint(backend, BACKENDS)}`);

  // An empty folder name would resolve to the current folder and write into it.
  for (const flag of ['out', 'reports'] as const)
    if (values[flag] === '') return usage(`--${flag} needs a folder name, got an empty string`);
  const reportsRoot = resolve(values.reports ?? 'reports');
  try {
    if (command !== 'validate' && command !== 'plan' && command !== 'report') await requireBackend(backend);
    if (command === 'validate') {
      const prepared = await prepare(spec);
      process.stdout.write(
        `${spec}: valid — ${counted(prepared.grid.runs.length, 'run')}, ${counted(prepared.grid.groups.length, 'training')}\n`,
      );
      return 0;
    }
    if (command === 'check-plugin') {
      const seconds = positiveInt(values.timeout, 1);
      if (seconds === null) return usage(`--timeout must be a whole number of seconds (at least 1), got "${values.timeout}"`);
      return await checkPlugin(spec, values.options, backend, seconds);
    }
    if (command === 'report') {
      process.stdout.write(`report: ${await report(spec, reportsRoot)}\n`);
      return 0;
    }
    if (command === 'plan') {
      const prepared = await prepare(spec);
      process.stdout.write(planText(prepared, values.out ?? defaultOutDir(prepared.loaded.spec.name)));
      return 0;
    }
    const attempts = positiveInt(values.attempts, 1);
    if (attempts === null) return usage(`--attempts must be a whole number (at least 1), got "${values.attempts}"`);
    const launcher = values.queue ? await (await queueModules()).submitLauncher(values.queue, attempts) : undefined;
    const controller = new AbortController();
    const interrupt = (signal: string) => {
      if (controller.signal.aborted) exitNow(130);
      process.stderr.write(`\nrunexp: ${signal} — stopping; finished runs are kept (press again to quit at once)\n`);
      controller.abort();
    };
    // SIGHUP (a closed terminal or ssh session) stops a run like SIGTERM: finished runs kept, lock released.
    const unhandle = handleSignals(interrupt);
    const live = values['no-report'] ? undefined : new LiveReport(reportsRoot, (m) => process.stderr.write(`${m}\n`));
    let summary: Awaited<ReturnType<typeof runExperiment>>;
    try {
      summary = await runExperiment({
        spec,
        out: values.out,
        workers,
        ...(stackSeeds !== undefined ? { stackSeeds } : {}),
        fresh: values.fresh,
        backend,
        signal: controller.signal,
        workerMemoryMb,
        launcher,
        onProgress: live && ((p) => live.update(p)),
      });
    } finally {
      unhandle();
      await live?.stop(); // before the final report, which must not be overwritten by a live one
    }
    const outDir = summary.outDir;
    process.stdout.write(`${table1(summary.records, storedErrors(outDir))}\n\n`);
    const failedNow = summary.records.filter((r): r is FailedRecord => r.status === 'failed');
    for (const rec of failedNow) {
      const e = rec.error;
      const [first, ...more] = describeFailure(e);
      process.stdout.write(`FAILED ${rec.runId}: ${first}\n${more.map((line) => `  ${line}\n`).join('')}`);
    }
    // After a live report, always: the final one is what stops the page reloading itself.
    if (!values['no-report'] && (summary.records.length > 0 || live?.written)) {
      try {
        process.stdout.write(`report: ${await report(summary.outDir, reportsRoot)}\n`);
      } catch (err) {
        process.stderr.write(
          `runexp: the report could not be written: ${(err as Error).message} (results are stored; retry with runexp report ${summary.outDir})\n`,
        );
      }
    }
    process.stdout.write(
      `${summary.records.length - failedNow.length} ok, ${failedNow.length} failed, ${summary.reused} reused of ${summary.total} runs; backend ${[...new Set(summary.records.map((r) => r.backend))].join(', ') || 'n/a'}; results in ${summary.outDir}\n`,
    );
    if (summary.interrupted) {
      process.stdout.write(
        `interrupted: ${summary.total - summary.records.filter((r) => r.status === 'ok').length} runs not done; run the same command again to resume\n`,
      );
      return 130;
    }
    return failedNow.length > 0 ? 1 : 0;
  } catch (err) {
    return explain(err, values.debug ?? false);
  }
}

/** BullMQ loads only for `--queue`, `runexp worker` and `runexp queue` (and is an optional package). */
const queueModules = () => importQueuePackages(() => import('./queue-commands.ts'));

/** `runexp worker …` and `runexp queue …`: no spec, a queue URL. */
async function queueCommands(
  command: 'worker' | 'queue',
  rest: string[],
  values: { queue?: string; workers?: string; 'lock-seconds'?: string; completed?: boolean; debug?: boolean },
): Promise<number> {
  const workers = positiveInt(values.workers, 1);
  if (workers === null) return usage(`--workers must be a whole number (at least 1), got "${values.workers}"`);
  const lockSeconds = positiveInt(values['lock-seconds'], 5);
  if (lockSeconds === null) return usage(`--lock-seconds must be a whole number of seconds (at least 5), got "${values['lock-seconds']}"`);
  const [action, ...extra] = rest;
  if (extra.length > 0 || (command === 'worker' && action !== undefined)) return usage(`unexpected argument "${extra[0] ?? action}"`);
  try {
    const { workerCommand, queueCommand } = await queueModules();
    return command === 'worker' ? await workerCommand({ queue: values.queue, workers, lockSeconds }) : await queueCommand(action, values);
  } catch (err) {
    return explain(err, values.debug ?? false);
  }
}

/**
 * Writes the report, warning about each damaged part it left out; returns the report's path. The
 * report code (vega, a third of a second to load) is imported only when a report is written.
 */
async function report(outDir: string, reportsRoot: string): Promise<string> {
  const { writeReport } = await import('../report/write.ts');
  const { file, problems } = await writeReport(outDir, reportsRoot);
  for (const problem of problems) process.stderr.write(`runexp: report: ${problem}\n`);
  return file;
}
