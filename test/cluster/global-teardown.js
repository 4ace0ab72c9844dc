// Takes the test cluster down after the suite, leaving nothing behind. CDK8S_STATEFUL_KEEP_CLUSTER=1
// keeps it for a look by hand (`npm run cluster -- status` prints the kubeconfig path).
const { spawnSync } = require('child_process');
const path = require('path');
const fs = require('fs');
const { outputDir, readPhases, recordPhase } = require('./phases');

module.exports = async function globalTeardown() {
  if (process.env.CDK8S_STATEFUL_CLUSTER_SKIPPED === '1') return;
  if (process.env.CDK8S_STATEFUL_REUSE_CLUSTER === '1' && process.env.CI !== 'true') return;
  if (process.env.CDK8S_STATEFUL_KEEP_CLUSTER === '1') {
    console.warn('cluster kept (CDK8S_STATEFUL_KEEP_CLUSTER=1): `npm run cluster -- down` stops it');
    return;
  }
  const start = Date.now();
  const down = spawnSync('bash', [path.join(__dirname, 'cluster.sh'), 'down'], { stdio: 'inherit' });
  const seconds = (Date.now() - start) / 1000;
  recordPhase('cluster down', seconds, down.status === 0 ? 'passed' : 'failed');
  // The reporter has written the report already (jest runs global teardown last): add the phase to it.
  const reportFile = path.join(outputDir, 'report.json');
  if (fs.existsSync(reportFile)) {
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
    report.phases = readPhases();
    fs.writeFileSync(reportFile, JSON.stringify(report, null, 2) + '\n');
  }
  console.log(`phase  cluster down  ${seconds.toFixed(1)} s  ${down.status === 0 ? 'passed' : 'failed'}`);
  if (down.status !== 0) throw new Error(`cluster.sh down exited ${down.status}`);
};
