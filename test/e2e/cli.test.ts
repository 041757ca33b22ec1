// The CLI end to end on tiny specs in temporary folders: results, exit codes 0/1/2, resume,
// and a user's plugin named by path.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { BIN, FIXTURES, readJsonl, runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

// What "auto" picks here: native TensorFlow where @tensorflow/tfjs-node is installed, else wasm.
const AUTO_BACKEND = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return 'tensorflow';
  } catch {
    return 'wasm';
  }
})();

describe('runexp <spec>', () => {
  // One run of the grid; every test works on its own copy of its output, so none depends on
  // another having run first.
  const first = tempDir();
  writeSpec(first, tinySpec());
  let run: ReturnType<typeof runCli>;
  beforeAll(() => {
    // The TypeScript sources, as a checkout runs them (the other tests run the built dist/).
    run = runCli(['spec.yaml', '--workers', '2'], first, { RUNEXP_DIST: '0' });
  });
  const copy = () => {
    const dir = tempDir();
    cpSync(first, dir, { recursive: true });
    return { dir, results: join(dir, 'runs/tiny/results.jsonl') };
  };

  test('runs the grid and stores every result', () => {
    const { code, stdout, stderr } = run;
    const dir = first;
    expect(stderr).toContain('2 runs (0 already done), 1 training to do');
    expect(code).toBe(0);
    const rows = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.params.prune.percentile).sort()).toEqual([35, 50]);
    for (const row of rows) {
      expect(row.status).toBe('ok');
      expect(row.runId).toMatch(/^[0-9a-f]{16}$/);
      expect(row.data.checksum).toBe('55d01fc8e2754d7838ef961da90863a292be23db023725ab2e0408a62412eb13');
      expect(row.data.test).toMatchObject({ end: '2026-05-04', days: 20 });
      expect(row.pruning.layers[0]).toMatchObject({ layer: 'dense', total: 8400, kept: row.params.prune.percentile === 35 ? 5460 : 4200 });
      expect(row.untouchedWeightsChanged).toBe(0);
      expect(row.compactVsPruned.maxAbsDifference).toBe(0);
      // A live compact model: its test outputs differ (a dead one's spread is 0, and is counted as dead).
      expect(row.compactOutputSpread).toBeGreaterThan(1e-6);
      for (const model of ['original', 'compact']) {
        const m = row[model];
        expect(m.rmse).toBeCloseTo(Math.sqrt(m.mse), 9);
        expect(m.totalParams).toBe(8651);
        expect(m.layers.map((l: { name: string }) => l.name)).toEqual(['conv1d', 'flatten', 'dense', 'dense_1']);
        expect(m.inference.repeats).toBe(2);
        expect(m.size.denseBytes).toBe(8651 * 4);
      }
      expect(row.compact.nonzeroParams).toBeLessThan(row.original.nonzeroParams);
      const files = readdirSync(join(dir, 'runs/tiny/runs', row.runId)).sort();
      expect(files).toEqual(['compact', 'original', 'predictions.csv', 'pruned-weights.json', 'result.json']);
      const csv = readFileSync(join(dir, 'runs/tiny/runs', row.runId, 'predictions.csv'), 'utf8')
        .trim()
        .split('\n');
      expect(csv[0]).toBe('date,actual,original,compact,persistence,drift,linear');
      expect(csv).toHaveLength(21);
    }
    expect(stdout).toMatch(/Original\s+[\d.,]+\s+[\d.,]+/);
    expect(stdout).toContain('pruned dense: 8,400 weights → 5,460 non-zero');
    const manifest = JSON.parse(readFileSync(join(dir, 'runs/tiny/manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ experiment: 'tiny', status: 'ok', backends: [AUTO_BACKEND], counts: { ok: 2, failed: 0 } });
    expect(manifest.packages['@tensorflow/tfjs-core']).toBe('4.22.0');
    expect(manifest.packages['@tensorflow/tfjs-layers']).toBe('4.22.0');
    expect(existsSync(join(dir, 'runs/tiny/spec.resolved.yaml'))).toBe(true);
  });

  test('a rerun reuses finished runs and trains nothing', () => {
    const { dir, results } = copy();
    const { code, stderr } = runCli(['spec.yaml'], dir);
    expect(code).toBe(0);
    expect(stderr).toContain('2 runs (2 already done), 0 trainings to do');
    expect(readJsonl(results)).toHaveLength(2);
  });

  test('plan shows what is done and counts a cached training as cached; validate writes nothing', () => {
    const { dir } = copy();
    const plan = runCli(['plan', 'spec.yaml'], dir);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('2 runs, 2 already done; 1 training, 0 to do');
    // Without the run folders the runs are to do again, but their training is in the cache.
    rmSync(join(dir, 'runs/tiny/runs'), { recursive: true });
    const again = runCli(['plan', 'spec.yaml'], dir);
    expect(again.stdout).toContain('2 runs, 0 already done; 1 training, 0 to do, 1 cached');
    const fresh = tempDir();
    writeSpec(fresh, tinySpec());
    const validate = runCli(['validate', 'spec.yaml'], fresh);
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain('valid — 2 runs, 1 training');
    expect(readdirSync(fresh)).toEqual(['spec.yaml']);
  });

  test('export, compare and methods-table ship with the CLI and read what was stored', () => {
    const { dir, results } = copy();
    const stored = readJsonl(results);
    const csv = runCli(['export', 'runs/tiny', '--out', 'runs.csv'], dir);
    expect(csv.code).toBe(0);
    const rows = parse(readFileSync(join(dir, 'runs.csv'), 'utf8'), { columns: true, cast: true }) as Record<string, unknown>[];
    expect(rows.map((r) => [r.run_id, r['prune.percentile'], r.original_mse, r.compact_mse, r.status])).toEqual(
      stored.map((r) => [r.runId, r.params.prune.percentile, r.original.mse, r.compact.mse, 'ok']),
    );
    expect(Object.keys(rows[0])).toEqual(
      expect.arrayContaining(['seed', 'persistence_mse', 'linear_mse', 'sparsity', 'measured_speedup', 'training_ms', 'error_message']),
    );
    // Trading on the forecasts, from each run's predictions: buy and hold pays 1 bp to enter, then holds.
    const predictions = parse(readFileSync(join(dir, 'runs/tiny/runs', stored[0].runId, 'predictions.csv'), 'utf8'), {
      columns: true,
      cast: true,
    }) as { actual: number; persistence: number }[];
    const held = predictions.map((r, i) => r.actual / r.persistence - 1 - (i === 0 ? 1e-4 : 0));
    const m = held.reduce((a, b) => a + b, 0) / held.length;
    const sd = Math.sqrt(held.reduce((a, r) => a + (r - m) ** 2, 0) / (held.length - 1));
    expect(rows[0].buy_hold_sharpe).toBeCloseTo((m / sd) * Math.sqrt(252), 10);
    expect(Object.keys(rows[0])).toEqual(
      expect.arrayContaining([
        'compact_sharpe',
        'compact_max_drawdown',
        'original_hit_rate',
        'linear_annual_return',
        'compact_sharpe_p_vs_buy_hold',
        'compact_sharpe_p_vs_cash',
      ]),
    );
    const json = JSON.parse(runCli(['export', 'runs/tiny', '--format', 'json'], dir).stdout);
    expect(json.map((r: { compact_mse: number }) => r.compact_mse)).toEqual(stored.map((r) => r.compact.mse));
    expect(runCli(['compare', 'runs/tiny', join(first, 'runs/tiny')], dir)).toMatchObject({
      code: 0,
      stdout: 'identical: 2 runs, every score, count, size, training curve and prediction\n',
    });
    writeFileSync(results, readFileSync(results, 'utf8').replace(/"compact":\{"mse":[\d.e+-]+/, '"compact":{"mse":1'));
    const changed = runCli(['compare', 'runs/tiny', join(first, 'runs/tiny')], dir);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/compact\.mse/);
    const table = runCli(['methods-table', join(first, 'runs/tiny')], dir);
    expect(table.stdout).toMatch(/^\| magnitude \| 35% \| 1 \| [\d.]+ \[n\/a, n\/a\] \|/m);
    expect(runCli(['export', 'runs/tiny', '--format', 'xml'], dir)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--format must be csv or json, got "xml"'),
    });
  });

  test('--fresh redoes everything and gives the same numbers (seeded)', () => {
    const { dir, results } = copy();
    const before = readJsonl(results);
    const { code } = runCli(['spec.yaml', '--fresh', '--workers', '1'], dir);
    expect(code).toBe(0);
    const after = readJsonl(results);
    expect(after).toHaveLength(2);
    expect(readdirSync(join(dir, 'runs/tiny')).filter((f) => f.endsWith('.old'))).toHaveLength(1);
    for (const row of after) {
      const old = before.find((r) => r.runId === row.runId)!;
      expect(row.original.mse).toBe(old.original.mse);
      expect(row.compact.mse).toBe(old.compact.mse);
      expect(row.training.loss).toEqual(old.training.loss);
    }
  });
});

