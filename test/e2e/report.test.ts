// The HTML report from a real (tiny) run: files on disk, the index page, and a real browser that
// opens it from file:// with no network.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumAvailable, CHROMIUM, visitReport } from '../helpers/browser.ts';
import { BIN, runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

const dir = tempDir('runexp-report-');
writeSpec(dir, tinySpec({ seeds: '[1, 3]' }).replace('days: 120', 'days: [120, 160]'));
let run: ReturnType<typeof runCli>;

beforeAll(() => {
  run = runCli(['spec.yaml'], dir);
});

test('a run writes its report, each chart beside it as .vl.json and .svg', () => {
  expect(run.code).toBe(0);
  const page = join(dir, 'reports/tiny/index.html');
  expect(run.stdout).toContain(`report: ${page}`);
  const html = readFileSync(page, 'utf8');
  const ids = [...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]);
  expect(ids).toEqual([
    'weights-dense',
    'weights-dense-fate',
    'data-size',
    'predictions',
    'loss',
    'layers',
    'sizes',
    'methods-accuracy',
    'methods-pareto-nonzero',
    'methods-pareto-latency',
    'equity',
    'skill',
    'forest',
    'axis-days',
    'axis-percentile',
  ]);
  // Trading on the forecasts: buy and hold once per test period (two data sizes, one test year),
  // one dense original per size (shared by its two percentiles), a compact per configuration: 6 tests a question.
  expect(html).toContain('<h2 id="trading">Trading on the forecasts</h2>');
  // (a model always in cash has no Sharpe ratio to test: tiny models, trained 2 epochs, often are.)
  expect(html).toMatch(/Families: Sharpe vs buy and hold [0-6] tests?, vs cash [0-6];/);
  expect(html.match(/the dense original of 2 configurations/g)).toHaveLength(2);
  // (a seed always in cash has no Sharpe ratio: the row says so, and shows the other seeds' mean.)
  expect(html.match(/<td>compact <small>\(2 seeds(, [12] always in cash)?\)<\/small><\/td>/g)).toHaveLength(4);
  // Every comparison with raw and adjusted p-values, and each configuration's Model Confidence Set.
  expect(html).toContain('<h2 id="statistics">Effect sizes and tests</h2>');
  expect(html).toMatch(/<th>Holm p \(family, tests\)<\/th><th>BH p<\/th>/);
  expect(html).toContain('<th>MCS p</th>');
  const files = readdirSync(join(dir, 'reports/tiny/charts'));
  for (const id of ids) {
    expect(files).toContain(`${id}.vl.json`);
    expect(readFileSync(join(dir, 'reports/tiny/charts', `${id}.svg`), 'utf8')).toMatch(/^<svg[^>]*>.*<\/svg>$/s);
  }
  expect(html).toContain('Models over 2 seeds: errors (MSE, RMSE, MAE, MASE) as their geometric mean');
  // baselines, p-values and verdicts
  expect(html).toContain('<tr class="baseline"><td>Baseline: persistence</td>');
  // One family per question, each distinct test once: 4 configurations, 2 trainings (one per size).
  expect(html).toMatch(
    /<li[^>]*>compact vs original: (better|worse|no significant difference) \(MSE ratio [\d.e+-]+ \[[\d.e+-]+, [\d.e+-]+\]\), p = [\d.e-]+, Holm p = [\d.e-]+ of 4 in &#39;compact vs original&#39;; seeds-and-days t \(log MSE ratio\), 2 seeds × \d+ days<\/li>/,
  );
  const { comparisons } = JSON.parse(readFileSync(join(dir, 'reports/tiny/comparisons.json'), 'utf8'));
  expect(comparisons).toHaveLength(12);
  expect(new Set(comparisons.map((c: { family: string; familySize: number }) => `${c.family}: ${c.familySize}`))).toEqual(
    new Set(['compact vs original: 4', 'vs persistence: 6']),
  );
  for (const c of comparisons) {
    expect(c).toMatchObject({ test: 'seeds-and-days t (log MSE ratio)', seeds: 2 });
    expect(c.p).toBeGreaterThan(0);
    expect(c.holm).toBeGreaterThanOrEqual(c.p);
    expect(c.runIds).toHaveLength(2);
  }
  expect(html).toMatch(/original vs persistence: (better|worse|no significant difference) \(MSE ratio /);
  expect(html).not.toMatch(/<script[^>]+src=/); // everything inlined
  const index = readFileSync(join(dir, 'reports/index.html'), 'utf8');
  expect(index).toContain('<a href="tiny/index.html">tiny</a>');
  expect(index).toContain('8 ok');
  // Table 1 for each of the 4 configurations (2 sizes × 2 percentiles), the headline's open; the
  // index lists all 4 with means over their 2 seeds.
  expect(html.match(/<details class="table1"/g)).toHaveLength(4);
  expect(html.match(/<details class="table1" open>/g)).toHaveLength(1);
  expect(html).toMatch(/<td>[\d.,]+<br><small>\[[\d.,]+, [\d.,]+\]<\/small><\/td>/);
  expect(index).toContain('<table class="index">');
  const configRows = [
    ...index.matchAll(/<tr><td>(?:<a[^>]*>tiny<\/a>)?<\/td><td>[^<]*<\/td><td>[^<]*<\/td><td>([^<]+)<\/td><td>2<\/td>/g),
  ].map((m) => m[1]);
  expect(configRows).toHaveLength(4);
  expect(new Set(configRows).size).toBe(4);
});

test('runexp report <dir> --reports DIR writes elsewhere; a bad directory or reports folder is a clear error', () => {
  // Another experiment's damaged summary.json never blocks this report: it is left out of the index, with a line.
  mkdirSync(join(dir, 'elsewhere/broken'), { recursive: true });
  writeFileSync(join(dir, 'elsewhere/broken/summary.json'), '{"experiment": "broken", ');
  const other = runCli(['report', 'runs/tiny', '--reports', 'elsewhere'], dir);
  expect(other.code).toBe(0);
  expect(other.stderr).toMatch(
    /runexp: report: \S+elsewhere\/broken\/summary\.json cannot be read \(.*\); it is left out of reports\/index\.html \(write that report again\)/,
  );
  expect(readFileSync(join(dir, 'elsewhere/index.html'), 'utf8')).toContain('tiny/index.html');
  expect(existsSync(join(dir, 'elsewhere/tiny/index.html'))).toBe(true);
  const bad = runCli(['report', 'no-such-dir'], dir);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('is not a runexp output directory');
  // A reports folder under a file: exit 2 naming it, nothing half-written.
  writeFileSync(join(dir, 'a-file'), 'not a folder');
  const blocked = runCli(['report', 'runs/tiny', '--reports', 'a-file'], dir);
  expect(blocked.code).toBe(2);
  expect(blocked.stderr).toBe(
    'runexp: the reports folder a-file/tiny lies under a-file, which is a file\n  hint: give --reports a folder you can write, on a disk with free space\n',
  );
});

test('damaged run folders and a null score are named and left out, a damaged manifest is rebuilt; the report is still written; a rerun redoes them', () => {
  cpSync(join(dir, 'runs/tiny'), join(dir, 'runs/damaged'), { recursive: true });
  const [first, second] = readdirSync(join(dir, 'runs/damaged/runs')).sort();
  rmSync(join(dir, 'runs/damaged/runs', first, 'predictions.csv'));
  writeFileSync(join(dir, 'runs/damaged/runs', second, 'pruned-weights.json'), 'garbage{');
  writeFileSync(join(dir, 'runs/damaged/manifest.json'), '{}');
  // A line stored by an old version with a score of null (it used to crash every verdict).
  const lines = readFileSync(join(dir, 'runs/damaged/results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const third = lines.find((l) => l.runId !== first && l.runId !== second);
  third.compact.mse = null;
  writeFileSync(join(dir, 'runs/damaged/results.jsonl'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  const damaged = runCli(['report', 'runs/damaged', '--reports', 'damaged-reports'], dir);
  expect(damaged.code).toBe(0);
  const warnings = damaged.stderr.trim().split('\n');
  expect(warnings).toHaveLength(4);
  expect(warnings).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        /^runexp: report: .*runs\/damaged\/manifest\.json is damaged \(experiment: .*\); its provenance is shown as unknown$/,
      ),
      `runexp: report: run ${third.runId} left out: its line in results.jsonl holds scores that are not numbers (compact.mse); run the experiment again to redo it`,
      `runexp: report: run ${first} left out: ${join(dir, 'runs/damaged/runs', first, 'predictions.csv')} cannot be read (ENOENT); run the experiment again to redo it`,
      `runexp: report: run ${second} left out: ${join(dir, 'runs/damaged/runs', second, 'pruned-weights.json')} does not match its recorded checksum; run the experiment again to redo it`,
    ]),
  );
  const html = readFileSync(join(dir, 'damaged-reports/tiny/index.html'), 'utf8');
  expect(html).toContain('<th>runs</th><td>5 ok, 0 failed</td>');
  expect(html).toContain('Left out because damaged:');
  // A rerun redoes exactly the three left out (from the cached trainings).
  const rerun = runCli(['spec.yaml', '--out', 'runs/damaged', '--no-report'], dir);
  expect(rerun.code).toBe(0);
  expect(rerun.stderr).toContain('8 runs (5 already done)');
});

// Outside CI a missing Chromium skips the browser test (and says so); in CI it fails it.
const inCi = process.env.CI === 'true';
const browserTest = chromiumAvailable || inCi ? test : test.skip;
if (!chromiumAvailable) {
  console.warn(
    `${inCi ? 'failing' : 'skipping'} the browser test: no Chromium at ${CHROMIUM} (install Debian's chromium, or set CHROMIUM_PATH)`,
  );
}

browserTest('opens from file:// in headless Chromium: every chart rendered, no errors, no network', async () => {
  const visit = await visitReport(join(dir, 'reports/tiny/index.html'), join(dir, 'reports/tiny/screenshot.png'));
  expect(visit.consoleErrors).toEqual([]);
  expect(visit.networkRequests).toEqual([]);
  expect(visit.charts).toHaveLength(15);
  for (const chart of visit.charts) expect(chart.marks).toBeGreaterThan(0);
  // Figures 1, 2 and 4 and the equity curves pick one of the 4 configurations, the loss curves one
  // of its 2 data sizes' trainings (two percentiles share one): picking another redraws them.
  expect(visit.pickers).toEqual(
    [4, 4, 4, 2, 4].map((options, i) => ({
      id: `chart-${['weights-dense', 'weights-dense-fate', 'predictions', 'loss', 'equity'][i]}`,
      options,
      changed: true,
    })),
  );
  expect(visit.overlappingLabels).toEqual([]);
  // At 1200 px, every Table 1 (2 seeds: means with intervals) fits, and no table widens the page.
  expect(visit.wideTables).toEqual([]);
  expect(visit.pageOverflow).toBe(0);
  expect(visit.banner).toBeNull(); // the run has ended
  expect(existsSync(join(dir, 'reports/tiny/screenshot.png'))).toBe(true);
});

browserTest(
  'a grid of two data sizes × a random control: no chart averages over either, every interval is over seeds only',
  async () => {
    const grid = tempDir('runexp-control-');
    writeSpec(
      grid,
      tinySpec({ name: 'control', seeds: '[1, 2]', prune: '{plugin: magnitude, sparsity: [0.35, 0.7], control: [none, random]}' }).replace(
        'days: 120',
        'days: [120, 160]',
      ),
    );
    expect(runCli(['spec.yaml'], grid).code).toBe(0);
    const charts = join(grid, 'reports/control/charts');
    // Every aggregated point summarises the seeds of one configuration: n is never more than 2.
    for (const id of ['axis-days', 'axis-prune-sparsity', 'data-size', 'methods-accuracy']) {
      const spec = JSON.parse(readFileSync(join(charts, `${id}.vl.json`), 'utf8'));
      const rows = (spec.data?.values ?? spec.layer[0].data.values) as { n?: number; model?: string; method?: string }[];
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.n ?? 0).toBeLessThanOrEqual(2);
    }
    // The series say what tells them apart: the data size and the control.
    const models = (id: string) =>
      new Set((JSON.parse(readFileSync(join(charts, `${id}.vl.json`), 'utf8')).data.values as { model: string }[]).map((r) => r.model));
    expect(models('axis-prune-sparsity')).toEqual(
      new Set([
        'original (days 120)',
        'original (days 160)',
        'compact (days 120)',
        'compact (days 120, control random)',
        'compact (days 160)',
        'compact (days 160, control random)',
      ]),
    );
    expect(models('data-size')).toEqual(
      new Set([
        'original',
        'compact (sparsity 0.35)',
        'compact (sparsity 0.35, control random)',
        'compact (sparsity 0.7)',
        'compact (sparsity 0.7, control random)',
      ]),
    );
    const visit = await visitReport(join(grid, 'reports/control/index.html'), join(grid, 'reports/control/screenshot-control.png'));
    expect(visit.consoleErrors).toEqual([]);
    expect(visit.overlappingLabels).toEqual([]);
    for (const chart of visit.charts) expect(chart.marks).toBeGreaterThan(0);
    // 8 configurations; the loss curves: 2 trainings (the data sizes), the pruning shares them.
    expect(visit.pickers.map((p) => [p.options, p.changed]).slice(0, 4)).toEqual([
      [8, true],
      [8, true],
      [8, true],
      [2, true],
    ]);
    // The equity curves' picker offers the 8 configurations too (tiny models often sit in cash: the curves may not change).
    expect(visit.pickers[4].options).toBe(8);
  },
  120_000,
);

