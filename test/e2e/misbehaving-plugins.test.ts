// Plugins that misbehave: one that never settles, or keeps its thread busy, fails its own run with
// E_TIMEOUT (naming the plugin and stage) while the rest of the grid goes on; one that leaks
// tensors fails its run with E_LEAK and its worker is replaced; one that calls process.exit(0)
// while it loads or fetches is an error (exit 2), not a silent success.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, readJsonl, runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

const hangingPruner = (marker: string) =>
  `{plugin: ${join(FIXTURES, 'plugins/faulty-prune.ts')}, percentile: 50, marker: ${marker}, fault: hang}`;

test.each([['a worker thread', ['--workers', '1']]])(
  'a pruner whose promise never settles times out in %s; the other runs finish',
  (_where, flags) => {
    const dir = tempDir();
    writeSpec(
      dir,
      `${tinySpec({ prune: `[{plugin: magnitude, percentile: 35}, ${hangingPruner(join(dir, 'spec.yaml'))}]` })}timeouts: {prune: 2}\n`,
    );
    const started = Date.now();
    const run = runCli(['spec.yaml', '--no-report', ...flags], dir);
    expect(run.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(60_000);
    const rows = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
    expect(rows.map((r) => r.status).sort()).toEqual(['failed', 'ok']);
    const failed = rows.find((r) => r.status === 'failed')!;
    expect(failed.error).toMatchObject({
      code: 'E_TIMEOUT',
      stage: 'prune',
      plugin: 'faulty-magnitude',
      message: 'the prune plugin "faulty-magnitude" did not finish within 2 s',
    });
    expect(run.stdout).toContain('raise timeouts.prune');
  },
  120_000,
);

// Code that keeps its thread busy never lets the stage's own timer fire: the launcher stops the thread.
test('the built-in trainer asked for 1e9 epochs is stopped at its timeout: its runs fail with E_TIMEOUT', () => {
  const dir = tempDir();
  writeSpec(dir, `${tinySpec({ train: '{plugin: tfjs, epochs: 1000000000, earlyStopping: false}' })}timeouts: {train: 2}\n`);
  const started = Date.now();
  const run = runCli(['spec.yaml', '--no-report', '--workers', '1'], dir);
  expect(run.code).toBe(1);
  expect(Date.now() - started).toBeLessThan(30_000);
  const rows = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
  expect(rows.map((r) => r.error)).toEqual(
    Array(2).fill(
      expect.objectContaining({
        code: 'E_TIMEOUT',
        stage: 'train',
        plugin: 'tfjs',
        message: 'the train plugin "tfjs" did not finish within 2 s; its thread was stopped',
      }),
    ),
  );
}, 60_000);

test('a measure plugin in a CPU loop is stopped at its timeout: its run fails with E_TIMEOUT, and the next run of its group finishes on a fresh thread', () => {
  const dir = tempDir();
  const marker = join(dir, 'spin-once');
  writeFileSync(marker, '');
  writeSpec(
    dir,
    `${tinySpec({ measure: `{plugin: ${join(FIXTURES, 'plugins/faulty-measure.ts')}, marker: ${marker}, fault: spin-once, warmup: 1, repeats: 2}` })}timeouts: {measure: 2}\n`,
  );
  const run = runCli(['spec.yaml', '--no-report', '--workers', '1'], dir);
  expect(run.code).toBe(1);
  const rows = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
  expect(rows.map((r) => r.status)).toEqual(['failed', 'ok']);
  expect(rows[0].error).toMatchObject({
    code: 'E_TIMEOUT',
    stage: 'measure',
    plugin: 'faulty-standard',
    message: 'the measure plugin "faulty-standard" did not finish within 2 s; its thread was stopped',
  });
}, 60_000);

test.each([
  [
    'while it loads',
    { prune: `{plugin: ${join(FIXTURES, 'plugins/exits-on-import.ts')}}` },
    /prune\.plugin: the plugin called process\.exit\(0\)/,
  ],
  ['in its fetch', {}, /data\.source: cannot load data: the plugin called process\.exit\(0\)/],
])(
  'a plugin that calls process.exit(0) %s fails validate and the run with exit 2',
  (_when, parts, message) => {
    const dir = tempDir();
    let spec = tinySpec(parts);
    if (!('prune' in parts))
      spec = spec.replace('  ticker: SPY', `  ticker: SPY\n  source: {plugin: ${join(FIXTURES, 'plugins/fetch-exits.ts')}}`);
    writeSpec(dir, spec);
    for (const args of [['validate', 'spec.yaml'], ['spec.yaml']]) {
      const run = runCli(args, dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toContain('it must not end the process');
    }
  },
  60_000,
);

test.each([
  ['a worker thread', ['--workers', '1'], 'its worker is replaced by a fresh one'],
  ['this process', ['--workers', '0'], 'the rest of its group goes on in this process'],
])(
  'a pruner that leaks a tensor fails its run with E_LEAK in %s; the later runs of its group finish',
  (_where, flags, after) => {
    const dir = tempDir();
    writeSpec(
      dir,
      tinySpec({
        prune: `[{plugin: magnitude, percentile: 35}, ${join(FIXTURES, 'plugins/leaky-prune.ts')}, {plugin: magnitude, percentile: 50}]`,
      }),
    );
    const started = Date.now();
    const run = runCli(['spec.yaml', '--no-report', ...flags], dir);
    // The retiring worker waits up to 30 s to be replaced: a quick finish shows it was.
    expect(Date.now() - started).toBeLessThan(28_000);
    expect(run.code).toBe(1);
    const rows = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
    expect(rows.map((r) => r.params.pruner)).toEqual(['magnitude', 'leaky', 'magnitude']);
    expect(rows.map((r) => r.status)).toEqual(['ok', 'failed', 'ok']);
    expect(rows[1].error.code).toBe('E_LEAK');
    expect(rows[1].error.message).toBe('the run left 1 tensor undisposed (plugins: leaky, copy, standard); its worker is replaced');
    expect(run.stderr).toContain(`runexp: run ${rows[1].runId} leaked 1 tensor: ${after}`);
  },
  60_000,
);

test("a pruner that leaks while its training is stacked with other runs' fails alone, with its own log; the runs it was stacked with keep their numbers", () => {
  const dir = tempDir();
  const leaky = `{plugin: ${join(FIXTURES, 'plugins/leaky-prune.ts')}, percentile: 50, train: true}`;
  writeSpec(
    dir,
    tinySpec({ prune: `[{plugin: finetune, sparsity: 0.5, epochs: 1}, ${leaky}, {plugin: finetune, sparsity: 0.9, epochs: 1}]` }),
  );
  const run = runCli(['spec.yaml', '--no-report', '--workers', '1'], dir);
  expect(run.code).toBe(1);
  const rows = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
  const byPruner = (name: string) => rows.filter((r) => r.params.pruner === name);
  expect(byPruner('leaky').map((r) => [r.status, r.error?.code, r.error?.message])).toEqual([
    ['failed', 'E_LEAK', 'the run left 1 tensor undisposed (plugins: leaky, copy, standard); its worker is replaced'],
  ]);
  // Its log lines are its record's, though the other runs ran between them.
  expect(byPruner('leaky')[0].log.lines).toEqual(['leaky: before its training', 'leaky: after its training']);
  const tuned = byPruner('finetune');
  expect(tuned.map((r) => [r.status, r.log])).toEqual([
    ['ok', undefined],
    ['ok', undefined],
  ]);
  // The first fine-tuning was stacked with the leaky pruner's and the other's (3); the run left
  // when the worker retired trains alone in a fresh worker, to the same numbers as a run alone.
  expect(tuned.map((r) => r.pruning.trainings[0].stack?.seeds ?? 1).sort()).toEqual([1, 3]);
  const alone = tempDir();
  writeSpec(alone, tinySpec({ prune: '[{plugin: finetune, sparsity: 0.5, epochs: 1}, {plugin: finetune, sparsity: 0.9, epochs: 1}]' }));
  expect(runCli(['spec.yaml', '--no-report', '--workers', '1', '--stack-seeds', '1'], alone).code).toBe(0);
  const losses = (rs: Record<string, any>[]) =>
    rs.map((r) => [r.params.sparsity ?? r.declared?.sparsity, r.pruning.trainings[0].loss, r.compact.mse]).sort();
  expect(losses(tuned)).toEqual(losses(readJsonl(join(alone, 'runs/tiny/results.jsonl'))));
}, 60_000);

test('a trainer that leaks a tensor: its runs are fine, but its worker is replaced', () => {
  const dir = tempDir();
  writeSpec(
    dir,
    tinySpec({
      train: `{plugin: ${join(FIXTURES, 'plugins/faulty-train.ts')}, marker: ${join(dir, 'spec.yaml')}, fault: leak, epochs: 2, earlyStopping: false}`,
    }),
  );
  const run = runCli(['spec.yaml', '--no-report', '--workers', '1'], dir);
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(
    /runexp: group [0-9a-f]+ \(window minmax, train faulty-tfjs\) left 1 tensor undisposed: its worker is replaced by a fresh one/,
  );
}, 60_000);

test("a plugin's own error comes first with its file:line, the leak it left is a second line; an original changed in place fails that run and is put back; changed biases warn", () => {
  const dir = tempDir();
  const fixture = (name: string, options = '') => `{plugin: ${join(FIXTURES, `plugins/${name}.ts`)}${options}}`;
  writeSpec(
    dir,
    tinySpec({
      prune: `[${fixture('throws-after-copy')}, ${fixture('in-place')}, {plugin: magnitude, percentile: 35}, ${fixture('in-place', ', copy: true')}, ${fixture('zeroes-biases')}]`,
    }),
  );
  const run = runCli(['spec.yaml', '--no-report', '--workers', '1'], dir);
  expect(run.code).toBe(1);
  const rows = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
  const of = (pruner: string, copy?: boolean) => rows.find((r) => r.params.pruner === pruner && r.params.prune.copy === copy)!;
  const threw = of('throws-after-copy');
  expect(threw.error).toMatchObject({
    stage: 'prune',
    plugin: 'throws-after-copy',
    message: "Cannot read properties of undefined (reading 'length')",
  });
  expect(threw.error.at).toMatch(/test\/fixtures\/plugins\/throws-after-copy\.ts:15:\d+$/);
  expect(threw.error.afterwards).toBe(
    'while unwinding, the run left 6 tensors undisposed (plugins: throws-after-copy, copy, standard); its worker is replaced',
  );
  expect(run.stdout).toMatch(
    /FAILED \w+: \[prune\] plugin "throws-after-copy" at \S+throws-after-copy\.ts:15:\d+: Cannot read properties of undefined \(reading 'length'\)\n {2}afterwards: while unwinding, the run left 6 tensors/,
  );
  expect(of('in-place', false).error.message).toBe('the prune plugin returned the original model itself (req.model), not a copy');
  expect(of('in-place', true).error.message).toBe(
    'the prune plugin modified the original model in place (8,400 weight values changed), so it is no longer the original',
  );
  // Every ok run measured the same, untouched original.
  const ok = rows.filter((r) => r.status === 'ok');
  expect(ok.map((r) => r.params.pruner).sort()).toEqual(['magnitude', 'zeroes-biases']);
  expect(new Set(ok.map((r) => r.original.mse)).size).toBe(1);
  expect(of('zeroes-biases').untouchedWeightsChanged).toBeGreaterThan(0);
  expect(run.stdout).toMatch(
    /WARNING: in 1 configuration the pruner changed weights outside the kernels it pruned \(other layers or biases\), though it does not declare that it retrains them: SPY 120d paper zeroes-biases/,
  );
  // The report: the grid as planned (pruners that finished nothing included), the failure's cause and where, the warning.
  expect(runCli(['report', 'runs/tiny'], dir).code).toBe(0);
  // Only the page's own text: matching the whole page would print its inlined vega bundles on failure.
  const html = readFileSync(join(dir, 'reports/tiny/index.html'), 'utf8').replace(/<script>[\s\S]*?<\/script>/g, '');
  expect(/<th>grid<\/th><td>([^<]*)/.exec(html)?.[1]).toBe(
    '1 ticker (SPY); 1 data size (120); 1 architecture (paper); 4 pruners (magnitude, zeroes-biases, throws-after-copy, in-place; no finished run for throws-after-copy, in-place); 1 percentile (35); 1 seed (1)',
  );
  expect(
    /\[prune\] plugin &quot;throws-after-copy&quot; at \S+throws-after-copy\.ts:15:\d+: Cannot read properties of undefined \(reading &#39;length&#39;\)<br>afterwards: while unwinding/.test(
      html,
    ),
  ).toBe(true);
  expect(html.includes('<b>Warning:</b> in 1 of 1 run the pruner changed values outside the kernels it pruned')).toBe(true);
}, 120_000);

test('a plugin that logs 5 MB shows and keeps the first 64 KB of it; the rest is counted, in the record and in one line', () => {
  const dir = tempDir();
  writeSpec(dir, tinySpec({ prune: `${join(FIXTURES, 'plugins/chatty-prune.ts')}` }));
  const run = runCli(['spec.yaml', '--no-report', '--workers', '1'], dir);
  expect(run.code).toBe(0);
  const [record] = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
  const kept = record.log.lines as string[];
  expect(kept[0]).toBe(`chatty line 000000: ${'.'.repeat(30)}`);
  expect(kept.reduce((n, l) => n + l.length + 1, 0)).toBeLessThanOrEqual(64 * 1024);
  expect(kept.length + record.log.droppedLines).toBe(100_000);
  const shown = `${run.stdout}${run.stderr}`.split('\n').filter((l) => l.includes('chatty line'));
  expect(shown.length).toBe(kept.length);
  expect(`${run.stdout}${run.stderr}`).toContain(`runexp: ${record.log.droppedLines.toLocaleString('en-US')} more log lines`);
}, 60_000);

test("counts come from the model, never on a pruner's word: each lie fails its run naming the plugin and both numbers", () => {
  const dir = tempDir();
  const liar = (lie: string) => `{plugin: ${join(FIXTURES, 'plugins/liar.ts')}, lie: ${lie}}`;
  writeSpec(
    dir,
    tinySpec({ seeds: '[1, 2]', prune: `[${['double-total', 'other-layer', 'fake-retrain', 'seed-2'].map(liar).join(', ')}]` }),
  );
  const run = runCli(['spec.yaml', '--no-report', '--workers', '1'], dir);
  expect(run.code).toBe(1);
  const rows = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
  const error = (lie: string, seed: number) => rows.find((r) => r.params.prune.lie === lie && r.params.seed === seed)!.error;
  expect(error('double-total', 1)).toMatchObject({
    stage: 'prune',
    plugin: 'liar',
    message: 'the prune plugin reported 16,800 weights for layer dense, whose kernel has 8,400',
  });
  // It pruned the output layer (120 weights) and called it dense.
  expect(error('other-layer', 1).message).toBe('the prune plugin reported 120 weights for layer dense, whose kernel has 8,400');
  expect(error('fake-retrain', 1).message).toMatch(/^the prune plugin set 5 weights of layer conv1d to 0 but reports only dense$/);
  // Honest for seed 1, lying for seed 2.
  expect(rows.find((r) => r.params.prune.lie === 'seed-2' && r.params.seed === 1)!.status).toBe('ok');
  expect(error('seed-2', 2).message).toBe(
    'the prune plugin reported 4,200 of 8,400 weights kept in layer dense, but the model holds 8,400 non-zero',
  );
}, 120_000);

test('a pruner whose mask never came (its training ended first, or a restore undid it) fails its run instead of being recorded as pruned', () => {
  const dir = tempDir();
  // One epoch: late-masks masks from the second epoch on, so its model holds no zeros.
  writeSpec(
    dir,
    tinySpec({
      prune: `{plugin: ${join(FIXTURES, 'plugins/late-masks.ts')}, sparsity: 0.5}`,
      train: '{plugin: tfjs, epochs: 1, earlyStopping: false}',
    }),
  );
  const run = runCli(['spec.yaml', '--no-report', '--workers', '0'], dir);
  expect(run.code).toBe(1);
  const [row] = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
  expect(row.error).toMatchObject({
    stage: 'prune',
    plugin: 'late-masks',
    message:
      "the prune plugin's model does not hold the sparsity it was asked for: expected 50.0% removed, saw 0.0% of 8400 targeted weights removed (dense 8400/8400 kept)",
  });
}, 60_000);

test.each([
  [
    'window',
    { window: `${join(FIXTURES, 'plugins/short-window.ts')}` },
    { stage: 'window', plugin: 'short-window', message: 'the window plugin returned train.y with 83 targets for 84 windows' },
  ],
  [
    'compact',
    { compact: `{plugin: ${join(FIXTURES, 'plugins/odd-compactor.ts')}, mode: 'null'}` },
    { stage: 'compact', plugin: 'odd-compactor', message: 'the compact plugin returned a result whose model is null' },
  ],
  [
    'measure',
    { measure: `${join(FIXTURES, 'plugins/reportless-measure.ts')}` },
    { stage: 'measure', plugin: 'reportless', message: 'the measure plugin returned no report for the compact model (reports.compact)' },
  ],
])(
  'a %s plugin returning the wrong shape fails its run naming itself and its stage',
  (_slot, parts, error) => {
    const dir = tempDir();
    writeSpec(dir, tinySpec({ prune: '{plugin: magnitude, percentile: 35}', ...parts }));
    const run = runCli(['spec.yaml', '--no-report', '--workers', '1'], dir);
    expect(run.code).toBe(1);
    const [row] = readJsonl(join(dir, 'runs/tiny/results.jsonl'));
    expect(row.error).toMatchObject(error);
  },
  60_000,
);

test("a pruner's declaration that breaks the contract is a located spec problem at validate time", () => {
  const dir = tempDir();
  writeSpec(dir, tinySpec({ prune: `{plugin: ${join(FIXTURES, 'plugins/percent-declaration.ts')}, percentile: 35}` }));
  const r = runCli(['validate', 'spec.yaml'], dir);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(
    /spec\.yaml:\d+:\d+ +prune\.plugin: the prune plugin's declares\(\) gave sparsity 35; it must be a number from 0 to 1/,
  );
  expect(r.stderr).toContain('see PrunerDeclaration in runexp/plugin');
}, 60_000);
