// Reading daily price tables. Bad rows are errors that name the row and say what is wrong;
// nothing is silently dropped. CSV is parsed by csv-parse (quoted fields, embedded commas and
// quotes, BOM, CRLF): a hand-split line shifts columns silently when a field holds a comma.
import { parse } from 'csv-parse/sync';
import { isCalendarDate } from './dates.ts';
import { ErrorCode, RunexpError } from './errors.ts';
import { quoted, quotedList } from './shorten.ts';

export interface PriceTable {
  dates: string[];
  values: number[];
}

/** The rows of a CSV file with the line each starts on; quoted fields may hold commas and quotes. */
function csvRows(text: string, name: string): { cells: string[]; line: number }[] {
  try {
    const records = parse(text, { info: true, skip_empty_lines: true, relax_column_count: true, trim: true, bom: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map(({ record, info }) => ({ cells: record, line: info.lines }));
  } catch (err) {
    const e = err as { message: string; code?: string; lines?: number; records?: number; empty_lines?: number };
    // An unclosed quote runs to the end of the file; name the line where its record starts.
    if (e.code === 'CSV_QUOTE_NOT_CLOSED' && e.records !== undefined) {
      throw new RunexpError(ErrorCode.DATA, `${name} line ${e.records + (e.empty_lines ?? 0) + 1}: a quote opened in this row is never closed`, 'fix the quoting on that line, or export the file again as CSV');
    }
    throw new RunexpError(ErrorCode.DATA, `${name}${e.lines ? ` line ${e.lines}` : ''}: not a readable CSV file (${e.message})`, 'fix the quoting on that line, or export the file again as CSV');
  }
}

/** A plain decimal number: Number() would also take "0x10", "1e3" is fine, "Infinity" is not. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a `Date,...,<column>,...` CSV (Yahoo's layout) into dates and one price column. */
export function parsePriceCsv(text: string, options: { column: string; dateColumn?: string; name: string }): PriceTable {
  const rows = csvRows(text, options.name);
  if (rows.length < 2) throw new RunexpError(ErrorCode.DATA, `${options.name}: no data rows`);
  const header = rows[0].cells;
  const dateIdx = header.indexOf(options.dateColumn ?? 'Date');
  const valueIdx = header.indexOf(options.column);
  if (dateIdx < 0) throw new RunexpError(ErrorCode.DATA, `${options.name}: no ${quoted(options.dateColumn ?? 'Date')} column`, `columns are: ${quotedList(header)}`);
  if (valueIdx < 0) throw new RunexpError(ErrorCode.DATA, `${options.name}: no ${quoted(options.column)} column`, `columns are: ${quotedList(header)}`);
  const dates: string[] = [];
  const values: number[] = [];
  for (const { cells, line: row } of rows.slice(1)) {
    const date = cells[dateIdx] ?? '';
    const raw = cells[valueIdx] ?? '';
    const value = raw === '' ? NaN : Number(raw);
    if (!isCalendarDate(date)) throw new RunexpError(ErrorCode.DATA, `${options.name} line ${row}: bad date ${quoted(date)}`, 'dates must be real days written YYYY-MM-DD');
    if (!DECIMAL.test(raw) || !Number.isFinite(value)) throw new RunexpError(ErrorCode.DATA, `${options.name} line ${row} (${date}): missing or non-numeric ${options.column} ${quoted(raw)}`, 'remove the row or fill the value (decimal numbers, without thousands separators)');
    if (value <= 0) throw new RunexpError(ErrorCode.DATA, `${options.name} line ${row} (${date}): ${options.column} must be positive, got ${value}`);
    if (dates.length > 0 && date <= dates[dates.length - 1]) {
      const what = date === dates[dates.length - 1] ? 'duplicate date' : 'dates out of order';
      throw new RunexpError(ErrorCode.DATA, `${options.name} line ${row}: ${what} (${date} after ${dates[dates.length - 1]})`, 'sort the rows by date and remove duplicates');
    }
    dates.push(date);
    values.push(value);
  }
  return { dates, values };
}
