// Plugin log lines (ctx.log), capped: a plugin that logs in a tight loop must not flood the
// terminal or the record. Each run (and the group's training before its runs) may show and keep
// up to 64 KB of log text; past that, lines are only counted, and the run's record says how many.
// A group task keeps one budget for the group and one per run (TaskLogs).
import type { RunRecord } from '../results/record.ts';

export const LOG_BUDGET_BYTES = 64 * 1024;

export interface RunLog {
  /** The lines shown and kept, in order (at most LOG_BUDGET_BYTES of text). */
  lines: string[];
  /** Lines past the budget: counted, not shown or kept. */
  droppedLines: number;
  droppedBytes: number;
}

export class LogBudget {
  private log: RunLog = { lines: [], droppedLines: 0, droppedBytes: 0 };
  private bytes = 0;

  /** `show` prints a line (sends it to the main thread); it is called only within the budget. */
  constructor(private readonly show: (message: string) => void) {}

  add(message: string): void {
    if (this.keep(message)) this.show(message);
  }

  /** Keeps a line (shown elsewhere) within the budget; false when past it (then only counted). */
  keep(message: string): boolean {
    const size = Buffer.byteLength(message) + 1;
    if (this.bytes + size > LOG_BUDGET_BYTES) {
      this.log.droppedLines++;
      this.log.droppedBytes += size;
      return false;
    }
    this.bytes += size;
    this.log.lines.push(message);
    return true;
  }

  /** What this run logged (undefined when nothing), and a fresh budget for the next run. */
  take(): RunLog | undefined {
    const taken = this.log;
    this.log = { lines: [], droppedLines: 0, droppedBytes: 0 };
    this.bytes = 0;
    if (taken.droppedLines)
      this.show(
        `runexp: ${taken.droppedLines.toLocaleString('en-US')} more log lines (${Math.ceil(taken.droppedBytes / 1024).toLocaleString('en-US')} KB) past the ${LOG_BUDGET_BYTES / 1024} KB a run may log were counted, not shown`,
      );
    return taken.lines.length || taken.droppedLines ? taken : undefined;
  }

  /** The record with its log attached, when the run logged anything. */
  attach<R extends RunRecord>(record: R): R {
    const log = this.take();
    return log ? { ...record, log } : record;
  }
}

/**
 * The log budgets of one group task: the group's own (its window and training), and one per run
 * from its start. Interleaved runs (interleave.ts) log in turns, so a line belongs to the runs at
 * stake when it is logged: one run's turn, or every run a stack of trainings is for (kept by each,
 * shown once).
 */
export class TaskLogs {
  readonly group: LogBudget;
  private readonly runs = new Map<string, LogBudget>();

  constructor(private readonly show: (message: string) => void) {
    this.group = new LogBudget(show);
  }

  add(message: string, atStake: readonly string[]): void {
    const owners = atStake.flatMap((id) => this.runs.get(id) ?? []);
    if (owners.length === 0) {
      this.group.add(message);
      return;
    }
    owners[0].add(message);
    for (const owner of owners.slice(1)) owner.keep(message);
  }

  /** A run starts: its lines are its own from now on. */
  start(runId: string): void {
    this.runs.set(runId, new LogBudget(this.show));
  }

  /** The run's record with what it logged. */
  attach<R extends RunRecord>(record: R): R {
    const budget = this.runs.get(record.runId);
    this.runs.delete(record.runId);
    return budget ? budget.attach(record) : record;
  }
}
