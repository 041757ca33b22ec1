// Fault injection for tests: RUNEXP_FAILPOINTS="artifact-write@2,results-append" makes the named
// points throw (on their Nth hit when @N is given, else on every hit). Unset, this does nothing.
const hits = new Map<string, number>();

export function failpoint(name: string): void {
  const spec = process.env.RUNEXP_FAILPOINTS;
  if (!spec) return;
  for (const entry of spec.split(',')) {
    const [point, nth] = entry.trim().split('@');
    if (point !== name) continue;
    const count = (hits.get(name) ?? 0) + 1;
    hits.set(name, count);
    if (nth === undefined || Number(nth) === count) {
      throw Object.assign(new Error(`injected fault at ${name} (ENOSPC: no space left on device)`), { code: 'ENOSPC' });
    }
  }
}
