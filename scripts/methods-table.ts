// `npm run methods-table -- runs/methods`: the pruning-methods table as markdown, for the README,
// from the same rows and verdict tests as the report's "Pruning methods" section.
import { storedErrors } from '../src/cli/table-text.ts';
import { loadResults } from '../src/report/load.ts';
import { methodName, methodRows, sparsityOf } from '../src/report/methods.ts';
import { ALPHA, formatP, judge, type Comparison } from '../src/report/verdict.ts';

const [dir] = process.argv.slice(2);
if (!dir) {
  console.error('usage: npm run methods-table -- <output dir>');
  process.exit(2);
}
const results = loadResults(dir);
const comparisons = judge(results.ok, storedErrors(results.outDir));
const rows = methodRows(results.ok, comparisons).sort((a, b) => (a.method < b.method ? -1 : a.method > b.method ? 1 : a.sparsity - b.sparsity));
const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const p = (c: Comparison | undefined) => (!c || Number.isNaN(c.test.pValue) ? '—' : `${formatP(c.test.pValue)} (${formatP(c.holm)})${c.holm < ALPHA ? '*' : ''}`);
const failedBy = new Map<string, number>();
for (const r of results.failed) if (r.params) {
  const key = `${methodName({ params: r.params })}|${sparsityOf({ params: r.params })}`;
  failedBy.set(key, (failedBy.get(key) ?? 0) + 1);
}
const sizes = (family: string) => comparisons.find((c) => c.family === family)?.familySize ?? 0;
console.log(`Dense original: MSE ${f(rows[0].originalMse.mean)} [${f(rows[0].originalMse.lo)}, ${f(rows[0].originalMse.hi)}] (geometric mean over seeds); persistence ${f(rows[0].persistenceMse)}.`);
console.log(`Families: compact vs original ${sizes('compact vs original')} tests, vs persistence ${sizes('vs persistence')}, vs random control ${sizes('vs random control')}.\n`);
console.log('| method | sparsity | seeds ok | MSE, compact [95% CI] | p vs original (Holm) | p vs persistence (Holm) | p vs random control (Holm) | skill | non-zero | compact model | speedup measured / MACs |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const failed = failedBy.get(`${r.method}|${r.sparsity}`);
  console.log(
    `| ${r.method} | ${Math.round(r.sparsity * 100)}% | ${r.runs}${failed ? ` (+${failed} failed)` : ''} | ${f(r.compactMse.mean)} [${f(r.compactMse.lo)}, ${f(r.compactMse.hi)}] | ${p(r.vsOriginal)} | ${p(r.vsPersistence)} | ${p(r.vsControl)} | ${f(r.compactSkill.mean, 3)} | ${Math.round(r.nonzero)} | ${r.architecture} | ${r.measuredSpeedup ? f(r.measuredSpeedup.mean) : '—'}× / ${r.theoreticalSpeedup ? f(r.theoreticalSpeedup) : '—'}× |`,
  );
}
