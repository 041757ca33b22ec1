// The bundled data: every file the manifest lists is there, matches its checksum, and has the rows
// and dates the manifest says; each reads as a price series.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { readSnapshot, readSnapshotManifest, SNAPSHOT_DIR } from '../../src/plugins/fetch/snapshot.ts';

const { tickers } = readSnapshotManifest();

test.each(Object.entries(tickers))('%s: checksum, rows and dates as the manifest says', (ticker, entry) => {
  const bytes = readFileSync(resolve(SNAPSHOT_DIR, entry.file));
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
  const series = readSnapshot(ticker, 'Close');
  expect(series.values).toHaveLength(entry.rows);
  expect([series.dates[0], series.dates.at(-1)]).toEqual([entry.first, entry.last]);
  expect(series.values.every((v) => v > 0)).toBe(true);
});

test("the other assets read as any ticker does: ^VIX's first close, TLT's adjusted close", () => {
  expect(Object.keys(tickers)).toEqual(['SPY', '^GSPC', '^VIX', 'TLT', 'GLD', 'QQQ', 'SPY-1m']);
  expect(readSnapshot('^VIX', 'Close').values[0]).toBeCloseTo(17.239999771118164, 12);
  expect(readSnapshot('TLT', 'Adj Close').values[0]).toBeCloseTo(39.599445, 6);
});

test('1-minute SPY bars: stamps with their offset, Close (bars have no Adj Close), 31 sessions of 390', () => {
  const bars = readSnapshot('SPY-1m', 'Adj Close');
  expect(bars.source).toBe('snapshot:data/snapshot/SPY-1m.csv (Close)');
  expect(bars.dates[0]).toBe('2026-01-22T09:30:00-05:00');
  expect(bars.values[0]).toBe(689.82);
  expect(new Set(bars.dates.map((d) => d.slice(0, 10))).size).toBe(31);
});
