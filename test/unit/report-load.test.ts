// What the report leaves out, and says so: runs whose folders are gone are named, five at most,
// and the rest counted, so a damaged folder does not print a screenful of the same line.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadResults } from '../../src/report/load.ts';
import { FIXTURES, tempDir } from '../helpers/cli.ts';

test('runs without their folders are left out: five named, the rest counted', () => {
  const dir = tempDir();
  cpSync(join(FIXTURES, 'v1-output'), dir, { recursive: true });
  const lines = readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n');
  const ok = lines.map((l) => JSON.parse(l)).find((r) => r.status === 'ok');
  const orphans = Array.from({ length: 8 }, (_, i) => ({ ...ok, runId: `orphan${i}` }));
  writeFileSync(join(dir, 'results.jsonl'), `${[...lines, ...orphans.map((r) => JSON.stringify(r))].join('\n')}\n`);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  manifest.grid.runIds.push(...orphans.map((r) => r.runId));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));

  const results = loadResults(dir);
  expect(results.ok).toHaveLength(2);
  const leftOut = results.problems.filter((p) => p.includes('left out'));
  expect(leftOut.slice(0, 5).map((p) => p.split(' ')[1])).toEqual(['orphan0', 'orphan1', 'orphan2', 'orphan3', 'orphan4']);
  expect(leftOut[0]).toMatch(/^run orphan0 left out: .*orphan0.* cannot be read \(ENOENT\); run the experiment again to redo it$/);
  expect(leftOut[5]).toBe('3 more runs left out the same way (8 in all); run the experiment again to redo them');
  expect(leftOut).toHaveLength(6);
});
