// A queue worker facing a Redis that refuses its commands (over maxmemory: OOM) or is gone: BullMQ
// reports every failed try as an error, many a second. The worker says so once, pauses taking
// jobs for a while that doubles with each further error (up to 30 s), and says when Redis
// answers again. Jobs already running go on.

const FIRST_PAUSE_MS = 1000;
const LONGEST_PAUSE_MS = 30_000;

export interface Pausable {
  pause(doNotWaitActive: boolean): Promise<void>;
  resume(): Promise<void> | void;
}

export class RedisTrouble {
  private said?: string;
  private pauseMs = FIRST_PAUSE_MS;
  private paused = false;

  constructor(
    private readonly worker: Pausable,
    private readonly log: (message: string) => void,
  ) {}

  /** A failed try: said when it is news, then a pause before the next. */
  failed(err: Error): void {
    const message = err.message.split('\n')[0];
    if (message !== this.said)
      this.log(`runexp worker: Redis: ${message}; trying again less and less often (the same error is not shown again)`);
    this.said = message;
    if (this.paused) return;
    this.paused = true;
    const wait = this.pauseMs;
    this.pauseMs = Math.min(2 * this.pauseMs, LONGEST_PAUSE_MS);
    void this.worker
      .pause(true)
      .catch(() => {})
      .then(() => new Promise((resolve) => setTimeout(resolve, wait)))
      .then(() => {
        this.paused = false;
        return this.worker.resume();
      })
      .catch(() => {});
  }

  /** Redis answered (a connection is ready again, a job started): back to normal. */
  answered(): void {
    if (this.said) this.log('runexp worker: Redis answers again');
    this.said = undefined;
    this.pauseMs = FIRST_PAUSE_MS;
  }
}
