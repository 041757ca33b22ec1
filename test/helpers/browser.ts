// Opens a page from file:// in Debian's headless Chromium through playwright-core, recording
// console errors and every request that is not for a local file.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);

export interface PageVisit {
  consoleErrors: string[];
  networkRequests: string[];
  charts: { id: string; marks: number }[];
  /** Pairs of tick labels of one axis drawn over each other, as "chart: a / b". */
  overlappingLabels: string[];
  /** The live-progress banner's text, or null when the page has none. */
  banner: string | null;
  /** Pixels the page is wider than the window (1200 px): 0 when nothing makes it scroll sideways. */
  pageOverflow: number;
  /** Table 1 tables wider than the page's text column, in pixels beyond it. */
  wideTables: number[];
  /** Each configuration picker: its chart, how many options, and whether picking the second redrew the chart. */
  pickers: { id: string; options: number; changed: boolean }[];
}

/** Where screenshots go for CI to keep: test-artifacts/screenshots/ in the repository (ignored by git). */
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'screenshots');

/** Runs in the page: what one chart draws (paths, positions and texts), to tell whether a pick changed it. */
const drawing = (id: string) =>
  `(() => { const svg = document.querySelector('#${id} svg'); return svg ? [...svg.querySelectorAll('path, text, line, rect')].map((e) => (e.getAttribute('d') || '') + (e.getAttribute('transform') || '') + e.textContent).join('|') : ''; })()`;

/** Runs in the page: how far the page, and each Table 1, reach beyond where they should end. */
const WIDTHS = `(() => ({
  pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
  wideTables: [...document.querySelectorAll('table.table1')].map((t) => t.scrollWidth - t.parentElement.clientWidth).filter((over) => over > 0),
}))()`;

/** Runs in the page: visible tick labels of the same axis whose boxes intersect. */
const OVERLAPS = `(() => {
  const found = [];
  for (const chart of document.querySelectorAll('.chart')) {
    for (const axis of chart.querySelectorAll('g.role-axis')) {
      const labels = [...axis.querySelectorAll('g.role-axis-label text')]
        .filter((t) => t.getAttribute('opacity') !== '0' && getComputedStyle(t).opacity !== '0' && t.textContent.trim() !== '')
        .map((t) => ({ text: t.textContent, box: t.getBoundingClientRect() }));
      for (let i = 0; i < labels.length; i++)
        for (let j = i + 1; j < labels.length; j++) {
          const a = labels[i].box, b = labels[j].box;
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (w > 1 && h > 1) found.push(chart.id + ': ' + labels[i].text + ' / ' + labels[j].text);
        }
    }
  }
  return found;
})()`;

export async function visitReport(file: string, screenshot: string): Promise<PageVisit> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const consoleErrors: string[] = [];
    const networkRequests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => !/^(file|data|blob):/.test(r.url()) && networkRequests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // Every chart container holds an SVG, or the error text the page writes when one fails.
    await page.waitForFunction(
      "[...document.querySelectorAll('.chart')].every((c) => c.querySelector('svg') || c.textContent)",
      undefined,
      { timeout: 30_000 },
    );
    const charts = await page.$$eval('.chart', (els) =>
      // Data marks only (role-mark), not axes, legends or titles.
      els.map((el) => ({ id: el.id, marks: el.querySelectorAll('svg g.role-mark > *').length })),
    );
    const overlappingLabels = (await page.evaluate(OVERLAPS)) as string[];
    // Every configuration picker: pick its second option and see the chart redraw.
    const pickers: PageVisit['pickers'] = [];
    for (const select of await page.$$('.chart .vega-bindings select')) {
      const id = await select.evaluate((el) => el.closest('.chart')!.id);
      const options = await select.evaluate((el) => (el as unknown as { options: { length: number } }).options.length);
      if (!/configuration/.test(await select.evaluate((el) => el.parentElement!.textContent ?? ''))) continue;
      const before = (await page.evaluate(drawing(id))) as string;
      await select.selectOption({ index: 1 });
      await page.waitForTimeout(300);
      pickers.push({ id, options, changed: ((await page.evaluate(drawing(id))) as string) !== before });
      await select.selectOption({ index: 0 });
    }
    const banner = await page.$eval('#live-banner', (el) => el.textContent).catch(() => null);
    // Open every folded table first: a closed <details> has no width.
    await page.$$eval('details', (els) => els.forEach((d) => d.setAttribute('open', '')));
    const { pageOverflow, wideTables } = (await page.evaluate(WIDTHS)) as { pageOverflow: number; wideTables: number[] };
    await page.screenshot({ path: screenshot, fullPage: true });
    // A copy where CI keeps it, named after the report.
    mkdirSync(ARTIFACTS, { recursive: true });
    copyFileSync(screenshot, join(ARTIFACTS, basename(screenshot)));
    return { consoleErrors, networkRequests, charts, overlappingLabels, banner, pageOverflow, wideTables, pickers };
  } finally {
    await browser.close();
  }
}