browserTest(
  'watch while it runs: the report is written at the start with a progress banner and reloads itself; the final one has neither',
  async () => {
    const live = tempDir('runexp-live-');
    writeSpec(
      live,
      tinySpec({ seeds: '[1, 2]', train: '{plugin: tfjs, epochs: 40, earlyStopping: false, redrawDeadInit: 5}' }).replace(
        'days: 120',
        'days: [120, 160]',
      ),
    );
    const child = spawn(process.execPath, [BIN, 'spec.yaml', '--workers', '1'], {
      cwd: live,
      env: { ...process.env, CI: 'true' },
      stdio: 'ignore',
    });
    const exited = new Promise((done) => child.on('exit', done));
    const page = join(live, 'reports/tiny/index.html');
    for (let i = 0; i < 600 && !(existsSync(page) && readFileSync(page, 'utf8').includes('id="live-banner"')); i++)
      await new Promise((r) => setTimeout(r, 100));
    const livePage = readFileSync(page, 'utf8');
    expect(livePage).toContain('setTimeout(() => location.reload(), 10000)');
    // No verdicts while runs arrive: a family is judged over the whole grid.
    expect(livePage).not.toMatch(/<li[^>]*>compact vs original: /);
    if (livePage.includes('<h2 id="table1">')) expect(livePage).toContain('Judged when the run ends');
    if (livePage.includes('<h2 id="table1">')) expect(livePage).toContain('Computed when the run ends, with its Sharpe tests');
    const during = await visitReport(page, join(live, 'reports/tiny/screenshot-running.png'));
    expect(during.banner).toMatch(/^Running: \d of 8 runs done · \d failed · 1 training group running(, \d waiting)? · ETA /);
    expect(during.consoleErrors).toEqual([]);
    expect(readFileSync(join(live, 'reports/index.html'), 'utf8')).toMatch(/ok \(running\)|<td>—<\/td>/);

    expect(await exited).toBe(0);
    const after = await visitReport(page, join(live, 'reports/tiny/screenshot-done.png'));
    expect(after.banner).toBeNull();
    expect(readFileSync(page, 'utf8')).not.toContain('location.reload()');
    expect(readFileSync(page, 'utf8')).toMatch(/<li[^>]*>compact vs original: /);
    expect(after.charts.length).toBeGreaterThan(0);
    expect(existsSync(join(live, 'reports/tiny/screenshot-running.png'))).toBe(true);
  },
  120_000,
);
