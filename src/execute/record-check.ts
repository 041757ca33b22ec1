// A record is checked against the record schema before it leaves the task, as it will be read
// back (through JSON), so a plugin that returns the wrong shape fails its own run with a message
// instead of writing a line that later commands cannot read.
import { ErrorCode, RunexpError } from '../plugin/errors.ts';
import { okRecordSchema, type OkRecord } from '../results/record.ts';

export function checkRecord(record: OkRecord): OkRecord {
  const parsed = okRecordSchema.safeParse(JSON.parse(JSON.stringify(record)));
  if (parsed.success) return record;
  const issue = parsed.error.issues[0];
  const where = issue.path.join('.');
  const stage = where.startsWith('pruning') ? 'prune' : where.startsWith('original') || where.startsWith('compact') ? 'measure' : undefined;
  throw Object.assign(
    new RunexpError(
      ErrorCode.PLUGIN,
      `the run's result does not fit the record schema at ${where || 'the top level'}: ${issue.message}`,
      'check what the plugin returns against the slot types in runexp/plugin',
    ),
    { stage },
  );
}
