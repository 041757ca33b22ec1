// The part of Node's WebAssembly global that runexp uses (adam.ts, stacked-matmul.ts). @types/node 20 does not declare it,
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
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}
