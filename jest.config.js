// Native ESM Jest (npm test sets --experimental-vm-modules) with SWC compiling TypeScript.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 120_000,
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.cjs'],
};
