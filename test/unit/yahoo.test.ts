// The live Yahoo source, offline: yahoo-finance2 is given recorded responses through its `fetch`
// option. Checks parsing, the on-disk cache, and the announced fallbacks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yahoo, { loadYahooFinance } from '../../src/plugins/fetch/yahoo.ts';
import { tempDir } from '../helpers/cli.ts';

const recordedChart = readFileSync('test/fixtures/yahoo/spy-chart-5d.json', 'utf8');
const ok: typeof fetch = async () => new Response(recordedChart, { status: 200, headers: { 'content-type': 'application/json' } });
const unreachable: typeof fetch = async () => {
  throw new TypeError('fetch failed');
};
const options = (fetchImpl: typeof fetch, fallback: 'cache-then-snapshot' | 'cache' | 'none' = 'cache-then-snapshot') => ({
  from: '2026-04-01',
  timeoutMs: 2000,
  retries: 2,
  backoffMs: 10,
  fallback,
  fetch: fetchImpl,
});

/** A fetch that answers from a list of recorded responses, counting calls. */
function recorded(...responses: (() => Response)[]) {
  const calls: string[] = [];
  const impl: typeof fetch = async (url) => {
    calls.push(String(url));
    const next = responses[Math.min(calls.length - 1, responses.length - 1)];
    return next();
  };
  return { impl, calls };
}

describe('yahoo fetch plugin', () => {
  test('parses a recorded chart response and caches it', async () => {
    const cacheDir = tempDir();
    const logs: string[] = [];
    const series = await yahoo.run({ ticker: 'SPY' }, options(ok), { specDir: '.', cacheDir, log: (m) => logs.push(m) });
    expect(series.dates).toEqual(['2026-04-28', '2026-04-29', '2026-04-30', '2026-05-01', '2026-05-04']);
    expect(series.values[4]).toBe(718.010009765625); // Adj Close of 2026-05-04 in data/snapshot/SPY.csv;
    expect(series.source).toBe('yahoo');
    expect(logs).toEqual([]);
    const cached = JSON.parse(readFileSync(join(cacheDir, 'yahoo', 'SPY.json'), 'utf8'));
    expect(cached.sha256).toBe(series.checksum);
  });

  test('unreachable: one line, then the cache', async () => {
    const cacheDir = tempDir();
    await yahoo.run({ ticker: 'SPY' }, options(ok), { specDir: '.', cacheDir, log: () => {} });
    const logs: string[] = [];
    const series = await yahoo.run({ ticker: 'SPY' }, options(unreachable), { specDir: '.', cacheDir, log: (m) => logs.push(m) });
    expect(series.source).toMatch(/^yahoo-cache:/);
    expect(series.values).toHaveLength(5);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^yahoo: SPY unreachable \(fetch failed\); using the cache from \d{4}-\d{2}-\d{2}$/);
  });

  test('unreachable and no cache: one line, then the bundled snapshot', async () => {
    const logs: string[] = [];
    const series = await yahoo.run({ ticker: 'SPY' }, options(unreachable), {
      specDir: '.',
      cacheDir: tempDir(),
      log: (m) => logs.push(m),
    });
    expect(series.source).toBe('snapshot:data/snapshot/SPY.csv');
    expect(logs).toEqual(['yahoo: SPY unreachable (fetch failed); using the bundled snapshot']);
  });

  test('a hanging server times out instead of hanging', async () => {
    const hang: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const started = Date.now();
    await expect(
      yahoo.run({ ticker: 'SPY' }, { ...options(hang, 'none'), timeoutMs: 200, retries: 0 }, { specDir: '.', log: () => {} }),
    ).rejects.toThrow(/timed out after 200 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('retries transient failures with backoff, then succeeds', async () => {
    const { impl, calls } = recorded(
      () => new Response('busy', { status: 503 }),
      () => new Response('slow down', { status: 429 }),
      () => new Response(recordedChart, { status: 200, headers: { 'content-type': 'application/json' } }),
    );
    const series = await yahoo.run({ ticker: 'SPY' }, options(impl, 'none'), { specDir: '.', log: () => {} });
    expect(calls).toHaveLength(3);
    expect(series.values).toHaveLength(5);
  });

  test('gives up after the retries and says why in one line', async () => {
    const { impl, calls } = recorded(() => new Response('down', { status: 500 }));
    const logs: string[] = [];
    const series = await yahoo.run({ ticker: 'SPY' }, options(impl), { specDir: '.', cacheDir: tempDir(), log: (m) => logs.push(m) });
    expect(calls).toHaveLength(3);
    expect(logs).toEqual(['yahoo: SPY unreachable (HTTP 500: down); using the bundled snapshot']);
    expect(series.source).toBe('snapshot:data/snapshot/SPY.csv');
  });

  test('HTTP 404 and malformed responses are not retried', async () => {
    const notFound = recorded(
      () =>
        new Response('{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}', {
          status: 404,
          headers: { 'content-type': 'application/json' },
        }),
    );
    await expect(yahoo.run({ ticker: 'NOPE' }, options(notFound.impl, 'none'), { specDir: '.', log: () => {} })).rejects.toThrow(
      /HTTP 404: No data found/,
    );
    expect(notFound.calls).toHaveLength(1);
    const malformed = recorded(
      () => new Response('{"chart": {"result": [{"meta": 5}]}}', { status: 200, headers: { 'content-type': 'application/json' } }),
    );
    await expect(yahoo.run({ ticker: 'SPY' }, options(malformed.impl, 'none'), { specDir: '.', log: () => {} })).rejects.toThrow(
      /malformed response/,
    );
    expect(malformed.calls).toHaveLength(1);
  });
});

test('without the optional yahoo-finance2 package, source: yahoo says how to install it', async () => {
  const missing = () => Promise.reject(Object.assign(new Error("Cannot find package 'yahoo-finance2'"), { code: 'ERR_MODULE_NOT_FOUND' }));
  await expect(loadYahooFinance(missing)).rejects.toMatchObject({
    code: 'E_DATA',
    message: 'source: yahoo needs the yahoo-finance2 package, which is not installed',
    hint: expect.stringContaining('npm install yahoo-finance2@3'),
  });
  // Any other failure is not dressed up as a missing package.
  await expect(loadYahooFinance(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  expect(typeof (await loadYahooFinance())).toBe('function'); // installed here, as a dev dependency
});
