// The offline default: real Yahoo daily data pinned in data/snapshot/, checked against its sha256.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { definePlugin, ErrorCode, quoted, RunexpError, suggestHint } from '../../plugin/index.ts';
import { parsePriceCsv, sha256 } from '../../plugin/kit/data.ts';

export const SNAPSHOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../data/snapshot');

interface SnapshotManifest {
  tickers: Record<string, { file: string; sha256: string; rows: number; first: string; last: string; intraday?: boolean }>;
}

export function readSnapshotManifest(): SnapshotManifest {
  return JSON.parse(readFileSync(resolve(SNAPSHOT_DIR, 'manifest.json'), 'utf8')) as SnapshotManifest;
}

/** Reads a snapshot ticker; shared with the yahoo plugin's offline fallback. */
export function readSnapshot(ticker: string, column: string) {
  const manifest = readSnapshotManifest();
  const entry = manifest.tickers[ticker];
  if (!entry) {
    const known = Object.keys(manifest.tickers);
    throw new RunexpError(
      ErrorCode.DATA,
      `ticker ${quoted(ticker)} is not in the offline snapshot`,
      `${suggestHint(ticker, known)} (or use source: yahoo / csv)`,
    );
  }
  const bytes = readFileSync(resolve(SNAPSHOT_DIR, entry.file));
  const checksum = sha256(bytes);
  if (checksum !== entry.sha256) {
    throw new RunexpError(
      ErrorCode.DATA,
      `snapshot file ${entry.file} does not match its checksum (got ${checksum.slice(0, 12)}…, expected ${entry.sha256.slice(0, 12)}…)`,
      'restore it with git checkout data/snapshot',
    );
  }
  // Intraday bars have no Adj Close: weeks of bars hold no dividend or split, so Close is it.
  const read = entry.intraday && column === 'Adj Close' ? 'Close' : column;
  const table = parsePriceCsv(bytes.toString('utf8'), { column: read, name: `snapshot ${entry.file}` });
  return { ticker, ...table, checksum, source: `snapshot:data/snapshot/${entry.file}${read === column ? '' : ` (${read})`}` };
}

export default definePlugin({
  slot: 'fetch',
  name: 'snapshot',
  description:
    'Bundled, checksummed Yahoo daily data (SPY 1993–2026, ^GSPC 1927–2023, ^VIX, TLT, GLD, QQQ) and 1-minute SPY bars (SPY-1m); works offline.',
  options: z.strictObject({
    column: z.enum(['Adj Close', 'Close', 'Open', 'High', 'Low', 'Volume']).default('Adj Close'),
  }),
  run: ({ ticker }, options) => readSnapshot(ticker, options.column),
});
