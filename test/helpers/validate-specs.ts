// Validates spec files as `runexp validate` does, without fetching data: one process for many
// specs (the docs' test). node bin/dev.js test/helpers/validate-specs.ts a.yaml b.yaml → JSON lines.
import { SpecError } from '../../src/spec/issues.ts';
import { loadExperiment } from '../../src/spec/load.ts';

for (const file of process.argv.slice(2)) {
  try {
    await loadExperiment(file);
    console.log(JSON.stringify({ file, ok: true }));
  } catch (err) {
    const issues = err instanceof SpecError ? err.issues.map((i) => `${i.path}: ${i.message}`) : [String(err)];
    console.log(JSON.stringify({ file, ok: false, issues }));
  }
}
