// The run record and manifest schemas: lines written by runexp before records had a
// schemaVersion (test/fixtures/v1-output, a real output directory of that version) are still
// read, reported and resumed; a line that is not a record is named, not trusted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest } from '../../src/results/manifest.ts';
import { parseRecord, RECORD_SCHEMA_VERSION } from '../../src/results/record.ts';
import { finishedRunIds, readResults } from '../../src/results/store.ts';
import { loadResults } from '../../src/report/load.ts';
import { writeReport } from '../../src/report/write.ts';
import { FIXTURES, tempDir } from '../helpers/cli.ts';

const V1 = join(FIXTURES, 'v1-output');
const lines = readFileSync(join(V1, 'results.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));

test('version 1 lines parse as version 1 records', () => {
  const parsed = lines.map(parseRecord);
  expect(parsed.every((p) => p.ok)).toBe(true);
  const records = parsed.map((p) => (p.ok ? p.record : undefined)!);
  expect(records.map((r) => [r.status, r.schemaVersion])).toEqual([
    ['ok', 1],
    ['ok', 1],
    ['failed', 1],
  ]);
  const [magnitude, random, failed] = records;
  if (magnitude.status !== 'ok' || random.status !== 'ok' || failed.status !== 'failed') throw new Error('unexpected statuses');
  expect(magnitude.pruning.layers[0]).toMatchObject({ layer: 'dense', total: 168, kept: 109 });
  expect(magnitude.pruning.layers[0].threshold).toBeCloseTo(0.1416568525135517, 15);
  // version 1 stored a random pruner's missing threshold as null: read as "no threshold"
  expect(random.pruning.layers[0].threshold).toBeUndefined();
  expect(random.params).toMatchObject({ pruner: 'random', prune: { percentile: 35 }, train: { epochs: 2 } });
  expect(random.params.compactor).toBeUndefined();
  expect(failed.error).toMatchObject({ code: 'E_UNEXPECTED', stage: 'prune', plugin: 'faulty-magnitude' });
  expect(RECORD_SCHEMA_VERSION).toBe(2);
});

test('a line that is not a record is refused with the path that is wrong', () => {
  const broken = { ...lines[0], original: { ...lines[0].original, mse: 'low' } };
  expect(parseRecord(broken)).toEqual({ ok: false, problem: expect.stringMatching(/^original\.mse: /) });
  expect(parseRecord({ runId: 'x', status: 'done' })).toMatchObject({ ok: false });
});

test('the store, resume and the report read a version 1 directory', async () => {
  expect([...readResults(V1).keys()]).toHaveLength(3);
  // both ok runs' folders still match the checksums their lines recorded
  expect(finishedRunIds(V1).size).toBe(2);
  expect(readManifest(V1)).toMatchObject({ experiment: 'v1-output', schemaVersion: 1, status: 'some-runs-failed' });
  const results = loadResults(V1);
  expect([results.ok.length, results.failed.length]).toEqual([2, 1]);
  const page = readFileSync((await writeReport(V1, tempDir('runexp-v1-report-'))).file, 'utf8');
  expect(page).toContain('SPY 120d small magnitude percentile=35');
  expect(page).toContain('threshold |w| &gt; 0.141657');
  expect(page).toContain('deliberate prune failure');
}, 60_000);
