// The pruning-methods table as markdown (`runexp methods-table runs/methods`, the README's table):
// the same rows and verdict tests as the report's "Pruning methods" section.
import { storedErrors, type ExperimentResults } from './load.ts';
import { byMethodThenSparsity, methodConfiguration, methodName, methodRows, sparsityOf } from './methods.ts';
import { ALPHA, formatP, judge, type Comparison } from './verdict.ts';

const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const p = (c: Comparison | undefined) =>
  !c || Number.isNaN(c.test.pValue) ? '—' : `${formatP(c.test.pValue)} (${formatP(c.holm)})${c.holm < ALPHA ? '*' : ''}`;

export function methodsMarkdown(results: ExperimentResults): string {
  const comparisons = judge(results.ok, storedErrors(results.outDir));
  const rows = methodRows(results.ok, comparisons).sort(byMethodThenSparsity);
  if (rows.length === 0) return 'no finished run has a sparsity or percentile: there is no methods table to print';
  const failedBy = new Map<string, number>();
  const configurationOf = methodConfiguration(results.ok);
  for (const r of results.failed) {
    if (!r.params) continue;
    const run = { params: r.params, declared: r.declared };
    const key = `${methodName(run)}|${configurationOf(run)}|${sparsityOf(run)}`;
    failedBy.set(key, (failedBy.get(key) ?? 0) + 1);
  }
  const sizes = (family: string) => comparisons.find((c) => c.family === family)?.familySize ?? 0;
  const dense = rows[0];
  const configured = rows.some((r) => r.configuration);
  const persistences = [...new Set(rows.map((r) => f(r.persistenceMse)))];
  return [
    configured
      ? `Dense originals: each configuration's own (column "MSE, original", geometric mean over seeds); persistence ${persistences.join(', ')}.`
      : `Dense original: MSE ${f(dense.originalMse.mean)} [${f(dense.originalMse.lo)}, ${f(dense.originalMse.hi)}] (geometric mean over seeds); persistence ${f(dense.persistenceMse)}.`,
    `Families: compact vs original ${sizes('compact vs original')} tests, vs persistence ${sizes('vs persistence')}, vs random control ${sizes('vs random control')}.`,
    ...(rows.some((r) => r.dead)
      ? ['"dead": seeds whose compact model answers every test window alike; they are scored with the others, not left out.']
      : []),
    '',
    `| method |${configured ? ' configuration | MSE, original |' : ''} sparsity | seeds ok | MSE, compact [95% CI] | p vs original (Holm) | p vs persistence (Holm) | p vs random control (Holm) | skill | non-zero | compact model | speedup measured / MACs |`,
    `|---|${configured ? '---|---|' : ''}---|---|---|---|---|---|---|---|---|---|`,
    ...rows.map((r) => {
      const failed = failedBy.get(`${r.method}|${r.configuration}|${r.sparsity}`);
      return `| ${r.method} |${configured ? ` ${r.configuration} | ${f(r.originalMse.mean)} |` : ''} ${Math.round(r.sparsity * 100)}% | ${r.runs}${r.dead ? ` (${r.dead} dead)` : ''}${failed ? ` (+${failed} failed)` : ''} | ${f(r.compactMse.mean)} [${f(r.compactMse.lo)}, ${f(r.compactMse.hi)}] | ${p(r.vsOriginal)} | ${p(r.vsPersistence)} | ${p(r.vsControl)} | ${f(r.compactSkill.mean, 3)} | ${Math.round(r.nonzero)} | ${r.architecture} | ${r.measuredSpeedup ? f(r.measuredSpeedup.mean) : '—'}× / ${r.theoreticalSpeedup ? f(r.theoreticalSpeedup) : '—'}× |`;
    }),
  ].join('\n');
}
