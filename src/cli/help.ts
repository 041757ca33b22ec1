// `runexp --help`: every command and option in one place.
import { availableParallelism } from 'node:os';
import { BACKENDS } from '../execute/backend.ts';

export const HELP = `runexp — declarative ML experiments (CNN weight pruning for time series)

Usage:
  runexp <spec.yaml> [options]       run the experiment (only runs not already finished)
  runexp run <spec.yaml> [options]   the same
  runexp validate <spec.yaml>        check the spec and its data; writes nothing
  runexp plan <spec.yaml> [--out]    print the expanded grid: runs, trainings, what is done
  runexp report <output dir>         write reports/<experiment>/index.html from stored results
  runexp check-plugin <pruner|compactor> [--options JSON] [--timeout S]
                                     test a pruning plugin (a file, or a built-in name) on small
                                     trained models: sparsity, masks, untouched weights, seeds,
                                     leaks, compaction; a compact plugin after a 50% magnitude
                                     pruner: its tolerance, stored size, ONNX Runtime; exit 0 when
                                     every property passes; the whole check is stopped after S
                                     seconds (default 600)
  runexp export <output dir> [--format csv|json] [--out FILE]
                                     every run as one flat row (parameters, scores, baselines,
                                     efficiency, timings, status, error) for a spreadsheet or pandas
  runexp compare <dir> <dir>         are two output folders the same numbers? (exit 1 if not)
  runexp methods-table <output dir>  the pruning-methods table, as markdown
  runexp worker --queue URL [--workers N]
                                     take queued grid jobs and run them on this host's threads
  runexp queue status|retry-failed|clean --queue URL
                                     show what is queued; send failed jobs back; remove failed
                                     jobs (and, with --completed, finished ones not yet collected)

Options:
  --workers N     worker threads (default: number of cores, ${availableParallelism()} here);
                  0 runs everything in this process (for debugging; same results)
  --stack-seeds N train up to N seeds of a model as one computation (default 16; 1: one by one);
                  the numbers are the same to the bit, only faster
  --out DIR       output directory (default: runs/<experiment name>/)
  --fresh         ignore finished runs and cached trainings; redo everything
  --backend B     tfjs backend: ${BACKENDS.join(' | ')} (default: auto = best available)
  --reports DIR   where HTML reports go (default: reports/ in the current directory)
  --no-report     do not write the HTML report at the end of a run
  --worker-memory MB  heap limit per worker thread; a worker that exceeds it fails its runs
  --queue URL     run the grid's trainings as BullMQ jobs on Redis (redis://[:password@]host:port[/db],
                  rediss:// for TLS) for \`runexp worker\` processes anywhere to take
  --attempts N    times a queued job may be tried (a worker that dies on it) before its runs
                  are recorded as failed (default 3)
  --lock-seconds S  (worker) how long a job stays locked without renewal: a killed worker's job
                  goes to another after about this long (default 30)
  --debug         print stack traces
  -h, --help      this help
  -v, --version   print the version

Exit codes: 0 all runs ok, 1 some runs failed or results could not be written (finished runs
are kept), 2 invalid input (nothing written), 75 another runexp is writing to the same output
directory, 130 interrupted (finished runs are kept; run again to resume).
`;
