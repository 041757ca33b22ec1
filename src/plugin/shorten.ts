// Values echoed in messages come from users' files and can be anything: a 100 KB ticker, a
// 200 MB header line, binary bytes. Quote them escaped and short enough to read.

/** `value` as a JSON string (control characters escaped), cut to about `max` characters. */
export function quoted(value: string, max = 60): string {
  // JSON escapes C0 controls; DEL, C1 controls and line separators would still reach the terminal raw.
  const text = JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1)}…" (${value.length.toLocaleString('en-US')} characters)`;
}

/** A list of values for a hint: each quoted, at most `count` of them. */
export function quotedList(values: readonly string[], count = 12): string {
  const shown = values.slice(0, count).map((v) => quoted(v, 40));
  return values.length > count ? `${shown.join(', ')} and ${values.length - count} more` : shown.join(', ');
}

/** "1 training", "2 trainings": a count with its noun, plural where English wants it. */
export const counted = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
