// Native ESM Jest (npm test sets --experimental-vm-modules) with SWC compiling TypeScript.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 120_000,
  // Two test files at a time on the 2-core CI machine: 282 s against 358 s with jest's default of one
  // (cores − 1). The e2e files mostly wait on the runexp processes they start.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.cjs'],
};
