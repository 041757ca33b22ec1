// Problems found in a spec (or in something it points at), each located at a spec path and,
// where the YAML source knows it, a line:column. A SpecError carries all of them at once.
import { capMessage } from '../plugin/errors.ts';
import { counted, quoted } from '../plugin/shorten.ts';

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
    super(`${counted(issues.length, 'problem')} in the experiment spec`);
    this.name = 'SpecError';
    this.issues = issues;
  }
}

/** Quotes a value for a message, short enough to read (binary bytes escaped). */
export function quote(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
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
  return `${where ? `${where}  ` : ''}${path}${capMessage(issue.message)}${got}${hint}`;
}
