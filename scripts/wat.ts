// The project's WebAssembly text files and their compiler (wabt, a devDependency: users run the
// committed .wasm binaries that sit beside each .wat).
import { readFileSync } from 'node:fs';
import wabtInit from 'wabt';

export const WAT_FILES = [
  'src/plugins/train/adam.wat',
  'src/plugin/layers/stacked-matmul.wat',
  'src/plugin/layers/stacked-elementwise.wat',
];

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
