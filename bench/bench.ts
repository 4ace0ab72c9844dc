/**
 * `npm run bench`: speed figures with numbers, not timed tests (`npm run bench -- --in-process` skips part 2).
 *
 * 1. What a user runs, in process: 10, 100 and 1000 StatefulApps constructed, then a plain `app.synth()` into a
 *    temporary directory, which runs the validation this library registers and writes the YAML. The validation is
 *    timed inside that synth (every time cdk8s runs the app's validations), the rest of the synth by difference.
 *    Beside it the floor: the same objects from cdk8s-plus-28 `k8s` classes, synthesized by cdk8s without any
 *    validation (the YAML is checked to be byte-identical), so that what cdk8s itself costs is plain.
 * 2. Wall time of `npx cdk8s synth` (the project's app command) beside `npx ts-node main.ts`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Probe, StatefulApp, validateObjects } from '../lib';
import { addFloorApp, configOf } from './floor';

const root = path.resolve(__dirname, '..', '..');
const COUNTS = [10, 100, 1000];
const RUNS = 5;
/** Issue 10's targets for 1000 StatefulApps. */
const TARGET_TOTAL_MS = 500;
const TARGET_VALIDATION_SHARE = 0.15;

/** Times every pass of cdk8s over the app's validations: from the first (on the root) to the last (on the last construct). */
class ValidationTimer {
  public ms = 0;
  public passes = 0;
  private started = 0;

  /** Call right after `new App()`, before any construct of this library registers its validation. */
  constructor(app: App) {
    app.node.addValidation({ validate: () => { this.started = performance.now(); this.passes++; return []; } });
  }

  /** Call once every construct is made: a last child of the last chart, whose validation cdk8s runs last. */
  public end(chart: Chart): void {
    new Construct(chart, 'validation-timer-end').node.addValidation({ validate: () => { this.ms += performance.now() - this.started; return []; } });
  }
}

interface OursRun { constructMs: number; validationMs: number; passes: number; synthMs: number; objects: number; yaml: string }
interface FloorRun { constructMs: number; toJsonMs: number; synthMs: number; yaml: string }

function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Reads what a synth wrote and removes it. */
function takeOutput(outdir: string): string {
  const files = fs.readdirSync(outdir);
  if (files.length !== 1) throw new Error(`expected one file in ${outdir}, got ${files.join(', ')}`);
  const yaml = fs.readFileSync(path.join(outdir, files[0]), 'utf8');
  fs.rmSync(outdir, { recursive: true });
  return yaml;
}

function addStatefulApp(chart: Chart, i: number): void {
  new StatefulApp(chart, `app-${i}`, {
    replicas: 3,
    container: {
      name: 'app', image: 'nginx:1.27.2', ports: [{ name: 'http', port: 80 }],
      readinessProbe: Probe.http('/', 'http'), resources: { requests: { cpu: '100m', memory: '128Mi' } },
    },
    configMaps: [{ name: 'conf', files: configOf(i), mountPath: '/etc/app' }],
    volumeClaims: [{ name: 'data', size: '1Gi', mountPath: '/data' }],
    clientService: {},
  });
}

/** Constructs `count` StatefulApps and runs a plain `app.synth()`, timing the validation inside it. */
function runOurs(count: number): OursRun {
  const outdir = tmpDir('bench-ours-');
  const t0 = performance.now();
  const app = new App({ outdir });
  const timer = new ValidationTimer(app);
  const chart = new Chart(app, 'bench', { namespace: 'bench' });
  for (let i = 0; i < count; i++) addStatefulApp(chart, i);
  timer.end(chart);
  const t1 = performance.now();
  app.synth();
  const t2 = performance.now();
  const objects = app.node.findAll().filter(c => ApiObject.isApiObject(c)).length;
  return { constructMs: t1 - t0, validationMs: timer.ms, passes: timer.passes, synthMs: t2 - t1, objects, yaml: takeOutput(outdir) };
}

function buildFloor(count: number, outdir: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'bench', { namespace: 'bench' });
  for (let i = 0; i < count; i++) addFloorApp(chart, i);
  return app;
}

/** The same objects from `k8s` classes, synthesized by cdk8s alone; `toJson` timed on a second, identical app. */
function runFloor(count: number): FloorRun {
  const outdir = tmpDir('bench-floor-');
  const t0 = performance.now();
  const app = buildFloor(count, outdir);
  const t1 = performance.now();
  app.synth();
  const t2 = performance.now();
  const again = buildFloor(count, outdir);
  const t3 = performance.now();
  again.charts.forEach(c => c.toJson());
  const t4 = performance.now();
  return { constructMs: t1 - t0, synthMs: t2 - t1, toJsonMs: t4 - t3, yaml: takeOutput(outdir) };
}

/** The validator's rules alone, on the objects of `count` StatefulApps (already converted to JSON). */
function rulesMs(count: number): number {
  const app = new App({ outdir: tmpDir('bench-rules-') });
  const chart = new Chart(app, 'bench', { namespace: 'bench' });
  for (let i = 0; i < count; i++) addStatefulApp(chart, i);
  const objects = app.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)).map(o => o.toJson());
  const t0 = performance.now();
  const problems = validateObjects(objects);
  const ms = performance.now() - t0;
  if (problems.length) throw new Error(`bench objects are invalid: ${problems[0].message}`);
  fs.rmSync(app.outdir, { recursive: true });
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const ms = (x: number, width: number) => x.toFixed(0).padStart(width);
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

