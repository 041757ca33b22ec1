// Prices from a CSV file of the user's, in Yahoo's layout (Date,...,Adj Close,...).
import { readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { z } from 'zod';
import { decodeText, parsePriceCsv, sha256, textEncoding } from '../../plugin/kit/data.ts';
import { definePlugin, ErrorCode, RunexpError } from '../../plugin/index.ts';

/** A daily price history is a few MB; anything this large is not one. */
const MAX_CSV_BYTES = 256 * 2 ** 20;

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
      const stat = statSync(file);
      // A FIFO or a device (/dev/zero) would block or grow without end: only regular files, capped.
      if (!stat.isFile()) throw new RunexpError(ErrorCode.DATA, `${options.path} is not a regular file`, 'give the path of a CSV file');
      if (stat.size > MAX_CSV_BYTES)
        throw new RunexpError(
          ErrorCode.DATA,
          `${options.path} is ${stat.size.toLocaleString('en-US')} bytes, more than ${MAX_CSV_BYTES.toLocaleString('en-US')}`,
          'a daily price history is a few MB; check the path',
        );
      bytes = readFileSync(file);
    } catch (err) {
      if (err instanceof RunexpError) throw err;
      throw new RunexpError(
        ErrorCode.DATA,
        `cannot read CSV ${relative(process.cwd(), file) || file}: ${(err as NodeJS.ErrnoException).code}`,
        'paths are relative to the spec file',
      );
    }
    let text: ReturnType<typeof textEncoding>;
    try {
      text = textEncoding(bytes);
    } catch (err) {
      throw new RunexpError(
        ErrorCode.DATA,
        `${options.path} is not readable text: ${(err as Error).message}`,
        'export the prices again as CSV (UTF-8)',
      );
    }
    // UTF-8 is parsed from the bytes: a large file is never also held as one long string.
    const input = text.encoding.startsWith('UTF-8') ? text.body : decodeText(bytes).text;
    const table = parsePriceCsv(input, { column: options.column, dateColumn: options.dateColumn, name: options.path });
    // The encoding is named where it is not plain UTF-8, so a record says how the file was read.
    return {
      ticker,
      ...table,
      checksum: sha256(bytes),
      source: `csv:${options.path}${text.encoding === 'UTF-8' ? '' : ` (${text.encoding})`}`,
    };
  },
});
