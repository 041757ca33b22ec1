// Parses a YAML spec safely and keeps node positions, so that every later problem (zod, plugin
// options, data checks) can be reported at its line:column in the file.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { SpecIssue } from './issues.ts';

/** YAML problems that do not throw the parser off: each is reported; any other is reported alone. */
const STANDALONE = new Set(['DUPLICATE_KEY', 'TAG_RESOLVE_FAILED']);

/** An anchor may be referenced this many times in total; more is treated as an alias bomb. */
const MAX_ALIAS_COUNT = 100;

export interface YamlSource {
  file: string;
  data: Record<string, unknown>;
  /**
   * Line and column (1-based) of the node at a spec path, or of its nearest existing ancestor,
   * and the node's text as written when it is a plain value (`.inf`, not Infinity).
   */
  locate(path: readonly (string | number)[], keyOf?: string): { line: number; column: number; text?: string } | undefined;
}

const TOO_DEEP = /Maximum call stack size exceeded/;

export function parseYamlSpec(text: string, file: string): { source?: YamlSource; issues: SpecIssue[] } {
  const lineCounter = new LineCounter();
  const issues: SpecIssue[] = [];
  if (text.trim() === '') {
    return {
      issues: [{ path: '', file, line: 1, column: 1, message: 'the spec file is empty', hint: 'start from experiments/paper.yaml' }],
    };
  }
  // `schema: core` knows no custom tags: an unknown tag becomes a warning, which we treat as an error.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, schema: 'core', prettyErrors: false, strict: true });
  const linesWithErrors = new Set<number>();
  const problems = [...doc.errors, ...doc.warnings].sort((a, b) => a.pos[0] - b.pos[0]);
  // After a syntax error the parser is lost, and what it says next (a tab can set off dozens of
  // messages) follows from the first: report that one alone. Duplicate keys and tags stand alone.
  // A tab is the usual root cause, though the parser may complain about the line before it first.
  const tab = problems.find((e) => e.code === 'TAB_AS_INDENT');
  const syntax = problems.findIndex((e) => !STANDALONE.has(e.code));
  const reported = tab ? [tab] : syntax < 0 ? problems : problems.slice(0, syntax + 1);
  for (const err of reported) {
    // Where the parser runs out of stack depends on the stack, not the file: say the file.
    const pos = TOO_DEEP.test(err.message) ? { line: 1, col: 1 } : lineCounter.linePos(err.pos[0]);
    if (linesWithErrors.has(pos.line)) continue;
    linesWithErrors.add(pos.line);
    issues.push({
      path: '',
      file,
      line: pos.line,
      column: pos.col,
      message: describeYamlProblem(err.code, err.message),
      hint: yamlHint(err.code, err.message),
    });
  }
  if (issues.length > 0) return { issues };
  if (!isMap(doc.contents)) {
    const kind = doc.contents === null ? 'nothing' : isSeq(doc.contents) ? 'a list' : 'a single value';
    return {
      issues: [
        {
          path: '',
          file,
          line: 1,
          column: 1,
          message: `the spec must be a mapping of keys (name:, data:, ...), but the file holds ${kind}`,
        },
      ],
    };
  }
  // "__proto__" would set an object's prototype instead of naming a key: the value would vanish.
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === '__proto__') {
        const pos = lineCounter.linePos(pair.key.range?.[0] ?? 0);
        issues.push({
          path: '',
          file,
          line: pos.line,
          column: pos.col,
          message: 'the key "__proto__" is not allowed (JavaScript reserves it)',
          hint: 'choose another name',
        });
      }
    },
  });
  if (issues.length > 0) return { issues };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return {
      issues: [
        {
          path: '',
          file,
          line: 1,
          column: 1,
          message: `YAML aliases expand too far (${(err as Error).message})`,
          hint: `an anchor may be used at most ${MAX_ALIAS_COUNT} times; write the values out`,
        },
      ],
    };
  }
  return {
    source: { file, data: data as Record<string, unknown>, locate: (path, keyOf) => locate(doc, lineCounter, text, path, keyOf) },
    issues,
  };
}

function describeYamlProblem(code: string, message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') return `duplicate key: ${first}`;
  if (code === 'TAG_RESOLVE_FAILED') return `custom YAML tags are not allowed: ${first}`;
  if (code === 'TAB_AS_INDENT') return 'tab used for indentation';
  // The parser recurses once per level: thousands of nested brackets exhaust the stack.
  if (TOO_DEEP.test(first)) return 'the YAML nests too deeply to read (thousands of levels)';
  return `YAML syntax error: ${first}`;
}

function yamlHint(code: string, message: string): string | undefined {
  if (code === 'DUPLICATE_KEY') return 'remove one of the two entries';
  if (code === 'TAG_RESOLVE_FAILED') return 'remove the !tag; specs hold plain data only';
  if (code === 'TAB_AS_INDENT') return 'indent with spaces';
  if (TOO_DEEP.test(message)) return 'a spec nests a few levels deep; look for brackets that never close';
  return undefined;
}

function locate(doc: Document, lines: LineCounter, text: string, path: readonly (string | number)[], keyOf?: string) {
  let node: Node | null | undefined = doc.contents as Node | null;
  let found: Node | null | undefined = node;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      node = pair.value as Node | null;
      found = (node ?? pair.key) as Node;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg] as Node | undefined;
      if (!node) break;
      found = node;
    } else {
      break;
    }
  }
  // For an unknown key, point at the key itself rather than at its parent mapping.
  if (keyOf !== undefined && isMap(found)) {
    const pair = found.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === keyOf);
    if (pair && isScalar(pair.key)) found = pair.key;
  }
  const offset = found?.range?.[0];
  if (offset === undefined) return undefined;
  const pos = lines.linePos(offset);
  const written = isScalar(found) && found.range ? text.slice(found.range[0], found.range[1]) : undefined;
  return { line: pos.line, column: pos.col, ...(written !== undefined ? { text: written } : {}) };
}
