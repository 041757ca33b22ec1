// Reading daily price tables. Bad rows are errors that name the row and say what is wrong;
// nothing is silently dropped or silently mended. CSV is parsed by csv-parse (quoted fields, embedded commas and
// quotes, BOM, CRLF): a hand-split line shifts columns silently when a field holds a comma.
import { parse } from 'csv-parse/sync';
import { dayCode, dayText, isIntradayStamp, stampInstant } from './dates.ts';
import { ErrorCode, RunexpError } from './errors.ts';
import { quoted, quotedList } from './shorten.ts';

export interface PriceTable {
  dates: string[];
  values: number[];
}

/**
 * Calls `visit` with each row of a CSV file and the line it starts on, as it is read: a large file
 * is never held as rows of strings (a million rows took 20 times the file's size that way).
 * Quoted fields may hold commas and quotes; cells are not trimmed (the caller says what spaces mean).
 */
function eachCsvRow(text: string | Uint8Array, name: string, visit: (cells: string[], line: number) => void): void {
  try {
    parse(typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength), {
      skip_empty_lines: true,
      relax_column_count: true, // counted by the caller, which can say which line and how many
      bom: true,
      on_record: (record: string[], context: { lines: number }) => {
        visit(record, context.lines);
        return null; // nothing kept: the caller keeps what it needs
      },
    });
  } catch (err) {
    if (err instanceof RunexpError) throw err;
    const e = err as { message: string; code?: string; lines?: number; records?: number; empty_lines?: number };
    // An unclosed quote runs to the end of the file; name the line where its record starts.
    if (e.code === 'CSV_QUOTE_NOT_CLOSED' && e.records !== undefined) {
      throw new RunexpError(
        ErrorCode.DATA,
        `${name} line ${e.records + (e.empty_lines ?? 0) + 1}: a quote opened in this row is never closed`,
        'fix the quoting on that line, or export the file again as CSV',
      );
    }
    throw new RunexpError(
      ErrorCode.DATA,
      `${name}${e.lines ? ` line ${e.lines}` : ''}: not a readable CSV file (${e.message})`,
      'fix the quoting on that line, or export the file again as CSV',
    );
  }
}

