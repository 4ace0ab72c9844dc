// globalTeardown of the unit suite: removes the run's temporary directory (temp-dir-setup.js), unless
// BACKUP_E2E_KEEP_DIRS or REPLICATION_E2E_KEEP_DIRS asked to keep the e2e tests' directories.
const fs = require('fs');

module.exports = async () => {
  const dir = process.env.CDK8S_STATEFUL_TEST_TMPDIR;
  if (!dir) return;
  if (process.env.BACKUP_E2E_KEEP_DIRS || process.env.REPLICATION_E2E_KEEP_DIRS) {
    process.stderr.write(`kept the test run's temporary directory ${dir}\n`);
    return;
  }
  fs.rmSync(dir, { recursive: true, force: true });
};
