// How the CLI answers: usage errors (exit 2), explained failures (exit by error code) and the
// parsing of whole-number flags, shared by every command.
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { formatIssue, SpecError } from '../spec/issues.ts';

/** Exit codes for errors that are not bad input (2). */
const EXIT_BY_CODE: Record<string, number> = { [ErrorCode.WRITE]: 1, [ErrorCode.LOCKED]: 75 };

/** undefined when the flag is absent, null when it is not an integer ≥ min. */
export function positiveInt(raw: string | undefined, min: number): number | undefined | null {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min ? n : null;
}

export function usage(message: string): number {
  process.stderr.write(`runexp: ${message}\nRun "runexp --help" for usage.\n`);
  return 2;
}

export function explain(err: unknown, debug: boolean): number {
  if (err instanceof SpecError) {
    process.stderr.write(
      `runexp: ${err.message}:\n${err.issues.map((i) => `  ${formatIssue(i).replace(/\n/g, '\n  ')}`).join('\n')}\nNothing was written.\n`,
    );
    return 2;
  }
  if (err instanceof RunexpError) {
    process.stderr.write(`runexp: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}\n`);
    if (debug) process.stderr.write(`${err.stack}\n`);
    return EXIT_BY_CODE[err.code] ?? 2;
  }
  process.stderr.write(
    `runexp: unexpected error: ${(err as Error).message ?? err}\n${debug ? `${(err as Error).stack}\n` : '  (run with --debug for the stack trace)\n'}`,
  );
  return 1;
}
