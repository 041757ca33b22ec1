// Where a grid stands while it runs: what the runner reports (execute/run.ts onProgress) and a
// live report shows (report/live-banner.ts). Here, below both, so they share one definition.
export interface LiveStatus {
  /** Runs in the grid, and those stored as ok (this session's and earlier ones). */
  total: number;
  ok: number;
  /** Runs that failed in this session. */
  failed: number;
  /** Training groups being worked on now, and those not finished (running included). */
  groupsRunning: number;
  groupsLeft: number;
  /** Seconds to go at this session's pace so far; null before any run finished. */
  etaSeconds: number | null;
}
