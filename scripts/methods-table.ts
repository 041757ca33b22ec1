// `npm run methods-table -- runs/methods`: the pruning-methods table as markdown, for the README,
// from the same rows as the report's "Pruning methods" section.
import { loadResults } from '../src/report/load.ts';
import { methodRows } from '../src/report/methods.ts';
import { ALPHA, formatP } from '../src/report/verdict.ts';

const [dir] = process.argv.slice(2);
if (!dir) {
  console.error('usage: npm run methods-table -- <output dir>');
  process.exit(2);
}
const results = loadResults(dir);
const rows = methodRows(results.ok).sort((a, b) => (a.method < b.method ? -1 : a.method > b.method ? 1 : a.sparsity - b.sparsity));
const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const p = (raw: number, adjusted: number) => (Number.isNaN(raw) ? '—' : `${formatP(raw)} (${formatP(adjusted)})${adjusted < ALPHA ? '*' : ''}`);
const failedBy = new Map<string, number>();
for (const r of results.failed) if (r.params) {
  const key = `${r.params.prune.control ? `${r.params.pruner} (${r.params.prune.control} control)` : r.params.pruner}|${r.params.prune.sparsity}`;
  failedBy.set(key, (failedBy.get(key) ?? 0) + 1);
}
console.log(`Dense original: MSE ${f(rows[0].originalMse.mean)} [${f(rows[0].originalMse.lo)}, ${f(rows[0].originalMse.hi)}]; persistence ${f(rows[0].persistenceMse)}.\n`);
console.log('| method | sparsity | seeds ok | MSE, compact [95% bootstrap CI] | p vs original (Holm) | p vs persistence (Holm) | skill | non-zero | compact model | speedup measured / MACs |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const failed = failedBy.get(`${r.method}|${r.sparsity}`);
  console.log(
    `| ${r.method} | ${Math.round(r.sparsity * 100)}% | ${r.runs}${failed ? ` (+${failed} failed)` : ''} | ${f(r.compactMse.mean)} [${f(r.compactMse.lo)}, ${f(r.compactMse.hi)}] | ${p(r.pVsOriginal, r.holmVsOriginal)} | ${p(r.pVsPersistence, r.holmVsPersistence)} | ${f(r.compactSkill.mean, 3)} | ${Math.round(r.nonzero)} | ${r.architecture} | ${r.measuredSpeedup ? f(r.measuredSpeedup.mean) : '—'}× / ${r.theoreticalSpeedup ? f(r.theoreticalSpeedup) : '—'}× |`,
  );
}
