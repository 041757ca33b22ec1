// Reading a zod schema's structure: the keys an object schema accepts at a path, for did-you-mean
// on an unknown key.
type Def = {
  type: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  element?: unknown;
  options?: unknown[];
  in?: unknown;
  out?: unknown;
  valueType?: unknown;
};

/** The keys an object schema accepts at a path, for did-you-mean on unknown keys. */
export function knownKeys(schema: unknown, path: (string | number)[], value?: unknown): string[] {
  let current: unknown[] = [schema];
  for (const seg of [...path, null]) {
    const next: unknown[] = [];
    const keys = new Set<string>();
    for (const s of seg === null ? sameType(current.flatMap(unwrap), value) : current.flatMap(unwrap)) {
      const def = defOf(s);
      if (def.type === 'object' && def.shape) {
        if (seg === null) Object.keys(def.shape).forEach((k) => keys.add(k));
        else if (typeof seg === 'string' && seg in def.shape) next.push(def.shape[seg]);
      } else if (def.type === 'array' && typeof seg === 'number') next.push(def.element);
      else if (def.type === 'record' && seg !== null) next.push(def.valueType);
    }
    if (seg === null) return [...keys];
    current = next;
  }
  return [];
}

/**
 * The branches of a union discriminated by `type` (a layer kind) that the object's own `type`
 * selects: its unknown key is judged against that kind's options, not every kind's.
 */
function sameType(schemas: unknown[], value: unknown): unknown[] {
  const type = (value as { type?: unknown } | undefined)?.type;
  if (typeof type !== 'string') return schemas;
  const literal = (s: unknown) => defOf(defOf(s).shape?.type) as { type: string; values?: unknown[] };
  const chosen = schemas.filter((s) => literal(s).type === 'literal' && literal(s).values?.includes(type));
  return chosen.length > 0 ? chosen : schemas;
}

function defOf(s: unknown): Def {
  return ((s as { _zod?: { def?: Def } })._zod?.def ?? { type: 'unknown' }) as Def;
}

/** Looks through wrappers (optional, default, pipe, union) to the schemas that hold shapes. */
function unwrap(s: unknown): unknown[] {
  const def = defOf(s);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'prefault':
    case 'readonly':
      return unwrap(def.innerType);
    case 'pipe':
      return [...unwrap(def.in), ...unwrap(def.out)];
    case 'union':
      return (def.options ?? []).flatMap(unwrap);
    case 'array':
      // An axis written as a single value is a one-element list internally.
      return [s];
    default:
      return [s];
  }
}
