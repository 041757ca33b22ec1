// Calendar dates as runexp reads them: YYYY-MM-DD and a day that exists (no 2026-02-30).

/** YYYY-MM-DD; the spec schema uses it too, so that editors see the pattern in the JSON Schema. */
export const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is exactly YYYY-MM-DD and names a real day of the Gregorian calendar. */
export function isCalendarDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Days from one YYYY-MM-DD to another. */
export function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}
