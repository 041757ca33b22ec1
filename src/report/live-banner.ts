// The banner of a report written while its grid runs: progress, ETA and when it was written.
import { counted } from '../plugin/shorten.ts';
import type { LiveStatus } from '../results/live-status.ts';
import { esc } from './html.ts';

/** Seconds this page waits before reloading itself while its grid runs. */
export const LIVE_RELOAD_SECONDS = 10;

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** The banner of a report written while its grid runs. */
export function liveBanner(live: LiveStatus, now: Date): string {
  const parts = [
    `<b>Running</b>: ${live.ok} of ${counted(live.total, 'run')} done`,
    `${live.failed} failed`,
    `${counted(live.groupsRunning, 'training group')} running${live.groupsLeft > live.groupsRunning ? `, ${live.groupsLeft - live.groupsRunning} waiting` : ''}`,
    live.etaSeconds === null ? 'ETA after the first run' : `ETA about ${duration(live.etaSeconds)}`,
  ];
  return `<div class="banner" id="live-banner">${parts.join(' · ')}<br><small>Updated ${esc(now.toISOString().slice(11, 19))} UTC. This page reloads every ${LIVE_RELOAD_SECONDS} s until the run ends; if this time stops changing, the run has stopped (run the same command again to resume). Charts' SVG files are written when the run ends.</small></div>`;
}
