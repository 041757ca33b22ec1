// A throwaway Redis for tests: Debian's redis-server on a free localhost port, its data (AOF on)
// in a temporary folder, stopped afterwards. Where redis-server is missing the queue tests skip,
// except in CI (CI=true), where .ci/run installs it and a missing server is a failure.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = spawnSync('redis-server', ['--version']).status === 0 ? 'redis-server' : undefined;
if (!REDIS_SERVER && process.env.CI === 'true')
  throw new Error('redis-server is missing: .ci/run installs it (apt-get install redis-server); the queue tests must not skip in CI');
if (!REDIS_SERVER)
  process.stderr.write('runexp tests: redis-server is not installed, so the queue tests are skipped (apt-get install redis-server)\n');

export async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface TestRedis {
  url: string;
  /** TLS only: the self-signed certificate a client must trust (e.g. through NODE_EXTRA_CA_CERTS). */
  caFile?: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
  /** Stops and starts the server on the same port and folder: what the AOF kept comes back. */
  restart(): Promise<void>;
}

/** Up and answering: PONG, or (a server with a password) a refusal to answer without it. */
function ping(port: number, caFile: string | undefined): boolean {
  const tls = caFile ? ['--tls', '--cacert', caFile] : [];
  return /PONG|NOAUTH/.test(spawnSync('redis-cli', [...tls, '-p', String(port), 'ping'], { encoding: 'utf8' }).stdout ?? '');
}

/** A self-signed certificate for 127.0.0.1 (openssl): the server's, and the CA a client must trust. */
function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl could not make a test certificate: ${made.stderr}`);
  return { cert, key };
}

async function launch(port: number, dir: string, extra: string[], caFile: string | undefined): Promise<ChildProcess> {
  // With TLS the port speaks only TLS: plain connections are off (port 0).
  const listen = caFile
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        caFile,
        '--tls-key-file',
        join(dir, 'key.pem'),
        '--tls-ca-cert-file',
        caFile,
        '--tls-auth-clients',
        'no',
      ]
    : ['--port', String(port)];
  const child = spawn(
    'redis-server',
    [...listen, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', ...extra],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && !ping(port, caFile); i++) await new Promise((r) => setTimeout(r, 50));
  if (!ping(port, caFile)) {
    child.kill('SIGKILL'); // a server left running would keep jest from exiting
    throw new Error(`redis-server did not start on port ${port}`);
  }
  return child;
}

export async function startRedis(extra: string[] = [], options: { tls?: boolean } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'runexp-redis-'));
  const caFile = options.tls ? selfSignedCertificate(dir).cert : undefined;
  let child = await launch(port, dir, extra, caFile);
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM'); // redis-server flushes its AOF on SIGTERM
    await exited;
  };
  return {
    url: `${caFile ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    caFile,
    port,
    dir,
    stop,
    async restart() {
      await stop();
      child = await launch(port, dir, extra, caFile);
    },
  };
}
