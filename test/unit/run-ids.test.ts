// Run ids are what a rerun uses to skip finished work: a change to how layers are described
// (the layer registry) must not change the ids of specs written before it. Pinned here for every
// shipped experiment and for the output directory of the first schema version.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepare } from '../../src/plan/prepare.ts';
import { gridSize } from '../../src/spec/grid-size.ts';
import { sha256 } from '../../src/plugin/hash.ts';
import { FIXTURES, tempDir } from '../helpers/cli.ts';

const pinned = JSON.parse(readFileSync(join(FIXTURES, 'run-ids/experiments.json'), 'utf8')) as Record<string, unknown>;
const digest = (ids: string[]) => sha256([...ids].sort().join('\n')).slice(0, 16);

test.each(
  readdirSync('experiments')
    .filter((f) => f.endsWith('.yaml'))
    .sort(),
)(
  'experiments/%s keeps its run ids and training keys',
  async (file) => {
    const { grid, loaded } = await prepare(join('experiments', file));
    // What `maxRuns` is checked against, counted before expanding (folds and horizons included).
    expect(gridSize(loaded.spec, loaded.plugins, loaded.compactorsOf)).toBe(grid.runs.length);
    expect({
      runs: grid.runs.length,
      trainings: grid.groups.length,
      runIds: digest(grid.runs.map((r) => r.runId)),
      trainKeys: digest(grid.groups.map((g) => g.trainKey)),
    }).toEqual(pinned[file]);
  },
  60_000,
);

test("the first schema version's spec still validates and plans the ids it has planned since schema 2", async () => {
  // Its third pruner was a file of a scratch folder long gone; the other two are built in. Its
  // results carry schema 1's ids (1b3b…, 6755…): schema 2 changed them once, on purpose.
  const v1 = join(FIXTURES, 'v1-output');
  const text = readFileSync(join(v1, 'spec.resolved.yaml'), 'utf8').replace(/ {2}- plugin: \/tmp\/baseline\S+\n {4}marker: \S+\n/, '');
  const dir = tempDir();
  writeFileSync(join(dir, 'spec.yaml'), text);
  const { grid } = await prepare(join(dir, 'spec.yaml'));
  expect(grid.runs.map((r) => `${r.params.pruner} ${r.runId}`)).toEqual(['magnitude 31f88be8484dc8ce', 'random 2e10e3826c5d66f1']);
});
