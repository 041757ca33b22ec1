// Studies in minutes (issue 28): seeds trained as one computation against one after another, a
// study end to end with and without stacking, and its report. Ratios against a baseline run in
// this same script, on the same machine, interleaved where it is cheap.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Tf, TrainRequest, WindowedData } from '../src/plugin/index.ts';
import { mulberry32 } from '../src/plugin/kit/data.ts';
import { trainingEvents } from '../src/plugin/training-events.ts';
import tfjs from '../src/plugins/train/tfjs.ts';
import { paperArchitecture } from './paper-architecture.ts';
import { PEER_TRAINING } from './peers.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** How many seeds seedsStacked trains each way. */
export const SEEDS_STACKED = 10;
const SEEDS = Array.from({ length: SEEDS_STACKED }, (_, i) => 11 + i);

/** The PyTorch peer's settings, with dead initialisations redrawn (one of seeds 11–20 starts dead), alike both ways. */
const PEER_OPTIONS = { ...PEER_TRAINING, redrawDeadInit: 10 };

/**
 * Ten seeds of the paper model on one thread: one after another with `run`, then stacked with
 * `runStacked`, `rounds` times interleaved. Median seconds for the ten, each way.
 */
export async function seedsStacked(tf: Tf, data: WindowedData, rounds = 2): Promise<{ alone: number; stacked: number }> {
  const architecture = paperArchitecture('linear');
  const request = (seed: number): TrainRequest => ({ data, architecture, seed, events: trainingEvents([]) });
  const context = (seed: number) => ({ tf, seed, random: mulberry32(seed), log: () => {} });
  const alone: number[] = [];
  const stacked: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let t0 = performance.now();
    for (const seed of SEEDS) (await tfjs.run(request(seed), PEER_OPTIONS, context(seed))).model.dispose();
    alone.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    const results = await tfjs.runStacked!(SEEDS.map(request), PEER_OPTIONS, SEEDS.map(context));
    stacked.push((performance.now() - t0) / 1000);
    if (!results || results.some((r) => r instanceof Error)) throw new Error('the stacked training did not train every seed');
    for (const r of results) if (!(r instanceof Error)) r.model.dispose();
  }
  return { alone: median(alone), stacked: median(stacked) };
}

/**
 * `runexp <spec> --no-report` into a fresh folder, with extra flags: wall seconds, the folder, and
 * the peak resident memory of its largest process in MB (bench/max-rss.mjs).
 */
export function study(spec: string, flags: string[] = []): { seconds: number; out: string; peakMegabytes: number } {
  const out = mkdtempSync(join(tmpdir(), 'runexp-study-'));
  const rss = join(out, '..', `${out.split('/').at(-1)}.rss`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [resolve('bin/runexp.js'), resolve(spec), '--no-report', '--out', out, ...flags], {
    env: { ...process.env, CI: 'true', RUNEXP_BENCH_RSS: rss, NODE_OPTIONS: `--import ${resolve('bench/max-rss.mjs')}` },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${spec} failed: ${r.stderr}`);
  const seconds = (performance.now() - t0) / 1000;
  const peaks = readFileSync(rss, 'utf8').trim().split('\n').map(Number);
  return { seconds, out, peakMegabytes: Math.max(...peaks) / 1024 };
}

/**
 * `experiments/methods.yaml`, the whole study (520 runs), and its report: issue 28's methodsSeconds
 * and report520Seconds, both measured (an earlier bench ran 2 of its 10 seeds and scaled the time
 * up, which misread it by a fifth: seeds differ in how long early stopping trains them).
 */
export function methodsStudy(): { runs: number; seconds: number; reportSeconds: number } {
  const run = study('experiments/methods.yaml');
  const runs = readFileSync(join(run.out, 'results.jsonl'), 'utf8').trim().split('\n').length;
  return { runs, seconds: run.seconds, reportSeconds: reportSeconds(run.out) };
}

/** Wall seconds of `runexp report <out>`. */
export function reportSeconds(out: string): number {
  const reports = mkdtempSync(join(tmpdir(), 'runexp-report-'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [resolve('bin/runexp.js'), 'report', out, '--reports', reports], {
    env: { ...process.env, CI: 'true' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`report of ${out} failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

/** The rows and JSON figures of the studies section (issue 28); `pytorchTrainSeconds` is the peer's time for one training. */
export async function studyFigures(tf: Tf, data: WindowedData, pytorchTrainSeconds?: number) {
  const stacked = await seedsStacked(tf, data);
  const rigorous = study('experiments/paper-rigorous.yaml');
  const unstacked = study('experiments/paper-rigorous.yaml', ['--stack-seeds', '1']);
  const report = reportSeconds(rigorous.out);
  const methods = methodsStudy();
  const rows = [
    [
      `train ${SEEDS_STACKED} seeds of the paper model (50 epochs, no early stopping), one thread: one after another / stacked`,
      `${stacked.alone.toFixed(2)} s / ${stacked.stacked.toFixed(2)} s`,
      `stacked ${(stacked.alone / stacked.stacked).toFixed(2)}× faster, the same weights to the bit`,
    ],
    [
      '`runexp experiments/paper-rigorous.yaml --no-report` (50 trainings, 300 runs): --stack-seeds 1 / stacked',
      `${unstacked.seconds.toFixed(1)} s / ${rigorous.seconds.toFixed(1)} s`,
      `${(unstacked.seconds / rigorous.seconds).toFixed(2)}× faster; peak memory ${unstacked.peakMegabytes.toFixed(0)} MB / ${rigorous.peakMegabytes.toFixed(0)} MB`,
    ],
    ['`runexp report` of paper-rigorous (300 runs)', `${report.toFixed(1)} s`, ''],
    [
      `\`runexp experiments/methods.yaml --no-report\` (${methods.runs} runs) / its report`,
      `${methods.seconds.toFixed(1)} s / ${methods.reportSeconds.toFixed(1)} s`,
      '',
    ],
  ];
  const figures = {
    seedsStackedVsAlone: stacked.alone / stacked.stacked,
    trainVsPytorchStackedPerSeed: pytorchTrainSeconds ? stacked.stacked / SEEDS_STACKED / pytorchTrainSeconds : null,
    paperRigorousSeconds: rigorous.seconds,
    paperRigorousUnstackedSeconds: unstacked.seconds,
    paperRigorousPeakMegabytes: rigorous.peakMegabytes,
    paperRigorousUnstackedPeakMegabytes: unstacked.peakMegabytes,
    reportPaperRigorousSeconds: report,
    methodsSeconds: methods.seconds,
    methodsRuns: methods.runs,
    report520Seconds: methods.reportSeconds,
  };
  return { rows, figures };
}