interface Figures { count: number; objects: number; construct: number; validation: number; passes: number; rest: number; total: number; rules: number }
interface FloorFigures { count: number; construct: number; toJson: number; yaml: number; total: number }

function measure(count: number): { ours: Figures; floor: FloorFigures } {
  const ours: OursRun[] = [];
  const floor: FloorRun[] = [];
  for (let i = 0; i < RUNS; i++) { // interleaved, so that a busy moment of the machine hits both alike
    ours.push(runOurs(count));
    floor.push(runFloor(count));
  }
  if (ours[0].yaml !== floor[0].yaml) throw new Error(`the floor's YAML differs from the StatefulApps' for ${count} apps`);
  const rules = median(Array.from({ length: RUNS }, () => rulesMs(count)));
  const validation = median(ours.map(r => r.validationMs));
  const total = median(ours.map(r => r.constructMs + r.synthMs));
  const floorSynth = median(floor.map(r => r.synthMs));
  const floorToJson = median(floor.map(r => r.toJsonMs));
  const floorConstruct = median(floor.map(r => r.constructMs));
  return {
    ours: {
      count, objects: ours[0].objects, construct: median(ours.map(r => r.constructMs)), validation, passes: ours[0].passes,
      rest: median(ours.map(r => r.synthMs - r.validationMs)), total, rules,
    },
    floor: { count, construct: floorConstruct, toJson: floorToJson, yaml: floorSynth - floorToJson, total: median(floor.map(r => r.constructMs + r.synthMs)) },
  };
}

function inProcess(): void {
  runOurs(10); runFloor(10); rulesMs(10); // warm up: load and compile the schemas, JIT
  const results = COUNTS.map(measure);
  console.log(`In process, warm, median of ${RUNS} interleaved runs (${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)})`);
  console.log('\nStatefulApps (5 objects each): construction, then a plain app.synth() that validates and writes the YAML');
  console.log('  apps  objects  construct  validation (passes)  rest of synth   total  validation share  rules alone');
  for (const { ours: r } of results) {
    console.log(`  ${String(r.count).padStart(4)}  ${String(r.objects).padStart(7)}  ${ms(r.construct, 9)}  ${ms(r.validation, 10)} (${r.passes})       `
      + `${ms(r.rest, 13)}  ${ms(r.total, 6)}  ${pct(r.validation / r.total).padStart(16)}  ${ms(r.rules, 11)}`);
  }
  console.log('\nFloor: the same objects from cdk8s-plus-28 k8s classes, app.synth() without validation (byte-identical YAML)');
  console.log('  apps  construct  toJson  YAML writing (by difference)   total');
  for (const { floor: f } of results) {
    console.log(`  ${String(f.count).padStart(4)}  ${ms(f.construct, 9)}  ${ms(f.toJson, 6)}  ${ms(f.yaml, 28)}  ${ms(f.total, 6)}`);
  }

  const { ours, floor } = results[results.length - 1];
  const share = ours.validation / ours.total;
  const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  console.log(`\nSpeed targets, ${ours.count} StatefulApps:`);
  console.log(`  synthesized and validated in under ${TARGET_TOTAL_MS} ms: ${met(ours.total < TARGET_TOTAL_MS)} (${ms(ours.total, 0)} ms; `
    + `cdk8s alone takes ${ms(floor.total, 0)} ms for the same output, ${ms(floor.yaml, 0)} ms of it writing the YAML)`);
  console.log(`  validation under ${pct(TARGET_VALIDATION_SHARE)} of the synth: ${met(share < TARGET_VALIDATION_SHARE)} (${pct(share)}: `
    + `${ours.passes} passes over the app's validations; the rules alone take ${ms(ours.rules, 0)} ms)`);
  console.log(`What dominates: cdk8s writing the YAML (${ms(floor.yaml, 0)} ms in the floor), cdk8s converting every object to JSON `
    + `(${ms(floor.toJson, 0)} ms in the floor) once per pass over the app's validations (${ours.passes}: cdk8s runs them at the start of `
    + 'app.synth() and again before each chart) and once more to write it, the rules (once per synth), '
    + `and the construction (${ms(ours.construct, 0)} ms, ${ms(floor.construct, 0)} ms in the floor).`);
}

/** Wall time of a command run in the project (outputs go to a temporary directory, never to dist/). */
function wall(cmd: string, args: string[]): number {
  const t0 = performance.now();
  execFileSync(cmd, args, { cwd: root, stdio: 'ignore', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', CDK8S_OUTDIR: tmpDir('bench-out-') } });
  return performance.now() - t0;
}

function wallTimes(): void {
  console.log('\nWall time of the default app (median of 3 runs)');
  const synth = median([0, 1, 2].map(() => wall('npx', ['cdk8s', 'synth', '--output', tmpDir('bench-out-')])));
  const tsNode = median([0, 1, 2].map(() => wall('npx', ['ts-node', 'main.ts'])));
  console.log(`  npx cdk8s synth (compiled app, validates):   ${(synth / 1000).toFixed(2)} s`);
  console.log(`  npx ts-node main.ts (compiles, validates):   ${(tsNode / 1000).toFixed(2)} s`);
  console.log(`  ratio: ${(synth / tsNode).toFixed(2)}x`);
}

inProcess();
if (!process.argv.includes('--in-process')) wallTimes();
