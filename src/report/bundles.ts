// The browser bundles of vega, vega-lite and vega-embed, read from node_modules so the report can
// inline them and open from file:// with no network. The packages' export maps hide the bundles,
// so they are found next to each package's resolved entry point.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUNDLES = [
  ['vega', 'vega.min.js'],
  ['vega-lite', 'vega-lite.min.js'],
  ['vega-embed', 'vega-embed.min.js'],
] as const;

let cached: string[] | undefined;

export function vegaBundles(): string[] {
  cached ??= BUNDLES.map(([pkg, file]) => {
    const entryDir = dirname(fileURLToPath(import.meta.resolve(pkg)));
    return readFileSync(join(entryDir, file), 'utf8').replace(/<\/script/gi, '<\\/script');
  });
  return cached;
}
