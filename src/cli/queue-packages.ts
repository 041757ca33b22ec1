// bullmq and ioredis are optional peer dependencies of runexp: about 15 MB (with luxon and
// msgpackr) that a user who never spreads a grid over machines does not need to install. The
// queue commands load through here, so a missing package is a clear instruction, not a stack trace.
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { runexpPackage } from '../results/manifest.ts';

const QUEUE_PACKAGES = ['bullmq', 'ioredis'];

/** "bullmq@6.7.0 ioredis@5.11.1": the versions runexp is tested with (its peerDependencies). */
export function queuePackagesToInstall(): string {
  const peers = runexpPackage().peerDependencies ?? {};
  return QUEUE_PACKAGES.map((name) => `${name}@${peers[name] ?? 'latest'}`).join(' ');
}

export async function importQueuePackages<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const missing = QUEUE_PACKAGES.find((name) => new RegExp(`Cannot find (package|module) '${name}'`).test((err as Error).message));
    if (!missing) throw err;
    throw new RunexpError(
      ErrorCode.USAGE,
      `running grids through a queue needs the ${missing} package, which runexp does not install by default`,
      `npm install ${queuePackagesToInstall()} (next to runexp)`,
    );
  }
}
