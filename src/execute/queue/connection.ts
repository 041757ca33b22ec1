// A Redis URL for BullMQ: parsed once, printed only without its credentials, and checked for the
// one server setting a queue cannot live without. A Redis that evicts keys under memory pressure
// (any maxmemory-policy but noeviction) can silently drop jobs, locks or results.
import { Redis } from 'ioredis';
import { ErrorCode, RunexpError } from '../../plugin/errors.ts';

export const QUEUE_NAME = 'runexp';

/** How BullMQ and ioredis reach the server: taken from the URL by runexp, so that nothing in it (the database above all) is lost on the way. */
export interface RedisOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  /** rediss:// */
  tls?: Record<string, never>;
  maxRetriesPerRequest: null;
}

export interface QueueConnection {
  options: RedisOptions;
  /** The URL with any user name and password replaced by "***": the only form ever printed. */
  shown: string;
}

export function parseQueueUrl(raw: string): QueueConnection {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RunexpError(
      ErrorCode.USAGE,
      `--queue must be a Redis URL, got "${redact(raw)}"`,
      'e.g. redis://localhost:6379, redis://:password@host:6379/2 or rediss://host:6380 for TLS',
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RunexpError(
      ErrorCode.USAGE,
      `--queue must start with redis:// or rediss://, got "${redact(raw)}"`,
      'e.g. redis://localhost:6379',
    );
  }
  const path = url.pathname.replace(/^\//, '');
  if (!/^\d*$/.test(path))
    throw new RunexpError(
      ErrorCode.USAGE,
      `the database in --queue must be a number, got "${decodeURIComponent(path)}" in "${redact(raw)}"`,
      'e.g. redis://localhost:6379/2 for database 2 (or no /N for database 0)',
    );
  const options: RedisOptions = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    db: path === '' ? 0 : Number(path),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    // Workers block on Redis: a request must wait for a reconnect (after a Redis restart) rather
    // than fail after a few retries.
    maxRetriesPerRequest: null,
  };
  return { options, shown: redact(raw) };
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
  // Database 0 first: a database the server lacks is then refused below, by name (ioredis would
  // only print the SELECT's error and carry on in database 0).
  const client = new Redis({ ...connection.options, db: 0, maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
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
    const hint = /certificate/i.test(why)
      ? "point NODE_EXTRA_CA_CERTS at the PEM file of the server's certificate authority"
      : 'start Redis, or check the host, port, password and TLS (rediss://) in --queue';
    throw new RunexpError(ErrorCode.USAGE, `cannot reach Redis at ${connection.shown}: ${why}`, hint);
  }
  try {
    await client.select(connection.options.db);
  } catch (err) {
    client.disconnect();
    throw new RunexpError(
      ErrorCode.USAGE,
      `Redis at ${connection.shown} has no database ${connection.options.db} (${(err as Error).message})`,
      'use a database the server has: 0 up to one less than its CONFIG GET databases (16 by default)',
    );
  }
  try {
    const [, policy] = (await client.config('GET', 'maxmemory-policy')) as string[];
    if (policy !== undefined && policy !== 'noeviction') {
      throw new RunexpError(
        ErrorCode.USAGE,
        `Redis at ${connection.shown} has maxmemory-policy ${policy}: it may evict queued jobs and results`,
        'set it to noeviction: redis-cli CONFIG SET maxmemory-policy noeviction (and in redis.conf)',
      );
    }
  } catch (err) {
    if (err instanceof RunexpError) throw err;
    warn(`runexp: could not read Redis's maxmemory-policy at ${connection.shown} (${(err as Error).message}); make sure it is noeviction`);
  } finally {
    client.disconnect();
  }
}
