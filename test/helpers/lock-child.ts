// One contender for an output directory's lock (test/unit/lock.test.ts): waits for the agreed
// moment, tries to take the lock, holds it a while, and prints what happened.
import { acquireLock } from '../../src/results/lock.ts';

const [dir, at] = process.argv.slice(2);
while (Date.now() < Number(at)) {
  // spin until the agreed moment, so that every contender tries at once
}
try {
  const release = acquireLock(dir);
  console.log('locked');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  release();
} catch (err) {
  console.log((err as { code?: string }).code === 'E_LOCKED' ? 'busy' : `error ${(err as Error).message}`);
}
