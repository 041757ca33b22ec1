// The public surface, frozen: every name each published entry point (package.json "exports")
// offers, read by the TypeScript compiler from the sources. A new public name, or one gone, fails
// this snapshot, so it is a decision (update with `npx jest -u` and say why). Every public name
// carries TSDoc: a reader of the kit sees what each one is for in their editor.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';

const exportsMap = JSON.parse(readFileSync('package.json', 'utf8')).exports as Record<string, string | { 'runexp-source'?: string }>;
const entries = Object.entries(exportsMap)
  .filter((entry): entry is [string, { 'runexp-source': string }] => typeof entry[1] === 'object' && Boolean(entry[1]['runexp-source']))
  .map(([subpath, entry]) => ({ subpath, file: resolve(entry['runexp-source']) }));

const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
const program = ts.createProgram(
  entries.map((e) => e.file),
  config.options,
);
const checker = program.getTypeChecker();

/** The names an entry exports, each with whether its declaration has documentation. */
function surface(file: string): { name: string; documented: boolean }[] {
  const source = program.getSourceFile(file)!;
  const module = checker.getSymbolAtLocation(source)!;
  return checker
    .getExportsOfModule(module)
    .map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const documented =
        target.getDocumentationComment(checker).length > 0 ||
        (target.declarations ?? []).some((d) => ts.getJSDocCommentsAndTags(d).length > 0);
      return { name: symbol.name, documented: Boolean(documented) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

const surfaces = Object.fromEntries(entries.map((e) => [e.subpath, surface(e.file)]));

test('the published entry points offer exactly these names', () => {
  expect(Object.fromEntries(Object.entries(surfaces).map(([subpath, names]) => [subpath, names.map((n) => n.name)]))).toMatchSnapshot();
});

test('the plugin kit stays small: about 40 names in runexp/plugin, the helpers in its topical subpaths', () => {
  expect(surfaces['./plugin'].length).toBeLessThanOrEqual(45);
  expect(Object.keys(surfaces).filter((s) => s.startsWith('./plugin/'))).toEqual([
    './plugin/prune',
    './plugin/model',
    './plugin/data',
    './plugin/onnx',
  ]);
});

test('every public name is documented (TSDoc on its declaration)', () => {
  const undocumented = Object.entries(surfaces).flatMap(([subpath, names]) =>
    names.filter((n) => !n.documented).map((n) => `${subpath}: ${n.name}`),
  );
  expect(undocumented).toEqual([]);
});

test('runner internals are not public', () => {
  const all = new Set(Object.values(surfaces).flatMap((names) => names.map((n) => n.name)));
  for (const internal of [
    'isCalendarDate',
    'jsonNumber',
    'layerSchema',
    'modelReportSchema',
    'serializeError',
    'shortHash',
    'trainingEvents',
    'SLOTS',
    'runTask',
    'loadOnnxruntime',
  ])
    expect(all.has(internal)).toBe(false);
});
