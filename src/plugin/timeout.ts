// A deadline on a promise. Used around every plugin call: a plugin whose promise never settles
// must fail its run with a message naming it, not hang the grid (nor let Node exit with code 13
// when nothing else keeps the event loop alive).

/** Settles like `work`, or rejects with `timedOut()` after `seconds`. The timer never outlives the race. */
export async function withTimeout<T>(work: Promise<T>, seconds: number, timedOut: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), seconds * 1000);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
