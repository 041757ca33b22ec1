// HTML building blocks. Every string that comes from a spec or a result goes through `esc`.

export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside a <script> element (no "</script>", no line separators). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A table in a box that scrolls sideways when a table is wider than the page, never the page itself. */
export function table(header: string[], rows: (string | number)[][], options: { className?: string; raw?: boolean } = {}): string {
  const cell = (v: string | number) => (options.raw ? String(v) : esc(v));
  return `<div class="scroll"><table${options.className ? ` class="${options.className}"` : ''}><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

/** `digits` significant digits: a mean of 1,488.6334 needs no four decimals to be compared. */
/**
 * en-US number formats, made once per set of options: toLocaleString builds a new Intl.NumberFormat
 * on every call, which cost a 520-run report 0.4 s; a kept one formats the same.
 */
const formats = new Map<string, Intl.NumberFormat>();
function format(v: number, options: Intl.NumberFormatOptions): string {
  const key = JSON.stringify(options);
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', options);
    formats.set(key, f);
  }
  return f.format(v);
}

export function sig(v: number | null | undefined, digits: number): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  return abs !== 0 && (abs >= 1e6 || abs < 1e-3) ? v.toExponential(digits - 1) : format(v, { maximumSignificantDigits: digits });
}

/**
 * At most `digits` + 1 significant digits (never fewer than the number's whole digits) and at
 * most `digits` decimals, whichever is less: 43.467, 0.0123, 1,488.6, 123,457; exponents below
 * 0.001 and from a million (an FX rate's MSE of 1.23e-5 is not 0).
 */
export function num(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return v.toExponential(3);
  const whole = abs >= 1 ? Math.floor(Math.log10(abs)) + 1 : 0;
  return format(v, {
    maximumSignificantDigits: Math.min(21, Math.max(digits + 1, whole)),
    maximumFractionDigits: digits,
    roundingPriority: 'lessPrecision',
  } as Intl.NumberFormatOptions);
}

export const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 0; background: #fafafa; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
h1 { margin: 0 0 4px; font-size: 26px; } h2 { margin-top: 36px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.sub { color: #666; margin: 0 0 16px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 4px 8px; text-align: right; white-space: nowrap; }
.facts td { white-space: normal; }
th:first-child, td:first-child { text-align: left; white-space: normal; min-width: 9em; }
tr.paper td { color: #777; font-style: italic; }
tr.baseline td { color: #444; background: #f6f8fa; }
.verdicts li { margin: 2px 0; } .verdicts li.significant { font-weight: 600; }
.facts td, .facts th { text-align: left; }
figure { margin: 16px 0 28px; } figcaption { color: #555; font-size: 13px; max-width: 780px; }
.note { background: #fff7e0; border-left: 4px solid #e0a800; padding: 8px 12px; margin: 12px 0; }
.banner { background: #e8f1fb; border-left: 4px solid #1f77b4; padding: 8px 12px; margin: 0 0 16px; }
.failed { background: #fdecea; border-left: 4px solid #d62728; padding: 8px 12px; margin: 12px 0; }
code { background: #f2f2f2; padding: 0 3px; border-radius: 3px; }
details summary { cursor: pointer; color: #1f77b4; }
details.table1 { margin: 6px 0; } details.table1 > summary { font-weight: 600; }
td small { color: #666; }
.scroll { overflow-x: auto; }
.scroll td:first-child, .scroll th:first-child { position: sticky; left: 0; background: #fff; z-index: 1; } /* the row's name stays in view when a wide table scrolls */
table.compression td:first-child { min-width: 24em; } /* a pruning → compaction label on two lines, not five */
table.index td:nth-child(4), table.index th:nth-child(4) { text-align: left; white-space: normal; min-width: 240px; }
nav a { margin-right: 12px; }
`;