describe('exit codes and resume', () => {
  test('2 for an invalid spec, with nothing written', () => {
    const dir = tempDir();
    writeSpec(dir, tinySpec().replace('days: 120', 'days: -3'));
    const { code, stderr } = runCli(['spec.yaml'], dir);
    expect(code).toBe(2);
    expect(stderr).toContain('spec.yaml:5:9  data.days: must be at least 2 (got -3)');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir)).toEqual(['spec.yaml']);
  });

  test('2 for bad usage', () => {
    const dir = tempDir();
    expect(runCli([], dir).code).toBe(2);
    expect(runCli(['spec.yaml', '--workers', 'zero'], dir).code).toBe(2);
    expect(runCli(['valdate', 'x'], dir).code).toBe(2);
    expect(runCli(['--help'], dir).stdout).toContain('Usage:');
    const typo = runCli(['spec.yaml', '--wokers', '2'], dir);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('runexp: unknown option --wokers; did you mean "--workers"?');
  });

  test('--backend tensorflow where tfjs-node is missing fails before any work (exit 2)', () => {
    const dir = tempDir();
    writeSpec(dir, tinySpec());
    const run = runCli(['spec.yaml', '--backend', 'tensorflow', '--no-report'], dir);
    if (AUTO_BACKEND === 'tensorflow') {
      expect(run.code).toBe(0); // installed here: it simply runs
      return;
    }
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^runexp: backend "tensorflow" is not available: Cannot find package '@tensorflow\/tfjs-node'/);
    expect(readdirSync(dir)).toEqual(['spec.yaml']);
  });

  test('1 when a run fails; the rest is stored and a rerun does only what is missing', () => {
    const dir = tempDir();
    const marker = join(dir, 'fail-now');
    writeFileSync(marker, '');
    const prune = `[{plugin: magnitude, percentile: 35}, {plugin: ${join(FIXTURES, 'plugins/faulty-prune.ts')}, marker: ${marker}}]`;
    writeSpec(dir, tinySpec({ prune }));
    const first = runCli(['spec.yaml'], dir);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('deliberate prune failure');
    const rows = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
    expect(rows.map((r) => r.status).sort()).toEqual(['failed', 'ok']);
    const failed = rows.find((r) => r.status === 'failed')!;
    expect(failed.error).toMatchObject({ stage: 'prune', plugin: 'faulty-magnitude' });
    const okId = rows.find((r) => r.status === 'ok')!.runId;

    rmSync(marker);
    const second = runCli(['spec.yaml'], dir);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('2 runs (1 already done), 0 trainings to do (1 cached)');
    const all = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
    expect(all).toHaveLength(3);
    expect(all[2]).toMatchObject({ runId: failed.runId, status: 'ok' });
    expect(all.filter((r) => r.runId === okId)).toHaveLength(1);
    // the training was cached, not redone
    expect(all[2].training.cached).toBe(true);
  });
});

