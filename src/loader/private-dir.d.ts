// Types for private-dir.js (plain JavaScript: the loader uses it before tsx is registered).
export function privateDir(name: string): string | undefined;
