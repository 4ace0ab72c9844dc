// globalSetup of the unit suite: points TMPDIR (and so os.tmpdir() in every test worker and the TMPDIR of
// every program a test runs) at a new directory of the run's own; temp-dir-teardown.js removes it with
// whatever was left there. cdk8s's Testing.app() alone makes a cdk8s.outdir.* directory per call and
// never removes it (hundreds a run).
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  // A short name: the drill's server socket in backup-e2e is ~90 characters deep below it, and a Unix
  // socket's path may have at most 107.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ut-'));
  // Like /tmp: some tests run programs as another user (www-data) on directories made here.
  fs.chmodSync(dir, 0o1777);
  process.env.CDK8S_STATEFUL_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
};
