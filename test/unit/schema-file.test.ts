import { readFileSync } from 'node:fs';
import { experimentJsonSchema } from '../../src/spec/json-schema.ts';

test('schema/experiment.schema.json is up to date (regenerate with npm run schema)', () => {
  const committed = JSON.parse(readFileSync('schema/experiment.schema.json', 'utf8'));
  expect(committed).toEqual(JSON.parse(JSON.stringify(experimentJsonSchema())));
});

test('the example specs point editors at the schema', () => {
  for (const file of ['experiments/paper.yaml', 'experiments/paper-rigorous.yaml']) {
    expect(readFileSync(file, 'utf8')).toContain('$schema=../schema/experiment.schema.json');
  }
});
