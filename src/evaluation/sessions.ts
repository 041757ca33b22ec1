// Intraday bars come in sessions (trading days) with a gap between them: a window that starts in
// one session and forecasts a bar of the next would learn the overnight jump as if it were one
// bar's move. So on intraday series, a window — its inputs, the bar before them (a return reaches
// back to it) and its target — lies within one session; the others are left out everywhere alike
// (the models' windows, the baselines' targets, the ridge baseline's fit), unless the spec asks to
// cross sessions (`window.crossSessions`). Daily series are untouched.
import { isIntradayStamp, sessionOf } from '../plugin/dates.ts';

/** Whether target t's window keeps within t's session; always true on a daily series, or when the spec asks to cross sessions. */
export function withinSession(
  dates: readonly string[],
  t: number,
  window: { lookback: number; horizon: number; crossSessions?: boolean },
): boolean {
  const { lookback, horizon } = window;
  if (window.crossSessions || !isIntradayStamp(dates[t])) return true;
  return sessionOf(dates[Math.max(0, t - horizon - lookback)]) === sessionOf(dates[t]);
}
