// JSON Schema for spec files, generated from the zod schema (input side: what users write).
import { z } from 'zod';
import { experimentSchema } from './schema.ts';

export function experimentJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(experimentSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://runexp.dev/schema/experiment.schema.json',
    title: 'runexp experiment',
    description: 'A runexp experiment spec. Plugin sections accept a plugin name or {plugin: name, ...options}.',
  };
}
