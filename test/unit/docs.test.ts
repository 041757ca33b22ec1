// The docs cannot rot: every fenced block of README.md and docs/ is checked against the code.
// - yaml: a whole spec (it has a name) is validated as `runexp validate` would; a fragment is
//   merged into the README's spec and validated the same way;
// - ts / js: typechecked with the project's settings; a block whose first line is `// path` is a
//   file that the specs and commands of the same page may name (plugins/every-other.ts);
// - sh: every runexp command names a real subcommand, real options and real files or specs; every
//   npm command a real script, or this package's version and peer versions.
// `text` blocks (output, usage) and `ts fragment` (a piece of a plugin) are prose.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { HELP } from '../../src/cli/help.ts';
import { BUILTINS } from '../../src/plugins/builtins.ts';
import { tempDir } from '../helpers/cli.ts';

interface Block {
  page: string;
  line: number;
  lang: string;
  text: string;
}

const pages = ['README.md', ...readdirSync('docs', { recursive: true, encoding: 'utf8' }).map((f) => join('docs', f))].filter((f) =>
  f.endsWith('.md'),
);

function blocksOf(page: string): Block[] {
  const lines = readFileSync(page, 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    blocks.push({ page, line: i + 1, lang: open[1].trim(), text: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

const blocks = pages.flatMap(blocksOf);
const where = (b: Block) => `${b.page}:${b.line}`;
const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const KNOWN_LANGS = ['yaml', 'ts', 'js', 'sh', 'text', 'ts fragment'];
/** Where each page's files (`// plugins/x.ts` blocks) and specs are written. */
const pageDirs = new Map(pages.map((p) => [p, tempDir('runexp-docs-')]));
/** A file block's path: `// plugins/every-other.ts` on its first line. */
const fileOf = (b: Block) => /^\/\/ ([\w./-]+\.(?:ts|js|mjs))$/.exec(b.text.split('\n')[0])?.[1];
for (const b of blocks.filter((b) => (b.lang === 'ts' || b.lang === 'js') && fileOf(b))) {
  const file = join(pageDirs.get(b.page)!, fileOf(b)!);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, b.text);
}

const readmeSpec = parse(blocks.find((b) => b.page === 'README.md' && b.lang === 'yaml' && /^name:/m.test(b.text))!.text);
const isWholeSpec = (value: Record<string, unknown>) => typeof value.name === 'string' && 'architectures' in value;

test('every block is in a known language', () => {
  expect(blocks.filter((b) => !KNOWN_LANGS.includes(b.lang)).map((b) => `${where(b)} [${b.lang}]`)).toEqual([]);
  expect(blocks.length).toBeGreaterThan(20);
});

test('every spec and spec fragment in the docs validates', () => {
  const specs = blocks
    .filter((b) => b.lang === 'yaml')
    .map((b, i) => {
      const value = parse(b.text) as Record<string, unknown>;
      const spec = isWholeSpec(value) ? value : { ...readmeSpec, ...value, name: `docs-fragment-${i}` };
      const file = join(pageDirs.get(b.page)!, `spec-${i}.yaml`);
      writeFileSync(file, stringify(spec));
      return { block: b, file };
    });
  expect(specs.length).toBeGreaterThan(8);
  const results = validate(specs.map((s) => s.file));
  const failed = specs.flatMap((s) => {
    const r = results.get(s.file);
    return r?.ok ? [] : [`${where(s.block)}: ${r ? r.issues.join('; ') : 'not validated'}`];
  });
  expect(failed).toEqual([]);
}, 120_000);

test('every ts and js block typechecks against the sources', () => {
  const dir = resolve('test/.docs-typecheck');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    const code = blocks.filter((b) => b.lang === 'ts' || b.lang === 'js');
    code.forEach((b, i) => writeFileSync(join(dir, `block-${i}.ts`), `${b.text}\nexport {};\n`));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: { noUnusedLocals: false, types: ['node'] },
        include: ['*.ts', '../../src/plugin/webassembly.d.ts'],
      }),
    );
    const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    const located = tsc.stdout.replace(/block-(\d+)\.ts\((\d+),\d+\)/g, (_m, i, line) => `${where(code[Number(i)])} +${Number(line)}`);
    expect(located).toBe('');
    expect(code.length).toBeGreaterThan(4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

test('every command in the docs names a real subcommand, options, files, scripts and versions', () => {
  const problems: string[] = [];
  const commands = HELP.match(/^ {2}runexp (\S+)/gm)!.map((l) => l.trim().split(' ')[1]);
  const options = new Set(HELP.match(/--[a-z-]+/g));
  const specNames = new Map<string, Block>();
  for (const b of blocks.filter((b) => b.lang === 'yaml')) {
    const name = (parse(b.text) as { name?: string }).name;
    if (name) specNames.set(`${b.page}|${name}.yaml`, b);
  }
  const fileExists = (page: string, path: string) =>
    readdirSync(dirname(resolve(path)), { encoding: 'utf8' }).includes(basename(path)) ||
    readdirSync(dirname(join(pageDirs.get(page)!, path)), { encoding: 'utf8' }).includes(basename(path));
  const safeExists = (page: string, path: string) => {
    try {
      return fileExists(page, path);
    } catch {
      return false;
    }
  };
  const specsToValidate: string[] = [];
  for (const b of blocks.filter((b) => b.lang === 'sh')) {
    for (const command of b.text.split('\n').flatMap((l) => l.split('&&').map((c) => c.trim()))) {
      if (!command || command.startsWith('#')) continue;
      const words = command.match(/'[^']*'|\S+/g)!;
      const at = `${where(b)}: ${command}`;
      if (words[0] === 'npx' && words[1] === 'runexp') {
        const [first, second] = words.slice(2);
        for (const flag of words.filter((w) => w.startsWith('--'))) if (!options.has(flag)) problems.push(`${at}: unknown option ${flag}`);
        const spec = first?.endsWith('.yaml') ? first : ['run', 'validate', 'plan'].includes(first) ? second : undefined;
        if (spec) {
          if (specNames.has(`${b.page}|${spec}`)) continue;
          if (safeExists(b.page, spec)) specsToValidate.push(resolve(spec));
          else problems.push(`${at}: no spec ${spec}`);
        } else if (first === 'check-plugin') {
          if (!BUILTINS.prune.includes(second) && !safeExists(b.page, second)) problems.push(`${at}: no pruner ${second}`);
          const json = words[words.indexOf('--options') + 1];
          if (json) JSON.parse(json.replace(/^'|'$/g, ''));
        } else if (first !== '--help' && !commands.includes(first)) problems.push(`${at}: no command ${first}`);
      } else if (words[0] === 'npm') {
        const [sub, ...rest] = words.slice(1);
        if (sub === 'run' && !(rest[0] in manifest.scripts)) problems.push(`${at}: no script ${rest[0]}`);
        else if (sub === 'install')
          for (const pkg of rest) {
            const tarball = /runexp-(\d+\.\d+\.\d+)\.tgz$/.exec(pkg);
            const pinned = /^(@?[^@]+)@(.+)$/.exec(pkg);
            if (tarball && tarball[1] !== manifest.version) problems.push(`${at}: the package is version ${manifest.version}`);
            if (pinned && manifest.peerDependencies[pinned[1]] !== pinned[2])
              problems.push(`${at}: runexp is tested with ${pinned[1]}@${manifest.peerDependencies[pinned[1]]}`);
          }
        else if (!['ci', 'test', 'init', 'pkg', 'install', 'pack'].includes(sub)) problems.push(`${at}: npm ${sub}?`);
      } else if (!['redis-server'].includes(words[0])) problems.push(`${at}: a command the docs test does not know`);
    }
  }
  expect(problems).toEqual([]);
  const results = validate(specsToValidate);
  expect([...results.values()].filter((r) => !r.ok)).toEqual([]);
}, 120_000);

function validate(files: string[]): Map<string, { ok: boolean; issues: string[] }> {
  if (files.length === 0) return new Map();
  const r = spawnSync(process.execPath, ['bin/dev.js', 'test/helpers/validate-specs.ts', ...files], { encoding: 'utf8', timeout: 110_000 });
  expect(r.stderr).toBe('');
  return new Map(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((o) => [o.file, o]),
  );
}

test('every relative link in the docs reaches a file, and a heading where it names one', () => {
  const slug = (heading: string) =>
    heading
      .toLowerCase()
      .replace(/[^\w\- ]/g, '')
      .replace(/ /g, '-');
  const headings = (page: string) => new Set([...readFileSync(page, 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1])));
  const broken: string[] = [];
  for (const page of pages) {
    for (const [, target] of readFileSync(page, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [path, anchor] = target.split('#');
      const file = path ? join(dirname(page), path) : page;
      let ok: boolean;
      try {
        ok = readdirSync(dirname(file)).includes(basename(file)) || readdirSync(file).length >= 0;
      } catch {
        ok = false;
      }
      if (ok && anchor && file.endsWith('.md')) ok = headings(file).has(anchor);
      if (!ok) broken.push(`${page}: ${target}`);
    }
  }
  expect(broken).toEqual([]);
});

test('every table in the docs has its header row and separator, so it renders as a table', () => {
  const bare: string[] = [];
  for (const page of pages) {
    const lines = readFileSync(page, 'utf8').split('\n');
    let fenced = false;
    lines.forEach((line, i) => {
      if (line.startsWith('```')) fenced = !fenced;
      if (!fenced && line.startsWith('|') && !lines[i - 1]?.startsWith('|') && !/^\|\s*:?-/.test(lines[i + 1] ?? ''))
        bare.push(`${page}:${i + 1}`);
    });
  }
  expect(bare).toEqual([]);
});
