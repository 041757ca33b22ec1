// The corpus of bad specs in test/fixtures/bad-specs: each must fail validation with clear,
// located messages (snapshotted), and nothing may be written.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatIssue, SpecError } from '../../src/spec/issues.ts';
import { prepare } from '../../src/plan/prepare.ts';

const dir = 'test/fixtures/bad-specs';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

test('the corpus has at least 40 bad specs', () => {
  expect(files.length).toBeGreaterThanOrEqual(40);
});

describe.each(files)('%s', (file) => {
  test('is refused with located messages', async () => {
    let error: unknown;
    try {
      await prepare(join(dir, file));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SpecError);
    const issues = (error as SpecError).issues;
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(issue.file).toBe(join(dir, file));
      expect(issue.line).toBeGreaterThan(0);
      expect(issue.column).toBeGreaterThan(0);
      expect(issue.message).not.toMatch(/\n\s+at /); // no stack traces
    }
    expect(issues.map(formatIssue).join('\n')).toMatchSnapshot();
  });
});
