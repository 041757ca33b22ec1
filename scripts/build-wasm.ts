// `npm run wasm`: compiles each .wat to the .wasm beside it. A test compiles them again and
// compares, so a committed binary cannot drift from its source.
import { writeFileSync } from 'node:fs';
import { compileWat, WAT_FILES } from './wat.ts';

for (const file of WAT_FILES) {
  const bytes = await compileWat(file);
  const out = file.replace(/\.wat$/, '.wasm');
  writeFileSync(out, bytes);
  console.log(`${file} → ${out} (${bytes.length} bytes)`);
}
