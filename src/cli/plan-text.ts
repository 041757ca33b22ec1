// `runexp plan`: the expanded grid in words — how many runs, which are done, how many trainings.
import type { Prepared } from '../plan/prepare.ts';
import { labeller } from '../plan/labels.ts';
import { trainingKeys } from '../plan/types.ts';
import { cachedTraining, finishedRunIds } from '../results/store.ts';
import { counted } from '../plugin/shorten.ts';

export function planText(prepared: Prepared, outDir: string): string {
  const { grid, loaded } = prepared;
  const done = finishedRunIds(outDir);
  const labels = labeller(grid.runs.map((r) => r.params));
  // The trainings the unfinished runs need; a cached one is reused, not redone.
  const needed = grid.groups.flatMap((g) => {
    const pending = g.runs.filter((r) => !done.has(r.runId)).map((r) => r.runId);
    return pending.length ? trainingKeys(g, pending) : [];
  });
  const cached = needed.filter((key) => cachedTraining(outDir, key)).length;
  const lines = [
    `experiment ${loaded.spec.name} (${loaded.file})`,
    `output ${outDir}`,
    `${counted(grid.runs.length, 'run')}, ${grid.runs.filter((r) => done.has(r.runId)).length} already done; ${counted(grid.groups.length, 'training')}, ${needed.length - cached} to do${cached ? `, ${cached} cached` : ''}`,
    '',
    'status  run id            training          ticker  days   test end    arch   seed  pruner',
  ];
  for (const g of grid.groups) {
    for (const r of g.runs) {
      const p = r.params;
      lines.push(
        `${(done.has(r.runId) ? 'done' : 'todo').padEnd(6)}  ${r.runId}  ${g.trainKey}  ${p.ticker.padEnd(6)}  ${String(p.days).padStart(5)}  ${p.testEnd}  ${p.architecture.padEnd(5)}  ${String(p.seed).padStart(4)}  ${labels.pruning(p)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
