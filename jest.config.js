// Native ESM Jest (npm test sets --experimental-vm-modules) with SWC compiling TypeScript.
export default {
  testEnvironment: 'node',
  // `runexp/*` imported by test fixtures means the TypeScript sources, as in a checkout's CLI.
  testEnvironmentOptions: { customExportConditions: ['node', 'node-addons', 'runexp-source'] },
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Builds dist/ once; the CLI the tests start runs it (test/helpers/global-setup.mjs).
  globalSetup: '<rootDir>/test/helpers/global-setup.mjs',
  testTimeout: 120_000,
  // Three test files at a time on the 2-core CI machine: 373 s against 435 s with two (and 358 s
  // against 282 s for one against two, earlier). The e2e files spend much of their time waiting on
  // the runexp processes they start: for a deadline to pass, a signal to be answered, Redis.
  maxWorkers: 3,
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.cjs'],
};
