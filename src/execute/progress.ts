// Progress for a grid: a live line (runs done / total, failures, ETA) on a terminal, plain log
// lines otherwise (CI, pipes, files).
import type { LiveStatus } from '../results/live-status.ts';

/** Where a grid stands while it runs, and where its results go (see RunOptions.onProgress). */
export type GridProgress = LiveStatus & { outDir: string };

export class Progress {
  private done = 0;
  private failed = 0;
  private readonly started = performance.now();
  private readonly live: boolean;
  /** The live line now on screen, redrawn after a log line. */
  private line = '';

  constructor(
    private readonly total: number,
    private readonly stream: { write(text: string): unknown; isTTY?: boolean } = process.stderr,
    live = Boolean(stream.isTTY) && process.env.CI !== 'true',
  ) {
    this.live = live;
  }

  /** Seconds to go at the pace so far; null before any run finished. */
  etaSeconds(): number | null {
    if (this.done === 0) return null;
    return ((performance.now() - this.started) / 1000 / this.done) * (this.total - this.done);
  }

  runFinished(label: string, ok: boolean, detail: string): void {
    this.done++;
    if (!ok) this.failed++;
    const elapsed = (performance.now() - this.started) / 1000;
    const eta = this.etaSeconds() ?? 0;
    const counts = `[${this.done}/${this.total}${this.failed ? `, ${this.failed} failed` : ''}]`;
    if (this.live) {
      if (!ok) this.log(`  ${label}: ${detail}`);
      this.line = `${counts} ${elapsed.toFixed(0)}s elapsed, ETA ${eta.toFixed(0)}s — ${label}`;
      this.stream.write(`\r\x1b[2K${this.line}`);
    } else {
      this.stream.write(`${counts} ${ok ? 'ok' : 'FAILED'} ${label} ${detail}\n`);
    }
  }

  /** A line of its own: on a terminal it clears the live line, prints, and draws the live line again. */
  log(message: string): void {
    if (!this.live) {
      this.stream.write(`${message}\n`);
      return;
    }
    this.stream.write(`\r\x1b[2K${message}\n${this.line}`);
  }

  end(): void {
    if (this.live && this.done > 0) this.stream.write('\n');
  }
}
