// Live Yahoo Finance daily bars through yahoo-finance2, with an on-disk cache and a timeout.
// When Yahoo cannot be reached it says so in one line and falls back to the cache, then to the
// bundled snapshot; it never hangs.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type YahooFinance from 'yahoo-finance2';
import { z } from 'zod';
import { canonicalJson, sha256 } from '../../plugin/kit/data.ts';
import { definePlugin, ErrorCode, RunexpError } from '../../plugin/index.ts';
import { readSnapshot } from './snapshot.ts';

const quiet = { info() {}, warn() {}, error() {}, debug() {}, dir() {} };

interface CachedSeries {
  ticker: string;
  fetchedAt: string;
  dates: string[];
  values: number[];
  sha256: string;
}

/**
 * yahoo-finance2 prints the request URL with console.error on every HTTP error, bypassing its
 * logger option; we report failures in one line of our own instead.
 */
async function withoutUrlEcho<T>(fn: () => Promise<T>): Promise<T> {
  const original = console.error;
  console.error = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === 'string' && /^https:\/\/query\d\.finance\.yahoo\.com\//.test(args[0])) return;
    original(...args);
  };
  try {
    return await fn();
  } finally {
    console.error = original;
  }
}

function cacheFile(dir: string, ticker: string): string {
  return join(dir, 'yahoo', `${ticker.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

function readCache(dir: string | undefined, ticker: string): CachedSeries | undefined {
  if (!dir) return undefined;
  try {
    const cached = JSON.parse(readFileSync(cacheFile(dir, ticker), 'utf8')) as CachedSeries;
    // A truncated or edited cache file is ignored rather than trusted.
    return sha256(canonicalJson({ dates: cached.dates, values: cached.values })) === cached.sha256 ? cached : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(dir: string, entry: CachedSeries): void {
  const file = cacheFile(dir, entry.ticker);
  mkdirSync(join(dir, 'yahoo'), { recursive: true });
  // A name of this process's own: two runs fetching one ticker at once must not share a partial file.
  const partial = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(partial, JSON.stringify(entry));
  renameSync(partial, file);
}

/**
 * yahoo-finance2, loaded on first use. It is an optional peer dependency: with its server stack it
 * is 43 MB, and only live fetching needs it (snapshot and csv work without it).
 */
export async function loadYahooFinance(
  load: () => Promise<{ default: typeof YahooFinance }> = () => import('yahoo-finance2'),
): Promise<typeof YahooFinance> {
  try {
    return (await load()).default;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new RunexpError(
      ErrorCode.DATA,
      'source: yahoo needs the yahoo-finance2 package, which is not installed',
      'npm install yahoo-finance2@3 (optional: the snapshot and csv sources work without it)',
    );
  }
}

export default definePlugin({
  slot: 'fetch',
  name: 'yahoo',
  description: 'Live daily prices from Yahoo Finance (yahoo-finance2), cached on disk; falls back offline.',
  options: z.strictObject({
    from: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .default('1900-01-01'),
    timeoutMs: z.int().positive().default(10_000).describe('per request'),
    retries: z.int().min(0).max(10).default(2).describe('extra tries after a network error, a timeout, HTTP 429 or 5xx'),
    backoffMs: z.int().min(0).default(500).describe('wait before the first retry; doubles each time'),
    fallback: z.enum(['cache-then-snapshot', 'cache', 'none']).default('cache-then-snapshot'),
    /** Injected fetch for tests with recorded responses. */
    fetch: z.any().optional(),
  }),
  run: async ({ ticker }, options, ctx) => {
    const fetchImpl = (options.fetch as typeof fetch | undefined) ?? fetch;
    let lastStatus: number | undefined;
    const timedFetch: typeof fetch = async (input, init) => {
      lastStatus = undefined;
      const response = await fetchImpl(input, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
      lastStatus = response.status;
      return response;
    };
    const Client = await loadYahooFinance();
    const client = new Client({ logger: quiet, fetch: timedFetch } as ConstructorParameters<typeof YahooFinance>[0]);
    // Transient failures are retried with exponential backoff; bad answers (404, malformed) are not.
    const transient = (err: unknown) =>
      lastStatus === undefined ? !(err instanceof RunexpError) : lastStatus === 429 || lastStatus >= 500;
    const chartWithRetries = async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return (await withoutUrlEcho(() => client.chart(ticker, { period1: options.from, interval: '1d' }))) as {
            quotes: { date: Date; adjclose?: number | null; close?: number | null }[];
          };
        } catch (err) {
          if (attempt >= options.retries || !transient(err)) throw err;
          await new Promise((r) => setTimeout(r, options.backoffMs * 2 ** attempt));
        }
      }
    };
    try {
      const chart = await chartWithRetries();
      const rows = chart.quotes.filter((q) => Number.isFinite(q.adjclose ?? q.close ?? NaN) && (q.adjclose ?? q.close)! > 0);
      if (rows.length === 0) throw new Error('Yahoo returned no prices');
      const dates = rows.map((q) => q.date.toISOString().slice(0, 10));
      const values = rows.map((q) => (q.adjclose ?? q.close) as number);
      const checksum = sha256(canonicalJson({ dates, values }));
      if (ctx.cacheDir) writeCache(ctx.cacheDir, { ticker, fetchedAt: new Date().toISOString(), dates, values, sha256: checksum });
      return { ticker, dates, values, checksum, source: 'yahoo' };
    } catch (err) {
      const message = (err as Error).message.split('\n')[0].slice(0, 160);
      const reason =
        (err as Error).name === 'TimeoutError'
          ? `timed out after ${options.timeoutMs} ms`
          : lastStatus !== undefined && lastStatus !== 200
            ? `HTTP ${lastStatus}: ${message}`
            : lastStatus === 200
              ? `malformed response: ${message}`
              : message;
      if (options.fallback === 'none') throw new RunexpError(ErrorCode.DATA, `Yahoo Finance: ${reason}`);
      const cached = readCache(ctx.cacheDir, ticker);
      if (cached) {
        ctx.log(`yahoo: ${ticker} unreachable (${reason}); using the cache from ${cached.fetchedAt.slice(0, 10)}`);
        return { ticker, dates: cached.dates, values: cached.values, checksum: cached.sha256, source: `yahoo-cache:${cached.fetchedAt}` };
      }
      if (options.fallback === 'cache') throw new RunexpError(ErrorCode.DATA, `Yahoo Finance: ${reason}, and no cached copy of ${ticker}`);
      ctx.log(`yahoo: ${ticker} unreachable (${reason}); using the bundled snapshot`);
      return readSnapshot(ticker, 'Adj Close');
    }
  },
});
