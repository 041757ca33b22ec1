// npm run build (and prepack): compiles src/ to dist/ — JavaScript and .d.ts — for the published
// package. tsc rewrites the sources' relative `.ts` imports to `.js` in the JavaScript but leaves
// them in the declarations, so those are rewritten here; files tsc does not copy are copied.
// Plain JavaScript: it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

let rewritten = 0;
for (const file of filesUnder(dist).filter((f) => f.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8');
  // `from './x.ts'` and `import('./x.ts')` with a relative path only: package names stay as they are.
  const fixed = text.replace(/((?:from |import\()\s*['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1$2.js$3');
  if (fixed !== text) {
    writeFileSync(file, fixed);
    rewritten++;
  }
}
// Files the code reads at run time that are not modules (tsc neither compiles nor copies them):
// the WebAssembly kernels, every one, so that a new kernel cannot be left out of the package.
const src = join(root, 'src');
for (const asset of filesUnder(src).filter((f) => f.endsWith('.wasm'))) copyFileSync(asset, join(dist, relative(src, asset)));
console.log(`dist/: ${filesUnder(dist).length} files (${rewritten} declarations with their imports rewritten to .js)`);

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort((a, b) => relative(dir, a).localeCompare(relative(dir, b)));
}
