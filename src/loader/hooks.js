// Module hooks (node:module register) for code that lives outside runexp: a user's plugins and
// the files they import. Two rules, as Vite applies to the imports of a config file:
// - `runexp`, `runexp/*` and `zod` resolve to the running runexp's own copies, so a plugin
//   folder needs to install nothing and shares runexp's zod (one schema library per process);
// - a plugin file is an ES module unless its package.json says "type": "commonjs", so a folder
//   without a package.json works (Node would otherwise read its .ts and .js files as CommonJS).
// Plain JavaScript: hooks run on Node's loader thread, before any TypeScript loader exists.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const RUNEXP_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNEXP_PARENT = pathToFileURL(join(RUNEXP_ROOT, 'package.json')).href;
const SHARED = /^(runexp|zod)(\/.*)?$/;
// Run from a checkout (src/loader/hooks.js), `runexp/*` means the TypeScript sources; from an
// installed package (dist/loader/hooks.js), its compiled JavaScript (package.json "exports").
const FROM_SOURCE = fileURLToPath(import.meta.url).endsWith(join('src', 'loader', 'hooks.js'));
const MODULE_EXTENSIONS = /\.(ts|js|tsx|jsx)$/;

/** A file of the user's own (not runexp's, not an installed package's). */
function isUserFile(url) {
  if (!url?.startsWith('file:')) return false;
  const path = fileURLToPath(url);
  return !path.startsWith(RUNEXP_ROOT + sep) && !path.split(sep).includes('node_modules');
}

/** The "type" of the package.json nearest to a file, or undefined when none says. */
function packageType(path) {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    try {
      return JSON.parse(readFileSync(manifest, 'utf8')).type;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export async function resolve(specifier, context, nextResolve) {
  if (SHARED.test(specifier)) {
    const conditions = FROM_SOURCE && specifier.startsWith('runexp') ? [...context.conditions, 'runexp-source'] : context.conditions;
    const parentURL = isUserFile(context.parentURL) ? RUNEXP_PARENT : context.parentURL;
    return nextResolve(specifier, { ...context, conditions, parentURL });
  }
  const resolved = await nextResolve(specifier, context);
  const url = withoutTsxCommonjsQuery(resolved.url);
  if (isUserFile(url) && MODULE_EXTENSIONS.test(url) && packageType(fileURLToPath(url)) !== 'commonjs') {
    return { ...resolved, url, format: 'module' };
  }
  return resolved;
}

/**
 * tsx takes a file in a folder without "type": "module" for CommonJS, and when an ES module
 * imports one it marks the URL with queries of its own (`rule.ts%3Ftsx-commonjs-export-preparse=1?…`)
 * to load it as CommonJS. A user's helper is an ES module like the plugin importing it: drop them.
 */
function withoutTsxCommonjsQuery(url) {
  const cut = url.search(/(%3F|\?)tsx-commonjs-/);
  return cut === -1 ? url : url.slice(0, cut);
}
