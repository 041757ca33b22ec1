// Runs group tasks on piscina worker threads. Each worker starts from worker-entry.js, which
// registers tsx so the TypeScript worker, the built-in plugins and a user's .ts plugins load.
// Events come back on a MessagePort per task, in order.
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { DeadlineWatch } from './deadline-watch.ts';
import type { GroupTask, Launcher, TaskEvent } from './launcher.ts';

const WORKER = new URL('./worker-entry.js', import.meta.url).href;

export class PiscinaLauncher implements Launcher {
  readonly name = 'piscina';
  private readonly pool: Piscina;

  constructor(
    readonly workers: number,
    workerMemoryMb?: number,
  ) {
    this.pool = new Piscina({
      filename: WORKER,
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: 60_000,
      // A worker that outgrows its heap is stopped (ERR_WORKER_OUT_OF_MEMORY) instead of the process.
      ...(workerMemoryMb ? { resourceLimits: { maxOldGenerationSizeMb: workerMemoryMb } } : {}),
    });
  }

  async run(task: GroupTask, onEvent: (event: TaskEvent) => void): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    const abort = new AbortController();
    let markDone = () => {};
    const done = new Promise<void>((resolveDone) => (markDone = resolveDone));
    // A stage past its deadline (and the grace) whose thread never got a turn to fail it: its
    // runs fail here and the thread is stopped; the caller sends the group's other runs again.
    const deadlines = new DeadlineWatch(task, (records) => {
      port1.close();
      for (const record of records) onEvent({ type: 'run', record });
      abort.abort();
    });
    port1.on('message', (message: TaskEvent | { type: 'done' }) => {
      if (message.type === 'done') return markDone();
      if (message.type === 'deadline') return deadlines.set(message.running);
      if (message.type === 'run') deadlines.reportedRun(message.record.runId);
      // The worker is not to be trusted with more work: aborting its task makes piscina
      // terminate that thread and start a fresh one. Its events so far have all arrived.
      if (message.type === 'retire') abort.abort();
      onEvent(message);
    });
    try {
      await this.pool.run({ task, port: port2 }, { transferList: [port2], signal: abort.signal });
      await done; // messages on one port arrive in order: "done" comes after the last event
    } catch (err) {
      if (!abort.signal.aborted) throw err;
    } finally {
      deadlines.clear();
      port1.close();
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
