// Prices from a CSV file of the user's, in Yahoo's layout (Date,...,Adj Close,...).
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { z } from 'zod';
import { definePlugin, ErrorCode, parsePriceCsv, RunexpError, sha256 } from '../../plugin/index.ts';

export default definePlugin({
  slot: 'fetch',
  name: 'csv',
  description: 'Daily prices from a CSV file (path relative to the spec).',
  options: z.strictObject({
    path: z.string().min(1).describe('CSV file, relative to the spec'),
    column: z.string().default('Adj Close'),
    dateColumn: z.string().default('Date'),
  }),
  run: ({ ticker }, options, ctx) => {
    const file = resolve(ctx.specDir, options.path);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      throw new RunexpError(ErrorCode.DATA, `cannot read CSV ${relative(process.cwd(), file) || file}: ${(err as NodeJS.ErrnoException).code}`, 'paths are relative to the spec file');
    }
    const table = parsePriceCsv(bytes.toString('utf8'), { column: options.column, dateColumn: options.dateColumn, name: options.path });
    return { ticker, ...table, checksum: sha256(bytes), source: `csv:${options.path}` };
  },
});
