// Repairing results.jsonl when a run reopens it: a torn last line is cut at a byte offset, and
// a complete last record that only lost its newline is kept (real version-1 records as input).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentStore, readResults } from '../../src/results/store.ts';
import { MARKER_FILE } from '../../src/results/out-dir.ts';

const [first, second] = readFileSync('test/fixtures/v1-output/results.jsonl').toString('utf8').split('\n');

function reopen(content: Buffer): { bytes: Buffer; ids: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'runexp-repair-'));
  writeFileSync(join(dir, 'results.jsonl'), content);
  writeFileSync(join(dir, MARKER_FILE), ''); // a folder runexp wrote
  const store = new ExperimentStore(dir);
  store.open();
  store.close();
  return { bytes: readFileSync(join(dir, 'results.jsonl')), ids: [...readResults(dir).keys()] };
}

test('a complete last record without its newline is kept, and gets the newline back', () => {
  const { bytes, ids } = reopen(Buffer.from(`${first}\n${second}`));
  expect(bytes.toString('utf8')).toBe(`${first}\n${second}\n`);
  expect(ids).toHaveLength(2);
});

test('a torn last line is cut off, leaving every complete line', () => {
  const { bytes, ids } = reopen(Buffer.from(`${first}\n${second.slice(0, 120)}`));
  expect(bytes.toString('utf8')).toBe(`${first}\n`);
  expect(ids).toEqual([JSON.parse(first).runId]);
});

test('the cut is made in bytes: invalid UTF-8 in an earlier record does not move it', () => {
  // 0xff bytes inside a JSON string of the first record: each decodes to the 3-byte U+FFFD, so a
  // cut computed from decoded text would land 2 bytes late per invalid byte.
  const marked = first.replace('"source":"s', '"source":"s\u0001');
  const withInvalid = Buffer.concat([Buffer.from(marked).map((b) => (b === 1 ? 0xff : b)), Buffer.from(`\n${second.slice(0, 120)}`)]);
  const { bytes } = reopen(withInvalid);
  expect(bytes.length).toBe(Buffer.byteLength(marked) + 1);
  expect(bytes[bytes.length - 1]).toBe(0x0a);
  expect(bytes.includes(Buffer.from(second.slice(0, 20)))).toBe(false);
});

test('a cached training is trusted only if every file matches: an edited model.json is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runexp-cache-'));
  const store = new ExperimentStore(dir);
  store.open();
  const model = JSON.stringify({ modelTopology: { config: { layers: [{ config: { activation: 'relu' } }] } } });
  store.saveTraining('k1', {
    'model.json': new TextEncoder().encode(model),
    'weights.bin': Uint8Array.from([1, 2, 3, 4]),
    'training.json': new TextEncoder().encode('{}'),
  });
  expect(Object.keys(store.loadTraining('k1')!).sort()).toEqual(['model.json', 'training.json', 'weights.bin']);
  const file = join(dir, 'cache/models/k1/model.json');
  writeFileSync(file, readFileSync(file, 'utf8').replace('relu', 'sigmoid')); // weights.bin untouched
  expect(store.loadTraining('k1')).toBeUndefined();
  store.close();
});
