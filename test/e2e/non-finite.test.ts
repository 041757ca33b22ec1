// A run whose scores are not finite fails with E_NON_FINITE (exit 1) instead of being stored as
// ok with null scores, and later commands (the report) still work.
import { join } from 'node:path';
import { FIXTURES, readJsonl, runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

test('a NaN score fails the run with its own code; the report still builds', () => {
  const dir = tempDir();
  writeSpec(
    dir,
    tinySpec({
      prune: '{plugin: magnitude, percentile: 35}',
      measure: `{plugin: ${join(FIXTURES, 'plugins/nan-measure.ts')}, warmup: 1, repeats: 2, latencyRepeats: 2}`,
    }),
  );
  const run = runCli(['spec.yaml', '--workers', '0'], dir);
  expect(run.code).toBe(1);
  const [row] = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
  expect(row.status).toBe('failed');
  expect(row.error).toMatchObject({ code: 'E_NON_FINITE', stage: 'measure', plugin: 'nan-measure' });
  expect(row.error.message).toBe("the compact model's mse is not finite (NaN)");
  expect(runCli(['report', 'runs/tiny'], dir).code).toBe(0);
}, 120_000);
