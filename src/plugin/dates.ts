// Calendar dates as runexp reads them: YYYY-MM-DD and a day that exists (no 2026-02-30).

/** YYYY-MM-DD; the spec schema uses it too, so that editors see the pattern in the JSON Schema. */
export const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is exactly YYYY-MM-DD and names a real day of the Gregorian calendar. */
export function isCalendarDate(text: string): boolean {
  return dayCode(text) !== undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/**
 * YYYY-MM-DD as the number YYYYMMDD (ordered as the dates are), or undefined when `text` is not
 * exactly that or names no real day. Allocates nothing: a million-row file is checked row by row.
 */
export function dayCode(text: string): number | undefined {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  let code = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    code = code * 10 + digit;
  }
  const year = Math.floor(code / 10_000);
  const month = Math.floor(code / 100) % 100;
  const day = code % 100;
  if (month < 1 || month > 12 || day < 1) return undefined;
  return day <= (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]) ? code : undefined;
}

/** The YYYY-MM-DD of a dayCode. */
export function dayText(code: number): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(Math.floor(code / 10_000), 4)}-${pad(Math.floor(code / 100) % 100, 2)}-${pad(code % 100, 2)}`;
}

/** Days from one YYYY-MM-DD to another. */
export function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

/**
 * Intraday bars are stamped `YYYY-MM-DDTHH:MM[:SS]` with their UTC offset (`-05:00`, or `Z`): a
 * bar's session is its local trading day, the date part. A stamp without an offset is refused,
 * since the same clock time is a different instant in another zone.
 */
const STAMP = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?(Z|[+-]\d{2}:\d{2})?$/;

export const isIntradayStamp = (text: string): boolean => text.length > 10 && text[10] === 'T';

/** Milliseconds since the epoch, 'no zone' for a stamp without an offset, or undefined when it is no stamp. */
export function stampInstant(text: string): number | 'no zone' | undefined {
  const m = STAMP.exec(text);
  if (!m || dayCode(m[1]) === undefined) return undefined;
  if (!m[4]) return 'no zone';
  return Date.parse(text);
}

/** A bar's session (its local trading day); a daily date is its own session. */
export const sessionOf = (stamp: string): string => stamp.slice(0, 10);
