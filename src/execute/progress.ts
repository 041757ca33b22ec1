// Progress for a grid: a live line (runs done / total, failures, ETA) on a terminal, plain log
// lines otherwise (CI, pipes, files).

export class Progress {
  private done = 0;
  private failed = 0;
  private readonly started = performance.now();
  private readonly live: boolean;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.live = Boolean(stream.isTTY) && process.env.CI !== 'true';
  }

  runFinished(label: string, ok: boolean, detail: string): void {
    this.done++;
    if (!ok) this.failed++;
    const elapsed = (performance.now() - this.started) / 1000;
    const eta = this.done === 0 ? 0 : (elapsed / this.done) * (this.total - this.done);
    const counts = `[${this.done}/${this.total}${this.failed ? `, ${this.failed} failed` : ''}]`;
    if (this.live) {
      this.stream.write(`\r\x1b[2K${counts} ${elapsed.toFixed(0)}s elapsed, ETA ${eta.toFixed(0)}s — ${label}`);
      if (!ok) this.stream.write(`\n  ${label}: ${detail}\n`);
    } else {
      this.stream.write(`${counts} ${ok ? 'ok' : 'FAILED'} ${label} ${detail}\n`);
    }
  }

  end(): void {
    if (this.live && this.done > 0) this.stream.write('\n');
  }
}
