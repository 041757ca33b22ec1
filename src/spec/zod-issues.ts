// Turns zod validation problems into SpecIssues with spec paths, file positions, the offending
// value and a hint. Used for the core schema and for every plugin's own options schema alike.
import type { z } from 'zod';
import { quote, type SpecIssue } from './issues.ts';
import { suggestHint } from '../plugin/suggest.ts';
import type { YamlSource } from './yaml-source.ts';
import { knownKeys } from './schema-keys.ts';
export { knownKeys };

type Path = (string | number)[];

export interface IssueContext {
  source?: YamlSource;
  /** Where the validated value sits in the spec (e.g. ['prune', 0] for a plugin's options). */
  basePath?: Path;
  /** The whole spec as parsed, used to read offending values and to tidy paths. */
  root?: unknown;
}

export function validateWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  ctx: IssueContext,
): { ok: true; data: z.output<S> } | { ok: false; issues: SpecIssue[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, issues: result.error.issues.flatMap((issue) => toSpecIssues(issue as ZodIssueLike, schema, value, ctx)) };
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  origin?: string;
  values?: unknown[];
  keys?: string[];
  errors?: ZodIssueLike[][];
  issues?: ZodIssueLike[];
  note?: string;
  discriminator?: string;
}

function toSpecIssues(issue: ZodIssueLike, schema: z.ZodType, value: unknown, ctx: IssueContext): SpecIssue[] {
  const localPath = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
  // A union that failed in every branch: report the branch that got furthest.
  if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
    const best = [...issue.errors].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0];
    return best.flatMap((inner) => toSpecIssues({ ...inner, path: [...issue.path, ...inner.path] }, schema, value, ctx));
  }
  const fullPath = tidyPath([...(ctx.basePath ?? []), ...localPath], ctx.root ?? value, ctx.basePath?.length ?? 0, value);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(schema, localPath, readAt(value, localPath));
    return (issue.keys ?? []).map((key) =>
      withPosition(
        { path: formatPath(fullPath), message: `unknown key "${key}"`, hint: known.length ? suggestHint(key, known) : undefined },
        ctx,
        fullPath,
        key,
      ),
    );
  }
  if (issue.code === 'invalid_key' && fullPath.length > 0) {
    // A mapping key that its schema refuses (an architecture named "" or "papér"): point at the key.
    const key = String(fullPath[fullPath.length - 1]);
    const parent = fullPath.slice(0, -1);
    const why = issue.issues?.[0]?.message ?? 'not an allowed key';
    return [withPosition({ path: formatPath(parent), message: `the key ${quote(key)} is not allowed: ${why}` }, ctx, parent, key)];
  }
  const got = readAt(value, localPath);
  if (typeof got === 'number' && !Number.isFinite(got)) {
    // `.inf`, `.nan` and `1e309` all parse to numbers JSON cannot show: quote what was written.
    const written = ctx.source?.locate(fullPath)?.text ?? String(got);
    return [
      withPosition(
        {
          path: formatPath(fullPath),
          message: `expected a finite number, not ${written}`,
          hint: 'write the number out (YAML reads .inf, .nan and values beyond ±1.8e308 as infinite or not a number)',
        },
        ctx,
        fullPath,
      ),
    ];
  }
  const { message, hint } = describe(issue, got);
  return [withPosition({ path: formatPath(fullPath), message, value: got, hint }, ctx, fullPath)];
}

function depth(issues: ZodIssueLike[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length + (i.code === 'invalid_type' ? 0 : 0.5)));
}

function describe(issue: ZodIssueLike, got: unknown): { message: string; hint?: string } {
  switch (issue.code) {
    case 'invalid_type':
      if (got === undefined) return { message: `missing required key (expected ${typeWord(issue.expected)})` };
      return { message: `expected ${typeWord(issue.expected)}, not ${typeName(got)}` };
    case 'too_small': {
      const op = issue.inclusive ? 'at least' : 'greater than';
      if (issue.origin === 'array')
        return {
          message: `needs at least ${issue.minimum} entr${issue.minimum === 1 ? 'y' : 'ies'}`,
          hint: 'an axis or list cannot be empty',
        };
      if (issue.origin === 'string') return { message: 'must not be empty' };
      return { message: `must be ${op} ${issue.minimum}` };
    }
    case 'too_big': {
      const op = issue.inclusive ? 'at most' : 'less than';
      return { message: `must be ${op} ${issue.maximum}` };
    }
    case 'invalid_value':
      return { message: `not an allowed value`, hint: suggestHint(String(got), (issue.values ?? []).map(String)) };
    case 'invalid_union':
      if (issue.discriminator) return { message: issue.message };
      return { message: issue.message };
    default:
      return { message: issue.message };
  }
}

function typeWord(expected: string | undefined): string {
  const words: Record<string, string> = {
    record: 'a mapping',
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'true or false',
  };
  return words[expected ?? ''] ?? expected ?? 'something else';
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

function withPosition(issue: SpecIssue, ctx: IssueContext, path: Path, keyOf?: string): SpecIssue {
  const pos = ctx.source?.locate(path, keyOf);
  return { ...issue, file: ctx.source?.file, line: pos?.line, column: pos?.column };
}

/** An issue located at a spec path (its line:column when the source knows it). */
export function issueAt(
  source: YamlSource | undefined,
  path: readonly (string | number)[],
  message: string,
  extra: { value?: unknown; hint?: string } = {},
): SpecIssue {
  const pos = source?.locate(path);
  return { path: formatPath(path), file: source?.file, line: pos?.line, column: pos?.column, message, ...extra };
}

export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

/**
 * Axes accept a single value or a list; internally a single value is wrapped in a list, so zod
 * reports `days[0]` for `days: 0`. Drop index segments that do not exist in what the user wrote.
 */
function tidyPath(path: Path, root: unknown, baseLength: number, value: unknown): Path {
  const out: Path = [];
  let node: unknown = baseLength > 0 ? root : value;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (i < baseLength) {
      out.push(seg);
      node = (node as Record<string | number, unknown> | undefined)?.[seg];
      continue;
    }
    if (typeof seg === 'number' && !Array.isArray(node)) continue;
    out.push(seg);
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[seg] : undefined;
  }
  return out;
}

function readAt(value: unknown, path: Path): unknown {
  let node = value;
  for (const seg of path) {
    if (typeof seg === 'number' && !Array.isArray(node)) continue; // an axis written as one value
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}
