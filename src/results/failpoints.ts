// Fault injection for tests: RUNEXP_FAILPOINTS="artifact-write@2,results-append,out-dir-create:EROFS"
// makes the named points throw (on their Nth hit when @N is given, else on every hit) an error
// with the given errno code (ENOSPC unless :CODE says otherwise). Unset, this does nothing.
const hits = new Map<string, number>();
const codes = new Map<string, string>();

export function failpoint(name: string): void {
  if (!failpointHit(name)) return;
  const code = codes.get(name) ?? 'ENOSPC';
  throw Object.assign(new Error(`${code}: injected fault at ${name}`), { code });
}

/** Whether the named point fires on this hit (for faults other than a throw, e.g. a short write). */
export function failpointHit(name: string): boolean {
  const spec = process.env.RUNEXP_FAILPOINTS;
  if (!spec) return false;
  for (const entry of spec.split(',')) {
    const [where, nth] = entry.trim().split('@');
    const [point, code] = where.split(':');
    if (point !== name) continue;
    if (code) codes.set(name, code);
    const count = (hits.get(name) ?? 0) + 1;
    hits.set(name, count);
    if (nth === undefined || Number(nth) === count) return true;
  }
  return false;
}