describe('a user plugin named by path', () => {
  test('runs and its effect shows in the results', () => {
    const dir = tempDir();
    writeSpec(dir, tinySpec({ prune: `{plugin: ${join(FIXTURES, 'plugins/every-other.ts')}, offset: 1}` }));
    const { code } = runCli(['spec.yaml'], dir);
    expect(code).toBe(0);
    const [row] = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
    expect(row.params.pruner).toBe('every-other');
    expect(row.pruning.layers[0]).toMatchObject({ layer: 'dense', total: 8400, kept: 4200 });
    const weights = JSON.parse(readFileSync(join(dir, 'runs/tiny/runs', row.runId, 'pruned-weights.json'), 'utf8'));
    expect(weights[0].after.filter((_: number, i: number) => i % 2 === 1).every((w: number) => w === 0)).toBe(true);
  });
});

describe('repeats', () => {
  test('`repeats: 3` trains three seeds and reports intervals, baselines and p-values', () => {
    const dir = tempDir();
    writeSpec(dir, tinySpec({ prune: '{plugin: magnitude, percentile: 35}' }).replace('seeds: [1]', 'repeats: 3'));
    const { code, stdout } = runCli(['spec.yaml', '--no-report'], dir);
    expect(code).toBe(0);
    const rows = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
    expect(rows.map((r) => r.params.seed).sort()).toEqual([0, 1, 2]);
    for (const row of rows) {
      expect(Object.keys(row.baselines)).toEqual(['persistence', 'drift', 'linear']);
      expect(row.baselines.persistence.skill).toBe(0);
      expect(row.forecast.original.mse).toBe(row.original.mse);
      expect(row.tests.compactVsOriginal.squared.pValue).toBeGreaterThanOrEqual(0);
      expect(row.tests.compactVsOriginal.squared.pValue).toBeLessThanOrEqual(1);
      expect(row.scaler.fitOn).toBe('train');
    }
    expect(stdout).toContain("over 3 seeds: errors' geometric mean, R² and skill's mean [95% CI]");
    expect(stdout).toMatch(/Original\s+[\d.,]+ \[[\d.,]+, [\d.,]+\]/);
    expect(stdout).toMatch(/\(persistence\)\s+[\d.,]+/);
    // One configuration: a family of one test per question, so no Holm; the test named with its data.
    expect(stdout).toMatch(
      /compact vs original: (better|worse|no significant difference) \(MSE ratio [\d.e+-]+ \[[\d.e+-]+, [\d.e+-]+\]\), p = [\d.e-]+; seeds-and-days t \(log MSE ratio\), 3 seeds × \d+ days/,
    );
    // vs persistence: the original and the compact model, two distinct tests in one family.
    expect(stdout).toMatch(/original vs persistence: .*, Holm p = [\d.e-]+ of 2 in 'vs persistence'; seeds-and-days t/);
  });
});

