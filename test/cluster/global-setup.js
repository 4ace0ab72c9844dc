// Brings the test cluster up once for the suite: builds (cached), images (cached), then `up`.
// A machine that cannot run the cluster (cluster.sh exits 3) fails the suite with cluster.sh's
// one line, unless CDK8S_STATEFUL_SKIP_CLUSTER=1 opts out; under CI=true it never skips.
const { spawnSync } = require('child_process');
const path = require('path');
const { recordPhase, resetPhases } = require('./phases');

const here = __dirname;

function timed(name, script, args) {
  const start = Date.now();
  const result = spawnSync('bash', [path.join(here, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (Date.now() - start) / 1000;
  recordPhase(name, seconds, result.status === 0 ? 'passed' : 'failed');
  return { ...result, seconds };
}

function envLines(text) {
  const env = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  return env;
}

module.exports = async function globalSetup() {
  resetPhases();
  // CDK8S_STATEFUL_REUSE_CLUSTER=1 runs the suite (or one file of it) against a cluster already up
  // (`npm run cluster -- up`), and leaves it up: for working on a test, not for CI.
  if (process.env.CDK8S_STATEFUL_REUSE_CLUSTER === '1' && process.env.CI !== 'true') {
    const status = spawnSync('bash', [path.join(here, 'cluster.sh'), 'status'], { stdio: 'inherit' });
    if (status.status !== 0) throw new Error('CDK8S_STATEFUL_REUSE_CLUSTER=1 but no healthy test cluster is up');
    return;
  }
  const optOut = process.env.CDK8S_STATEFUL_SKIP_CLUSTER === '1' && process.env.CI !== 'true';
  const preflight = spawnSync('bash', [path.join(here, 'cluster.sh'), 'preflight'], { stdio: 'inherit' });
  if (preflight.status === 3 && optOut) {
    process.env.CDK8S_STATEFUL_CLUSTER_SKIPPED = '1';
    console.warn('cluster suite skipped: CDK8S_STATEFUL_SKIP_CLUSTER=1 and this machine cannot run the test cluster');
    return;
  }
  if (preflight.status !== 0) {
    throw new Error('this machine cannot run the test cluster (the line above says why); '
      + 'CDK8S_STATEFUL_SKIP_CLUSTER=1 skips the cluster suite outside CI');
  }
  const build = timed('build (Kubernetes, containerd, CoreDNS, Helm, harness)', 'build.sh', []);
  if (build.status !== 0) throw new Error(`building the cluster's programs failed (build.sh exited ${build.status})`);
  const bins = envLines(build.stdout);
  const images = timed('images (stand-ins from Debian packages)', 'images/build-cached.sh', [bins.KUBERNETES_BIN, bins.HARNESS_BIN]);
  if (images.status !== 0) throw new Error(`building the images failed (images/build-cached.sh exited ${images.status})`);
  const up = timed('cluster up', 'cluster.sh', ['up']);
  if (up.status !== 0) {
    throw new Error(`the test cluster did not come up (cluster.sh up exited ${up.status}); see the lines above`);
  }
};
