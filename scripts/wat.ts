// The project's WebAssembly text files and their compiler (wabt, a devDependency: users run the
// committed .wasm binaries that sit beside each .wat).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';

/** Every .wat under src/, relative to the checkout's root (where npm scripts and jest run). */
export const WAT_FILES = readdirSync('src', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.wat'))
  .map((file) => join('src', file))
  .sort();

export async function compileWat(file: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat(file, readFileSync(file, 'utf8'), { simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}
