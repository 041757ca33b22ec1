// Loaded with `node --import` into every process of a benchmarked command: at exit, appends the
// process's peak resident memory (KB, worker threads included) to the file $RUNEXP_BENCH_RSS.
import { appendFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.RUNEXP_BENCH_RSS) appendFileSync(process.env.RUNEXP_BENCH_RSS, `${process.resourceUsage().maxRSS}\n`);
});
