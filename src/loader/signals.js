// One set of SIGINT/SIGTERM/SIGHUP listeners for the life of the process, installed first thing
// by bin/runexp.js, with a handler that the CLI swaps. Listeners are never removed: removing the
// last one stops Node's signal watcher, and a signal that had arrived while the main thread was
// busy (loading, validating) would be dropped without a trace.
const exitNow = process.exit.bind(process);
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Until the CLI says otherwise, a signal ends the process with the usual code. */
let handler = () => exitNow(130);
let installed = false;

export function installSignalHandlers() {
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      // Tell the supervisor (supervise.js) this process is alive and acting on it.
      if (process.connected) process.send({ type: 'answered' });
      handler(signal);
    });
  }
}

/** Routes signals to `next` (it gets the signal's name); returns a function restoring the previous handler. */
export function handleSignals(next) {
  installSignalHandlers();
  const previous = handler;
  handler = next;
  return () => {
    handler = previous;
  };
}
