import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1150, height: 1600 } });
await page.goto('file:///work/main/reports/paper-rigorous/index.html');
await page.waitForTimeout(2500);
const h = await page.evaluate(() => document.body.scrollHeight);
for (let i = 0; i * 1600 < h; i++) { await page.evaluate((y) => window.scrollTo(0, y), i * 1600); await page.waitForTimeout(200); await page.screenshot({ path: `/tmp/shot-${i}.png` }); }
console.log(h);
await browser.close();
