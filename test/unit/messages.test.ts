// The small helpers behind runexp's messages and input checks, on hand-made values: quoting what
// users wrote, calendar dates, text encodings, price series and the counts a pruner reports.
import { requireFiniteScores, requireValidCounts } from '../../src/execute/checks.ts';
import { pluginFiles } from '../../src/execute/plugin-files.ts';
import { dayCode, dayText, isCalendarDate } from '../../src/plugin/dates.ts';
import { parsePriceCsv } from '../../src/plugin/prices.ts';
import { checkSeries } from '../../src/plugin/series-check.ts';
import { quoted, quotedList } from '../../src/plugin/shorten.ts';
import { decodeText } from '../../src/plugin/text-decoding.ts';

test('quoted values are escaped and cut to a readable length', () => {
  expect(quoted('SPY')).toBe('"SPY"');
  expect(quoted('SP\u0000Y\u001b[31m\u007f')).toBe('"SP\\u0000Y\\u001b[31m\\u007f"');
  const long = quoted('Q'.repeat(100_000));
  expect(long).toBe(`"${'Q'.repeat(58)}…" (100,000 characters)`);
  expect(quotedList(Array.from({ length: 15 }, (_, i) => `c${i}`))).toBe(
    '"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11" and 3 more',
  );
});

test('calendar dates: only YYYY-MM-DD days that exist', () => {
  for (const ok of ['2024-02-29', '2000-02-29', '1927-12-30', '2026-12-31']) expect(isCalendarDate(ok)).toBe(true);
  for (const bad of [
    '2026-02-30',
    '2000-13-32',
    '1900-02-29',
    '2025-02-24garbage',
    '2025-2-24',
    ' 2025-02-24',
    '',
    '2025-00-10',
    '2025-04-31',
    '2025-0a-10',
  ])
    expect(isCalendarDate(bad)).toBe(false);
  expect(dayCode('2024-02-29')).toBe(20240229);
  expect(dayText(20240229)).toBe('2024-02-29');
  expect(dayText(dayCode('0050-01-02')!)).toBe('0050-01-02');
});

test('a price CSV is read strictly, from text or UTF-8 bytes alike: field counts per row, no spaces around a date or price', () => {
  const csv = (rows: string[]) => ['Date, Adj Close ,Volume', ...rows].join('\n');
  const good = csv(['2024-01-02,1.5,10', '"2024-01-03","2.25",11']);
  const expected = { dates: ['2024-01-02', '2024-01-03'], values: [1.5, 2.25] };
  expect(parsePriceCsv(good, { column: 'Adj Close', name: 'p.csv' })).toEqual(expected);
  expect(parsePriceCsv(Buffer.from(good), { column: 'Adj Close', name: 'p.csv' })).toEqual(expected);
  const problem = (rows: string[]) => () => parsePriceCsv(csv(rows), { column: 'Adj Close', name: 'p.csv' });
  expect(problem(['2024-01-02,1.5,10,extra'])).toThrow('p.csv line 2: 4 fields, but the header has 3');
  expect(problem(['2024-01-02,1.5,10', '2024-01-03,2'])).toThrow('p.csv line 3: 2 fields, but the header has 3');
  expect(problem(['2024-01-02 ,1.5,10'])).toThrow('p.csv line 2: Date "2024-01-02 " has spaces around it');
  expect(problem(['2024-01-02,\t1.5,10'])).toThrow('p.csv line 2: Adj Close "\\t1.5" has spaces around it');
  expect(problem(['2024-01-03,1.5,10', '2024-01-02,1.5,10'])).toThrow('p.csv line 3: dates out of order (2024-01-02 after 2024-01-03)');
});

test('text is decoded by its byte-order mark; UTF-16 without one is refused by name', () => {
  const text = 'Date,Adj Close\n2024-01-02,1.5\n';
  expect(decodeText(Buffer.from(text))).toEqual({ text, encoding: 'UTF-8' });
  expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({ text, encoding: 'UTF-8 with BOM' });
  expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toEqual({ text, encoding: 'UTF-16LE' });
  expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]))).toEqual({
    text,
    encoding: 'UTF-16BE',
  });
  expect(() => decodeText(Buffer.from(text, 'utf16le'))).toThrow(
    'it holds a NUL byte at offset 1: it looks like UTF-16 without a byte-order mark',
  );
});

