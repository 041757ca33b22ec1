// The part of Node's WebAssembly global that adam.ts uses. @types/node 20 does not declare it,
// and TypeScript's "dom" library, which does, would bring every browser global with it.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, unknown>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}
