// While a command or a task runs, nothing but runexp may end the process (or a worker thread):
// a plugin that calls process.exit(0) while it loads or fetches would otherwise make `validate`
// or a run exit 0 with nothing said, and one that calls it in a stage would end its worker thread
// and fail every run of its group, naming nobody. The trap turns such a call into an error where
// it happened, so it is reported against that plugin (exit 2 at validation, a failed run in a
// stage) like any other throw.
import { ErrorCode, RunexpError } from '../plugin/errors.ts';

/** The real process.exit, for runexp's own use (a second Ctrl-C) while the trap is set. */
export const exitNow: (code?: number) => never = process.exit.bind(process);

/** Installs the trap; returns the function that removes it. */
export function trapProcessExit(): () => void {
  const original = process.exit;
  process.exit = ((code?: number | string | null) => {
    throw new RunexpError(
      ErrorCode.PLUGIN,
      `the plugin called process.exit(${code ?? ''})`,
      'a plugin must return its result or throw an Error; it must not end the process',
    );
  }) as typeof process.exit;
  return () => {
    process.exit = original;
  };
}
