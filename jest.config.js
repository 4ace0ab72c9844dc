/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The cluster suite has its own config (test/cluster/jest.config.js) and runs after this one.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
  // Every temporary file of the run goes into one directory that is removed at the end (test/setup/temp-dir.js).
  globalSetup: '<rootDir>/test/setup/temp-dir-setup.js',
  globalTeardown: '<rootDir>/test/setup/temp-dir-teardown.js',
  testTimeout: 60000,
  // Both cores: the real-server and package tests wait on other processes most of the time.
  maxWorkers: 2,
};
