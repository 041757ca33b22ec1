// Stable identities: canonical JSON (sorted keys) and sha256, so that the same resolved
// configuration always yields the same run id, whatever order the spec listed its keys in.
import { createHash } from 'node:crypto';

/**
 * JSON with sorted keys (undefined left out): the same value always gives the same text, whatever its key
 * order.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** The SHA-256 of a text or bytes, in hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A short id (16 hex digits) of a value's canonical JSON. */
export function shortHash(value: unknown): string {
  return sha256(canonicalJson(value)).slice(0, 16);
}
