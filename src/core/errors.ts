// One module for every error runexp raises on purpose. The CLI is the only place that catches
// and prints them; everything else throws. Messages say what is wrong, where, and how to fix it.

/** A single problem found in a spec (or in something a spec points at). */
export interface SpecIssue {
  /** Dotted path in the spec, e.g. `prune[0].percentile`; empty for the whole document. */
  path: string;
  /** The file the problem is in (the spec, or a plugin file it names). */
  file?: string;
  line?: number;
  column?: number;
  /** What is wrong, in a sentence. */
  message: string;
  /** The offending value, quoted in the message when present. */
  value?: unknown;
  /** How to fix it (did-you-mean, allowed values, ...). */
  hint?: string;
}

/** Invalid input: the CLI prints every issue and exits with code 2, having written nothing. */
export class SpecError extends Error {
  readonly issues: SpecIssue[];
  constructor(issues: SpecIssue[]) {
    super(`${issues.length} problem${issues.length === 1 ? '' : 's'} in the experiment spec`);
    this.name = 'SpecError';
    this.issues = issues;
  }
}

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
  LOCKED: 'E_LOCKED',
  PLUGIN: 'E_PLUGIN',
  USAGE: 'E_USAGE',
  WORKER: 'E_WORKER',
  WRITE: 'E_WRITE',
} as const;

/** Quotes a value for a message, short enough to read. */
export function quote(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `file:line:col  path: message (got value). hint` — one line per issue, like a compiler. */
export function formatIssue(issue: SpecIssue): string {
  const where = [issue.file, issue.line, issue.column].filter((x) => x !== undefined).join(':');
  const got = issue.value === undefined ? '' : ` (got ${quote(issue.value)})`;
  const path = issue.path ? `${issue.path}: ` : '';
  const hint = issue.hint ? `\n    hint: ${issue.hint}` : '';
  return `${where ? `${where}  ` : ''}${path}${issue.message}${got}${hint}`;
}

/** Plain-data form of an error, for results.jsonl and for crossing worker threads. */
export interface SerializedError {
  code: string;
  message: string;
  hint?: string;
  stage?: string;
  plugin?: string;
  stack?: string;
}

export function serializeError(err: unknown, where?: { stage?: string; plugin?: string }): SerializedError {
  if (err instanceof RunexpError) {
    return { code: err.code, message: err.message, hint: err.hint, ...where, stack: err.stack };
  }
  if (err instanceof Error) {
    return { code: (err as { code?: string }).code ?? 'E_UNEXPECTED', message: err.message, ...where, stack: err.stack };
  }
  return { code: 'E_UNEXPECTED', message: String(err), ...where };
}
