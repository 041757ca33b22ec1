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
  /** Where it was thrown: the first stack frame outside runexp's core and node's internals (a plugin's `file:line:col`). */
  at?: string;
  stack?: string;
  /** What else went wrong while unwinding this failure (tensors left undisposed): a second line, never the error. */
  afterwards?: string;
}

/** runexp's own sources; frames there (but for the built-in plugins) are the core, not the thrower. */
const SRC = new URL('../', import.meta.url).pathname;

/**
 * The first frame of a stack in code a user would blame: not node's internals, not a package in
 * node_modules, not runexp's core (the built-in plugins count as plugins). A file under the working
 * folder is shown relative to it.
 */
export function throwSite(stack: string | undefined): string | undefined {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const frame = /\(?((?:file:\/\/)?\/[^()\s]+?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!frame) continue;
    const file = frame[1].replace(/^file:\/\//, '');
    if (file.includes('/node_modules/') || (file.startsWith(SRC) && !file.startsWith(`${SRC}plugins/`))) continue;
    const shown = file.startsWith(`${process.cwd()}/`) ? file.slice(process.cwd().length + 1) : file;
    return `${decodeURIComponent(shown)}:${frame[2]}:${frame[3]}`;
  }
  return undefined;
}

/** A failure as a person reads it: what and where first, then the hint, then anything found afterwards. */
export function describeFailure(e: SerializedError): string[] {
  const where = [e.stage && `[${e.stage}]`, e.plugin && `plugin "${e.plugin}"`, e.at && `at ${e.at}`].filter(Boolean).join(' ');
  return [
    `${where ? `${where}: ` : ''}${e.message}${e.hint ? ` (hint: ${e.hint})` : ''}`,
    ...(e.afterwards ? [`afterwards: ${e.afterwards}`] : []),
  ];
}

/** Error messages longer than this are cut when stored or shown: a plugin may throw anything. */
const MAX_MESSAGE = 2000;
export const capMessage = (message: string): string =>
  message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}… (${message.length.toLocaleString('en-US')} characters)` : message;

const site = (stack: string | undefined) => {
  const at = throwSite(stack);
  return at ? { at } : {};
};

export function serializeError(err: unknown, where?: { stage?: string; plugin?: string }): SerializedError {
  if (err instanceof RunexpError) {
    return { code: err.code, message: capMessage(err.message), hint: err.hint, ...where, ...site(err.stack), stack: err.stack };
  }
  if (err instanceof Error) {
    return {
      code: (err as { code?: string }).code ?? 'E_UNEXPECTED',
      message: capMessage(err.message),
      ...where,
      ...site(err.stack),
      stack: err.stack,
    };
  }
  // Not an Error: a thrown string, or an object with a message (a worker's rejection), else its JSON.
  const message =
    typeof err === 'object' && err !== null && 'message' in err
      ? String((err as { message: unknown }).message)
      : typeof err === 'string'
        ? err
        : (JSON.stringify(err) ?? String(err));
  return { code: 'E_UNEXPECTED', message: capMessage(message), ...where };
}
