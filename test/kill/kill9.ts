// kill -9 the CLI at random moments during a grid, then check the store after every kill and
// finish the grid at the end: nothing finished may be lost, and nothing may be done twice.
//   node bin/dev.js test/kill/kill9.ts [kills=20] [seed=1]
// test/e2e/kill.test.ts runs a short version of the same loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { folderMatches } from '../../src/results/artifacts.ts';
import { mulberry32 } from '../../src/plugin/random.ts';
import { runDir } from '../../src/results/store.ts';
import { BIN, runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

export interface KillReport {
  /** Kills that landed while the grid was still running. */
  kills: number;
  finishedBeforeLastKill: number;
  lost: number;
  doneTwice: number;
  total: number;
}

/** Parses every line (a torn line fails), and checks every "ok" run's folder against its checksums. */
function checkStoreAfterKill(outDir: string): Map<string, number> {
  const file = join(outDir, 'results.jsonl');
  const okCounts = new Map<string, number>();
  if (!existsSync(file)) return okCounts;
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  for (const line of lines) {
    const rec = JSON.parse(line);
    if (rec.status !== 'ok') continue;
    if (!folderMatches(runDir(outDir, rec.runId), rec.files.sha256))
      throw new Error(`run ${rec.runId} is recorded ok but its folder is damaged`);
    okCounts.set(rec.runId, (okCounts.get(rec.runId) ?? 0) + 1);
  }
  return okCounts;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const lineCount = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length : 0);

/** Waits until `file` gains a line (a run finished) or the process ends; 60 s at most. */
async function nextResult(file: string, child: ChildProcess): Promise<void> {
  const before = lineCount(file);
  for (const started = Date.now(); Date.now() - started < 60_000 && child.exitCode === null; ) {
    if (lineCount(file) > before) return;
    await sleep(50);
  }
}

export async function killLoop(kills: number, seed = 1): Promise<KillReport> {
  const dir = tempDir('runexp-kill-');
  // 40 short trainings × 2 percentiles = 80 runs. Half the kills land at a random moment 1–3 s
  // after the start (start-up, fetch, training, a write in flight); the other half wait for the
  // next finished run and strike up to 1 s after it, so runs do finish between kills on a machine
  // of any speed (the first results take 2–5 s here, depending on the machine).
  const days = Array.from({ length: 20 }, (_, i) => 200 + 5 * i).join(', ');
  writeSpec(dir, tinySpec({ seeds: '[1, 3]', days: `[${days}]`, train: '{plugin: tfjs, epochs: 20, earlyStopping: false}' }));
  const outDir = join(dir, 'runs/tiny');
  const random = mulberry32(seed);
  let killedMidGrid = 0;
  let finished = new Map<string, number>();
  // Keep going until `kills` kills have landed while the grid was running (at most 3× tries).
  for (let i = 0; killedMidGrid < kills && i < 3 * kills; i++) {
    const child = spawn(process.execPath, [BIN, 'spec.yaml', '--no-report', '--workers', '2'], {
      cwd: dir,
      env: { ...process.env, CI: 'true' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    if (i % 2 === 0) await sleep(1000 + random() * 2000);
    else {
      await nextResult(join(outDir, 'results.jsonl'), child);
      await sleep(random() * 1000);
    }
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      killedMidGrid++;
    }
    if ((await exited) === 0) break; // the grid completed before this kill
    const now = checkStoreAfterKill(outDir);
    for (const [id] of finished) if (!now.has(id)) throw new Error(`finished run ${id} was lost after kill ${i + 1}`);
    finished = now;
  }
  const finishedBeforeLastKill = finished.size;
  const last = runCli(['spec.yaml', '--no-report'], dir);
  if (last.code !== 0) throw new Error(`the final run failed (${last.code}): ${last.stderr}`);
  const final = checkStoreAfterKill(outDir);
  const lost = [...finished.keys()].filter((id) => !final.has(id)).length;
  const doneTwice = [...final.values()].filter((n) => n > 1).length;
  return { kills: killedMidGrid, finishedBeforeLastKill, lost, doneTwice, total: final.size };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve('test/kill/kill9.ts')) {
  const kills = Number(process.argv[2] ?? 20);
  const started = Date.now();
  const report = await killLoop(kills, Number(process.argv[3] ?? 1));
  console.log(JSON.stringify({ ...report, seconds: Math.round((Date.now() - started) / 1000) }));
  process.exit(report.kills >= kills && report.lost === 0 && report.doneTwice === 0 && report.total === 80 ? 0 : 1);
}
