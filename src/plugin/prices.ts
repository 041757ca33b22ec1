// Reading daily price tables. Bad rows are errors that name the row and say what is wrong;
// nothing is silently dropped.
import { ErrorCode, RunexpError } from './errors.ts';

export interface PriceTable {
  dates: string[];
  values: number[];
}

/** Parses a `Date,...,<column>,...` CSV (Yahoo's layout) into dates and one price column. */
export function parsePriceCsv(text: string, options: { column: string; dateColumn?: string; name: string }): PriceTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new RunexpError(ErrorCode.DATA, `${options.name}: no data rows`);
  const header = lines[0].split(',').map((h) => h.trim());
  const dateIdx = header.indexOf(options.dateColumn ?? 'Date');
  const valueIdx = header.indexOf(options.column);
  if (dateIdx < 0) throw new RunexpError(ErrorCode.DATA, `${options.name}: no "${options.dateColumn ?? 'Date'}" column`, `columns are: ${header.join(', ')}`);
  if (valueIdx < 0) throw new RunexpError(ErrorCode.DATA, `${options.name}: no "${options.column}" column`, `columns are: ${header.join(', ')}`);
  const dates: string[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(',');
    const row = i + 1;
    const date = (cells[dateIdx] ?? '').trim();
    const raw = (cells[valueIdx] ?? '').trim();
    const value = raw === '' ? NaN : Number(raw);
    if (!/^\d{4}-\d{2}-\d{2}/.test(date)) throw new RunexpError(ErrorCode.DATA, `${options.name} line ${row}: bad date ${JSON.stringify(date)}`, 'dates must be YYYY-MM-DD');
    if (!Number.isFinite(value)) throw new RunexpError(ErrorCode.DATA, `${options.name} line ${row} (${date}): missing or non-numeric ${options.column} ${JSON.stringify(raw)}`, 'remove the row or fill the value');
    if (value <= 0) throw new RunexpError(ErrorCode.DATA, `${options.name} line ${row} (${date}): ${options.column} must be positive, got ${value}`);
    const day = date.slice(0, 10);
    if (dates.length > 0 && day <= dates[dates.length - 1]) {
      const what = day === dates[dates.length - 1] ? 'duplicate date' : 'dates out of order';
      throw new RunexpError(ErrorCode.DATA, `${options.name} line ${row}: ${what} (${day} after ${dates[dates.length - 1]})`, 'sort the rows by date and remove duplicates');
    }
    dates.push(day);
    values.push(value);
  }
  return { dates, values };
}
