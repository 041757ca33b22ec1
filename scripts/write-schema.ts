// Writes schema/experiment.schema.json from the zod spec schema, so editors (the YAML language
// server) validate and autocomplete spec files. `npm run schema`; a test checks it is current.
import { writeFileSync } from 'node:fs';
import { experimentJsonSchema } from '../src/spec/json-schema.ts';

const file = new URL('../schema/experiment.schema.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