describe('price series', () => {
  const series = (dates: string[], values: number[]) => ({ ticker: 'X', dates, values, checksum: '', source: '' });
  test('a good series passes; a gap of years is a warning', () => {
    expect(checkSeries(series(['2020-01-02', '2020-01-03'], [1, 2]))).toEqual({ warnings: [] });
    // 2020-01-03 → 2023-01-03 is 1,096 days: 3.0 years.
    expect(checkSeries(series(['2020-01-02', '2020-01-03', '2023-01-03'], [1, 2, 3]))).toEqual({
      warnings: ['X: no data for 3.0 years, from 2020-01-03 to 2023-01-03'],
    });
  });
  test.each([
    [['2020-01-02', '2020-01-03'], [1], 'the fetch result has 2 dates but 1 values'],
    [['2020-01-02', '2020-02-30'], [1, 2], 'row 2: "2020-02-30" is not a date written YYYY-MM-DD'],
    [['2020-01-03', '2020-01-02'], [1, 2], 'row 2: 2020-01-02 comes before 2020-01-03; dates must increase'],
    [['2020-01-02', '2020-01-02'], [1, 2], 'row 2: 2020-01-02 repeats 2020-01-02; dates must increase'],
    [['2020-01-02', '2020-01-03'], [1, NaN], 'row 2 (2020-01-03): the price NaN is not a finite positive number'],
    [['2020-01-02', '2020-01-03'], [0, 1], 'row 1 (2020-01-02): the price 0 is not a finite positive number'],
    [
      ['2020-01-02', '2020-01-03'],
      [1, 3e-310],
      'row 2 (2020-01-03): the price 3e-310 is too small: squared errors of it cannot be computed (prices must lie between about 1e-154 and 1e154; rescale the series)',
    ],
    [
      ['2020-01-02', '2020-01-03'],
      [1e200, 1],
      'row 1 (2020-01-02): the price 1e+200 is too large: squared errors of it cannot be computed (prices must lie between about 1e-154 and 1e154; rescale the series)',
    ],
    [['2020-01-02', '2020-01-03'], [7, 7], 'every price is 7: a constant series has nothing to forecast (and cannot be min-max scaled)'],
  ])('%j %j: %s', (dates, values, problem) => {
    expect(checkSeries(series(dates, values)).problem).toBe(problem);
  });
});

test("a pruner's counts must be whole, with 0 ≤ kept ≤ total; scores must be finite", () => {
  const layer = (total: number, kept: number) => ({ layer: 'dense', total, kept, before: new Float32Array(), after: new Float32Array() });
  expect(() => requireValidCounts([layer(8400, 5460), layer(10, 0)], 'p')).not.toThrow();
  for (const [total, kept] of [
    [8400, -5],
    [8400, 8401],
    [8400, 2.5],
    [0, 0],
  ]) {
    expect(() => requireValidCounts([layer(total, kept)], 'p')).toThrow(
      `the prune plugin reported kept = ${kept} of total = ${total} weights for layer dense`,
    );
  }
  const report = { mse: 1, rmse: 1, mae: 1, r2: 0.5 };
  expect(() => requireFiniteScores({ original: report, compact: report }, 'm')).not.toThrow();
  expect(() => requireFiniteScores({ original: report, compact: { ...report, mse: Infinity, r2: NaN } }, 'm')).toThrow(
    "the compact model's mse, r2 are not finite (Infinity, NaN)",
  );
});

test("a measure plugin keeps files only inside its run folder, and never over runexp's own", () => {
  const bytes = new Uint8Array([1]);
  expect(pluginFiles({ 'compact/model.onnx': bytes, 'notes.txt': bytes }, ['predictions.csv'], 'm')).toEqual({
    'compact/model.onnx': bytes,
    'notes.txt': bytes,
  });
  expect(pluginFiles(undefined, [], 'm')).toEqual({});
  for (const path of ['../escape.onnx', '/etc/passwd', 'a//b', './a', 'a\\b', '']) {
    expect(() => pluginFiles({ [path]: bytes }, [], 'm')).toThrow('which is not a relative path inside the run folder');
  }
  expect(() => pluginFiles({ 'predictions.csv': bytes }, ['predictions.csv'], 'm')).toThrow(
    'the measure plugin returned a file at "predictions.csv", which runexp writes itself',
  );
  expect(() => pluginFiles({ 'a.bin': 'text' as never }, [], 'm')).toThrow(
    'the measure plugin returned a file at "a.bin" whose content is not a Uint8Array',
  );
});

test('a CSV saved as UTF-16 with a byte-order mark reads exactly like its UTF-8 original', async () => {
  const { default: csv } = await import('../../src/plugins/fetch/csv.ts');
  const ctx = { specDir: 'test/fixtures', log: () => {} };
  const utf8 = await csv.run({ ticker: 'SPY' }, csv.options.parse({ path: 'csv/good.csv' }), ctx);
  const utf16 = await csv.run({ ticker: 'SPY' }, csv.options.parse({ path: 'csv/utf16.csv' }), ctx);
  expect(utf16.dates).toEqual(utf8.dates);
  expect(utf16.values).toEqual(utf8.values);
  expect(utf16.values).toHaveLength(400);
  expect(utf16.source).toBe('csv:csv/utf16.csv (UTF-16LE)');
  const crOnly = await csv.run({ ticker: 'SPY' }, csv.options.parse({ path: 'csv/cr-only.csv' }), ctx);
  expect(crOnly.values).toEqual(utf8.values);
});
