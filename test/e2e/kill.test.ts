// A short run of the kill -9 loop (test/kill/kill9.ts runs 20 or more: `npm run test:kill`).
import { killLoop } from '../kill/kill9.ts';

test('kill -9 during a grid loses nothing and does nothing twice', async () => {
  const report = await killLoop(4, 7);
  expect(report.kills).toBe(4);
  expect(report.finishedBeforeLastKill).toBeGreaterThan(0);
  expect(report.lost).toBe(0);
  expect(report.doneTwice).toBe(0);
  expect(report.total).toBe(80);
}, 240_000);
