/**
 * `npm run bench`: speed figures with numbers, not timed tests.
 *
 * 1. In-process synth and strict validation of 10, 100 and 1000 StatefulApps, with the cost per object.
 * 2. Wall time of `npx cdk8s synth` (the project's app command) beside `npx ts-node main.ts`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, Chart } from 'cdk8s';
import { Probe, StatefulApp } from '../lib';
import { validateObjects } from '../lib/validation';

const root = path.resolve(__dirname, '..', '..');

function buildApps(count: number): App {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')) });
  const chart = new Chart(app, 'bench', { namespace: 'bench' });
  for (let i = 0; i < count; i++) {
    new StatefulApp(chart, `app-${i}`, {
      replicas: 3,
      container: {
        name: 'app', image: 'nginx:1.27.2', ports: [{ name: 'http', port: 80 }],
        readinessProbe: Probe.http('/', 'http'), resources: { requests: { cpu: '100m', memory: '128Mi' } },
      },
      configMaps: [{ name: 'conf', files: { 'app.conf': `id=${i}\n` }, mountPath: '/etc/app' }],
      volumeClaims: [{ name: 'data', size: '1Gi', mountPath: '/data' }],
      clientService: {},
    });
  }
  return app;
}

function inProcess(count: number): { synthMs: number; validateMs: number; objects: number } {
  const t0 = performance.now();
  const objects = buildApps(count).charts.flatMap(c => c.toJson());
  const t1 = performance.now();
  const problems = validateObjects(objects);
  const t2 = performance.now();
  if (problems.length) throw new Error(`bench objects are invalid: ${problems[0].message}`);
  return { synthMs: t1 - t0, validateMs: t2 - t1, objects: objects.length };
}

/** Wall time of a command run in the project (outputs go to a temporary directory, never to dist/). */
function wall(cmd: string, args: string[]): number {
  const t0 = performance.now();
  execFileSync(cmd, args, { cwd: root, stdio: 'ignore', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', CDK8S_OUTDIR: tmpOut() } });
  return performance.now() - t0;
}

function tmpOut(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'bench-out-'));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  inProcess(10); // warm up: load the schema, compile validators, JIT
  console.log('In-process synth + strict validation (median of 3 runs)');
  console.log('  apps  objects  synth ms  validate ms  total ms  us/object  validation overhead');
  for (const count of [10, 100, 1000]) {
    const runs = [0, 1, 2].map(() => inProcess(count));
    const synthMs = median(runs.map(r => r.synthMs));
    const validateMs = median(runs.map(r => r.validateMs));
    const objects = runs[0].objects;
    const total = synthMs + validateMs;
    console.log(`  ${String(count).padStart(4)}  ${String(objects).padStart(7)}  ${synthMs.toFixed(0).padStart(8)}  ${validateMs.toFixed(0).padStart(11)}  `
      + `${total.toFixed(0).padStart(8)}  ${(total * 1000 / objects).toFixed(0).padStart(9)}  ${(100 * validateMs / synthMs).toFixed(0).padStart(18)}%`);
  }

  console.log('\nWall time of the default app (median of 3 runs)');
  const synth = median([0, 1, 2].map(() => wall('npx', ['cdk8s', 'synth', '--output', tmpOut()])));
  const tsNode = median([0, 1, 2].map(() => wall('npx', ['ts-node', 'main.ts'])));
  console.log(`  npx cdk8s synth (compiled app + validation):    ${(synth / 1000).toFixed(2)} s`);
  console.log(`  npx ts-node main.ts (no validation):          ${(tsNode / 1000).toFixed(2)} s`);
  console.log(`  ratio: ${(synth / tsNode).toFixed(2)}x`);
}

main();
