// Fault injection for tests: RUNEXP_FAILPOINTS="artifact-write@2,results-append" makes the named
// points throw (on their Nth hit when @N is given, else on every hit). Unset, this does nothing.
const hits = new Map<string, number>();

export function failpoint(name: string): void {
  if (failpointHit(name)) throw Object.assign(new Error(`injected fault at ${name} (ENOSPC: no space left on device)`), { code: 'ENOSPC' });
}

/** Whether the named point fires on this hit (for faults other than a throw, e.g. a short write). */
export function failpointHit(name: string): boolean {
  const spec = process.env.RUNEXP_FAILPOINTS;
  if (!spec) return false;
  for (const entry of spec.split(',')) {
    const [point, nth] = entry.trim().split('@');
    if (point !== name) continue;
    const count = (hits.get(name) ?? 0) + 1;
    hits.set(name, count);
    if (nth === undefined || Number(nth) === count) return true;
  }
  return false;
}
