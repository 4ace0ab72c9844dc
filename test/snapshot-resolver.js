// Keeps every snapshot in the top-level __snapshots__/ folder, where reviewers expect it.
const path = require('path');

const root = path.resolve(__dirname, '..');
const dir = path.join(root, '__snapshots__');

module.exports = {
  resolveSnapshotPath: (testPath, ext) => path.join(dir, path.basename(testPath) + ext),
  resolveTestPath: (snapshotPath, ext) => path.join(root, 'test', path.basename(snapshotPath).slice(0, -ext.length)),
  testPathForConsistencyCheck: path.join(root, 'test', 'example.test.ts'),
};
