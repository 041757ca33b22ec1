// The report of a grid while it runs: written when the run starts and again as runs and training
// groups finish, at most once every LIVE_REPORT_SECONDS (or 20 times the last write's duration)
// and never two at once: a write blocks the main thread for as long as the report takes to build.
// The CLI writes the final report when the run ends, after `stop()`. A live report that cannot be
// written costs a warning, never the run.
import type { GridProgress } from '../execute/progress.ts';

export const LIVE_REPORT_SECONDS = 10;

export class LiveReport {
  private latest: GridProgress | undefined;
  private lastWrite = -Infinity;
  private lastDuration = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;
  private warned = false;
  /** Whether a live report was written (then a final one must replace it). */
  written = false;

  constructor(
    private readonly reportsRoot: string,
    private readonly warn: (message: string) => void,
    private readonly minSeconds = LIVE_REPORT_SECONDS,
  ) {}

  update(progress: GridProgress): void {
    this.latest = progress;
    if (this.stopped || this.timer) return;
    // A write blocks this thread: keep it to about 5% of the time, however big the grid.
    const gap = Math.max(this.minSeconds * 1000, 20 * this.lastDuration);
    const wait = Math.max(0, this.lastWrite + gap - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.write());
    }, wait);
    this.timer.unref();
  }

  /** No more live writes; resolves once any write in progress has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
  }

  private async write(): Promise<void> {
    const progress = this.latest;
    if (this.stopped || !progress) return;
    this.lastWrite = performance.now();
    try {
      const { writeReport } = await import('../report/write.ts');
      await writeReport(progress.outDir, this.reportsRoot, progress);
      this.written = true;
      this.lastDuration = performance.now() - this.lastWrite;
    } catch (err) {
      if (!this.warned)
        this.warn(
          `runexp: the live report could not be written: ${(err as Error).message} (the run goes on; the final report is written at the end)`,
        );
      this.warned = true;
    }
  }
}
