// A Redis URL for BullMQ: parsed once, printed only without its credentials, and checked for the
// one server setting a queue cannot live without. A Redis that evicts keys under memory pressure
// (any maxmemory-policy but noeviction) can silently drop jobs, locks or results.
import { Redis } from 'ioredis';
import { ErrorCode, RunexpError } from '../../plugin/errors.ts';

export const QUEUE_NAME = 'runexp';

export interface QueueConnection {
  /** For BullMQ and ioredis (TLS for rediss://, password, db). */
  options: { url: string; maxRetriesPerRequest: null };
  /** The URL with any user name and password replaced by "***": the only form ever printed. */
  shown: string;
}

export function parseQueueUrl(raw: string): QueueConnection {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RunexpError(ErrorCode.USAGE, `--queue must be a Redis URL, got "${redact(raw)}"`, 'e.g. redis://localhost:6379, redis://:password@host:6379/2 or rediss://host:6380 for TLS');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RunexpError(ErrorCode.USAGE, `--queue must start with redis:// or rediss://, got "${redact(raw)}"`, 'e.g. redis://localhost:6379');
  }
  // Workers block on Redis: a request must wait for a reconnect (after a Redis restart) rather
  // than fail after a few retries.
  return { options: { url: raw, maxRetriesPerRequest: null }, shown: redact(raw) };
}

/**
 * "redis://user:secret@host:6379/0" → "redis://***@host:6379/0". Everything before the last "@"
 * goes, scheme or not, so a mistyped URL ("redis//:pw@host") never shows its password either.
 */
export function redact(raw: string): string {
  const at = raw.lastIndexOf('@');
  if (at < 0) return raw;
  const scheme = /^[a-z]+:\/\//i.exec(raw)?.[0] ?? '';
  return `${scheme}***${raw.slice(at)}`;
}

/**
 * Refuses a Redis that may evict keys. Where CONFIG is not allowed (some managed services), says
 * that it could not check rather than refusing.
 */
export async function checkRedis(connection: QueueConnection, warn: (message: string) => void): Promise<void> {
  const client = new Redis(connection.options.url, { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
  // The first error says why (ECONNREFUSED, WRONGPASS); ioredis would also print it as "unhandled".
  let firstError: Error | undefined;
  client.on('error', (err: Error) => (firstError ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    const why = redact((firstError ?? (err as Error)).message);
    // A server certificate from a private CA: Node trusts it once told where the CA is.
    const hint = /certificate/i.test(why) ? "point NODE_EXTRA_CA_CERTS at the PEM file of the server's certificate authority" : 'start Redis, or check the host, port, password and TLS (rediss://) in --queue';
    throw new RunexpError(ErrorCode.USAGE, `cannot reach Redis at ${connection.shown}: ${why}`, hint);
  }
  try {
    const [, policy] = (await client.config('GET', 'maxmemory-policy')) as string[];
    if (policy !== undefined && policy !== 'noeviction') {
      throw new RunexpError(ErrorCode.USAGE, `Redis at ${connection.shown} has maxmemory-policy ${policy}: it may evict queued jobs and results`, 'set it to noeviction: redis-cli CONFIG SET maxmemory-policy noeviction (and in redis.conf)');
    }
  } catch (err) {
    if (err instanceof RunexpError) throw err;
    warn(`runexp: could not read Redis's maxmemory-policy at ${connection.shown} (${(err as Error).message}); make sure it is noeviction`);
  } finally {
    client.disconnect();
  }
}
