// Before any test file: build dist/ once, and have every runexp the tests start run it
// (RUNEXP_DIST=1, bin/runexp.js): the tests then check the JavaScript the package ships, and each
// CLI process and worker thread starts in about half the time of the TypeScript sources (see
// cli/process.js). RUNEXP_TEST_SOURCE=1 runs the sources instead; the package test uses the build.
import { execFileSync } from 'node:child_process';

export default function globalSetup() {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (process.env.RUNEXP_TEST_SOURCE !== '1') process.env.RUNEXP_DIST = '1';
}
