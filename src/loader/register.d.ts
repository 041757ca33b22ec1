// Types for register.js (plain JavaScript: it sets up the loaders TypeScript needs).
export function registerLoaders(): Promise<void>;
export function deferLoaders(): void;
export function loadersFor(url: string): Promise<void>;