/** A plain decimal number: Number() would also take "0x10", "1e3" is fine, "Infinity" is not. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A column of numbers that grows as rows are read, without a boxed number per row. */
class Column<A extends Int32Array | Float64Array> {
  length = 0;
  constructor(private values: A) {}

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new (this.values.constructor as new (n: number) => A)(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  at(i: number): number {
    return this.values[i];
  }

  all(): A {
    return this.values.subarray(0, this.length) as A;
  }
}

/** Spaces, tabs or line breaks at either end of a cell. */
const PADDED = /^\s|\s$/;

/**
 * Parses a `Date,...,<column>,...` CSV (Yahoo's layout) into dates and one price column, from
 * text or from UTF-8 bytes (a large file is then never copied into a string). Rows are read into
 * typed arrays as they come: a million rows (56 MB) need about the file's size again, not twenty
 * times it. Strict: every row has as many fields as the header, and a date or price with spaces
 * around it is refused rather than guessed at (header names may have spaces around them).
 */
export function parsePriceCsv(text: string | Uint8Array, options: { column: string; dateColumn?: string; name: string }): PriceTable {
  const { name, column } = options;
  let dateColumn = options.dateColumn ?? 'Date';
  const days = new Column(new Int32Array(1024));
  // Intraday bars (a `T` in the first stamp): their text is kept, their instants ordered.
  let stamps: { texts: string[]; instants: Column<Float64Array> } | undefined;
  const values = new Column(new Float64Array(1024));
  let header: string[] | undefined;
  let dateIdx = -1;
  let valueIdx = -1;
  eachCsvRow(text, name, (cells, row) => {
    if (!header) {
      header = cells.map((c) => c.trim());
      // Intraday files name their stamp column Datetime.
      if (dateColumn === 'Date' && !header.includes('Date') && header.includes('Datetime')) dateColumn = 'Datetime';
      dateIdx = header.indexOf(dateColumn);
      valueIdx = header.indexOf(column);
      if (dateIdx < 0)
        throw new RunexpError(ErrorCode.DATA, `${name}: no ${quoted(dateColumn)} column`, `columns are: ${quotedList(header)}`);
      if (valueIdx < 0) throw new RunexpError(ErrorCode.DATA, `${name}: no ${quoted(column)} column`, `columns are: ${quotedList(header)}`);
      return;
    }
    if (cells.length !== header.length) {
      throw new RunexpError(
        ErrorCode.DATA,
        `${name} line ${row}: ${cells.length} fields, but the header has ${header.length}`,
        'every row needs one value per column (a stray comma, or a value with a comma that is not quoted?)',
      );
    }
    const date = cells[dateIdx];
    const raw = cells[valueIdx];
    if (PADDED.test(date) || PADDED.test(raw)) {
      const [what, cell] = PADDED.test(date) ? [dateColumn, date] : [column, raw];
      throw new RunexpError(
        ErrorCode.DATA,
        `${name} line ${row}: ${what} ${quoted(cell)} has spaces around it`,
        'remove the spaces: runexp reads dates and prices exactly as written, never guessing',
      );
    }
    if (days.length === 0 && !stamps && isIntradayStamp(date)) stamps = { texts: [], instants: new Column(new Float64Array(1024)) };
    const day = stamps ? 0 : dayCode(date);
    if (day === undefined)
      throw new RunexpError(
        ErrorCode.DATA,
        `${name} line ${row}: bad date ${quoted(date)}`,
        'dates must be real days written YYYY-MM-DD (or, for intraday bars, YYYY-MM-DDTHH:MM with a UTC offset)',
      );
    const value = raw === '' ? NaN : Number(raw);
    if (!DECIMAL.test(raw) || !Number.isFinite(value))
      throw new RunexpError(
        ErrorCode.DATA,
        `${name} line ${row} (${date}): missing or non-numeric ${column} ${quoted(raw)}`,
        'remove the row or fill the value (decimal numbers, without thousands separators)',
      );
    if (value <= 0) throw new RunexpError(ErrorCode.DATA, `${name} line ${row} (${date}): ${column} must be positive, got ${value}`);
    if (stamps) {
      checkStamp(stamps, date, `${name} line ${row}`);
      values.push(value);
      return;
    }
    const last = days.length > 0 ? days.at(days.length - 1) : undefined;
    if (last !== undefined && day <= last) {
      const what = day === last ? 'duplicate date' : 'dates out of order';
      throw new RunexpError(
        ErrorCode.DATA,
        `${name} line ${row}: ${what} (${date} after ${dayText(last)})`,
        'sort the rows by date and remove duplicates',
      );
    }
    days.push(day);
    values.push(value);
  });
  if (stamps) return { dates: stamps.texts, values: Array.from(values.all()) };
  if (days.length === 0) throw new RunexpError(ErrorCode.DATA, `${name}: no data rows`);
  return { dates: Array.from(days.all(), dayText), values: Array.from(values.all()) };
}

/** An intraday bar's stamp: with its UTC offset, after the bar before it, never the same instant twice. */
function checkStamp(stamps: { texts: string[]; instants: Column<Float64Array> }, text: string, where: string): void {
  const instant = stampInstant(text);
  if (instant === undefined)
    throw new RunexpError(
      ErrorCode.DATA,
      `${where}: bad timestamp ${quoted(text)}`,
      'intraday bars are stamped YYYY-MM-DDTHH:MM[:SS] with their UTC offset, e.g. 2026-01-22T09:30:00-05:00',
    );
  if (instant === 'no zone')
    throw new RunexpError(
      ErrorCode.DATA,
      `${where}: the timestamp ${quoted(text)} has no time zone`,
      "add the UTC offset of the exchange's local time (e.g. -05:00 for New York in winter): the same clock time is another instant elsewhere",
    );
  const n = stamps.instants.length;
  if (n > 0 && instant <= stamps.instants.at(n - 1)) {
    const what = instant === stamps.instants.at(n - 1) ? 'duplicate bar' : 'bars out of order';
    throw new RunexpError(
      ErrorCode.DATA,
      `${where}: ${what} (${text} after ${stamps.texts[n - 1]})`,
      'sort the bars by time and remove duplicates',
    );
  }
  stamps.instants.push(instant);
  stamps.texts.push(text);
}
