// Errors raised while running, with stable codes: plugins throw them, records store them. The CLI
// is the only place that catches and prints them. Messages say what is wrong and how to fix it.

/** An error with a stable code, raised while running (a failed run stores code and message). */
export class RunexpError extends Error {
  readonly code: string;
  readonly hint?: string;
  constructor(code: string, message: string, hint?: string) {
    super(message);
    this.name = 'RunexpError';
    this.code = code;
    this.hint = hint;
  }
}

/** Error codes used across runexp, sorted; one place so they stay unique. */
export const ErrorCode = {
  DATA: 'E_DATA',
  DEAD_MODEL: 'E_DEAD_MODEL',
  /** A run's plugins left tensors undisposed (its worker is replaced). */
  LEAK: 'E_LEAK',
  LOCKED: 'E_LOCKED',
  /** A model's errors on the test set are not finite numbers (NaN, or an overflow). */
  NON_FINITE: 'E_NON_FINITE',
  /** The output (or reports) folder cannot be created or written: a file in the way, read-only, full. */
  OUT_DIR: 'E_OUT_DIR',
  PLUGIN: 'E_PLUGIN',
  /** A plugin stage (or a plugin file's loading) took longer than the spec's `timeouts` allow. */
  TIMEOUT: 'E_TIMEOUT',
  USAGE: 'E_USAGE',
  WORKER: 'E_WORKER',
  WRITE: 'E_WRITE',
} as const;

/** Plain-data form of an error, for results.jsonl and for crossing worker threads. */
export interface SerializedError {
  code: string;
  message: string;
  hint?: string;
  stage?: string;
  plugin?: string;
  stack?: string;
}

/** Error messages longer than this are cut when stored or shown: a plugin may throw anything. */
const MAX_MESSAGE = 2000;
export const capMessage = (message: string): string => (message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}… (${message.length.toLocaleString('en-US')} characters)` : message);

export function serializeError(err: unknown, where?: { stage?: string; plugin?: string }): SerializedError {
  if (err instanceof RunexpError) {
    return { code: err.code, message: capMessage(err.message), hint: err.hint, ...where, stack: err.stack };
  }
  if (err instanceof Error) {
    return { code: (err as { code?: string }).code ?? 'E_UNEXPECTED', message: capMessage(err.message), ...where, stack: err.stack };
  }
  // Not an Error: a thrown string, or an object with a message (a worker's rejection), else its JSON.
  const message = typeof err === 'object' && err !== null && 'message' in err ? String((err as { message: unknown }).message) : typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));
  return { code: 'E_UNEXPECTED', message: capMessage(message), ...where };
}