describe('seeds trained as one computation', () => {
  test("a stack of seeds, and pruners' trainings stacked, give every record the numbers of trainings one by one (--stack-seeds 1)", () => {
    // Lottery levels (from rewound weights, masks held) and fine-tuning (an epoch limit of its own)
    // ask for trainings that train as stacks across the group's runs.
    const prune =
      '[{plugin: magnitude, percentile: 35}, {plugin: lottery, sparsity: [0.5, 0.9], levels: 2, control: [none, random]}, {plugin: finetune, sparsity: 0.5, epochs: 2}]';
    const spec = tinySpec({ prune, train: '{plugin: tfjs, epochs: 4}' }).replace('seeds: [1]', 'seeds: [1, 2, 3, 4]');
    const rows = (args: string[]) => {
      const dir = tempDir();
      writeSpec(dir, spec);
      expect(runCli(['spec.yaml', '--no-report', '--workers', '1', ...args], dir).code).toBe(0);
      return readJsonl(join(dir, 'runs/tiny/results.jsonl')).sort((a, b) => a.runId.localeCompare(b.runId));
    };
    const stacked = rows([]);
    const alone = rows(['--stack-seeds', '1']);
    expect(stacked.map((r) => r.training.stack?.seeds)).toEqual(Array(24).fill(4));
    expect(alone.map((r) => r.training.stack)).toEqual(Array(24).fill(undefined));
    // Per seed: the lottery runs' levels train as stacks of 2–4, fine-tuning alone (one run asks).
    const stacks = (rows: Record<string, any>[]) => rows.flatMap((r) => (r.pruning.trainings ?? []).map((t: any) => t.stack?.seeds ?? 1));
    expect(Math.max(...stacks(stacked))).toBe(4);
    expect(new Set(stacks(alone))).toEqual(new Set([1]));
    // Everything but what is timed: same to the bit.
    const numbers = (r: Record<string, any>) =>
      JSON.stringify(r, (key, value) =>
        /time|Ms$|memory|Bytes|rss|realisedShare|stack|At$|latency|throughput|speed/i.test(key) ? undefined : value,
      );
    expect(stacked.map(numbers)).toEqual(alone.map(numbers));
    expect(stacked.every((r) => r.training.cached === false)).toBe(true);
  });
});

test('output into a pipe with a slow reader is never cut: plan of a 1,000-run grid arrives whole', () => {
  const dir = tempDir();
  const seeds = Array.from({ length: 50 }, (_, i) => i + 1).join(', ');
  const percentiles = Array.from({ length: 20 }, (_, i) => 5 * i + 2).join(', ');
  writeSpec(dir, tinySpec({ seeds: `[${seeds}]`, prune: `{plugin: magnitude, percentile: [${percentiles}]}` }));
  // The reader sleeps before it reads: the pipe fills (the plan is over 100 KB) and runexp must
  // wait for it before it exits (it lost 395 of 1,005 lines before).
  const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" plan spec.yaml | (sleep 3; grep -c '^todo ')`], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  expect(piped.stdout.trim()).toBe('1000');
}, 60_000);
