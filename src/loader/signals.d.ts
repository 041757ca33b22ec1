// Types for signals.js (plain JavaScript: bin/runexp.js loads it before tsx is registered).
export function installSignalHandlers(): void;
export function handleSignals(next: (signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => void): () => void;
