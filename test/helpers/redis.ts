// A throwaway Redis for tests: Debian's redis-server on a free localhost port, its data (AOF on)
// in a temporary folder, stopped afterwards. Where redis-server is missing the queue tests skip,
// except in CI (CI=true), where .ci/run installs it and a missing server is a failure.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = spawnSync('redis-server', ['--version']).status === 0 ? 'redis-server' : undefined;
if (!REDIS_SERVER && process.env.CI === 'true') throw new Error('redis-server is missing: .ci/run installs it (apt-get install redis-server); the queue tests must not skip in CI');
if (!REDIS_SERVER) process.stderr.write('runexp tests: redis-server is not installed, so the queue tests are skipped (apt-get install redis-server)\n');

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
  port: number;
  dir: string;
  stop(): Promise<void>;
  /** Stops and starts the server on the same port and folder: what the AOF kept comes back. */
  restart(): Promise<void>;
}

/** Up and answering: PONG, or (a server with a password) a refusal to answer without it. */
function ping(port: number): boolean {
  return /PONG|NOAUTH/.test(spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout ?? '');
}

async function launch(port: number, dir: string, extra: string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', ...extra], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !ping(port); i++) await new Promise((r) => setTimeout(r, 50));
  if (!ping(port)) {
    child.kill('SIGKILL'); // a server left running would keep jest from exiting
    throw new Error(`redis-server did not start on port ${port}`);
  }
  return child;
}

export async function startRedis(extra: string[] = []): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'runexp-redis-'));
  let child = await launch(port, dir, extra);
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM'); // redis-server flushes its AOF on SIGTERM
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop,
    async restart() {
      await stop();
      child = await launch(port, dir, extra);
    },
  };
}
