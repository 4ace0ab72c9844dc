/**
 * The cluster suite (`npm run test:cluster`): brings up the test cluster once (global setup),
 * runs the e2e files in name order, one at a time, against it, and takes it down (global
 * teardown). The reporter writes output/report.json and prints a table of phases and checks.
 */
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster/e2e'],
  testMatch: ['**/*.e2e.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testSequencer: '<rootDir>/test/cluster/sequencer.js',
  globalSetup: '<rootDir>/test/cluster/global-setup.js',
  globalTeardown: '<rootDir>/test/cluster/global-teardown.js',
  reporters: ['default', '<rootDir>/test/cluster/reporter.js'],
  maxWorkers: 1,
  testTimeout: 10 * 60 * 1000,
  // A failed release's later checks still run and report; nothing is retried.
  bail: 0,
};
