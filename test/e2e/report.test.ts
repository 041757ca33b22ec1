// The HTML report from a real (tiny) run: files on disk, the index page, and a real browser that
// opens it from file:// with no network.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumAvailable, CHROMIUM, visitReport } from '../helpers/browser.ts';
import { runCli, tempDir, tinySpec, writeSpec } from '../helpers/cli.ts';

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
  expect(ids).toEqual(['weights-dense', 'weights-dense-fate', 'data-size', 'predictions', 'layers', 'sizes', 'methods-accuracy', 'methods-pareto-nonzero', 'methods-pareto-latency', 'skill', 'axis-days', 'axis-percentile']);
  const files = readdirSync(join(dir, 'reports/tiny/charts'));
  for (const id of ids) {
    expect(files).toContain(`${id}.vl.json`);
    expect(readFileSync(join(dir, 'reports/tiny/charts', `${id}.svg`), 'utf8')).toMatch(/^<svg[^>]*>.*<\/svg>$/s);
  }
  expect(html).toContain('Models: mean over 2 seeds with a 95% interval.');
  // baselines, p-values and verdicts
  expect(html).toContain('<tr class="baseline"><td>Baseline: persistence</td>');
  expect(html).toMatch(/<li[^>]*>compact vs original: (better|worse|no significant difference), p = [\d.e-]+ \(paired t-test of MSE over 2 seeds\)<\/li>/);
  expect(html).toMatch(/original vs persistence: (better|worse|no significant difference), p = /);
  expect(html).not.toMatch(/<script[^>]+src=/); // everything inlined
  const index = readFileSync(join(dir, 'reports/index.html'), 'utf8');
  expect(index).toContain('<a href="tiny/index.html">tiny</a>');
  expect(index).toContain('8 ok');
});

test('runexp report <dir> --reports DIR writes elsewhere; a bad directory is a clear error', () => {
  const other = runCli(['report', 'runs/tiny', '--reports', 'elsewhere'], dir);
  expect(other.code).toBe(0);
  expect(existsSync(join(dir, 'elsewhere/tiny/index.html'))).toBe(true);
  const bad = runCli(['report', 'no-such-dir'], dir);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('is not a runexp output directory');
});

// Outside CI a missing Chromium skips the browser test (and says so); in CI it fails it.
const inCi = process.env.CI === 'true';
const browserTest = chromiumAvailable || inCi ? test : test.skip;
if (!chromiumAvailable) {
  console.warn(`${inCi ? 'failing' : 'skipping'} the browser test: no Chromium at ${CHROMIUM} (install Debian's chromium, or set CHROMIUM_PATH)`);
}

browserTest('opens from file:// in headless Chromium: every chart rendered, no errors, no network', async () => {
  const visit = await visitReport(join(dir, 'reports/tiny/index.html'), join(dir, 'reports/tiny/screenshot.png'));
  expect(visit.consoleErrors).toEqual([]);
  expect(visit.networkRequests).toEqual([]);
  expect(visit.charts).toHaveLength(12);
  for (const chart of visit.charts) expect(chart.marks).toBeGreaterThan(0);
  expect(existsSync(join(dir, 'reports/tiny/screenshot.png'))).toBe(true);
});
