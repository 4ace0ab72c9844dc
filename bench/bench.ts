/**
 * `npm run bench`: speed figures with numbers, not timed tests (`npm run bench -- --in-process` skips part 2).
 *
 * 1. What a user runs, in process: 10, 100 and 1000 StatefulApps constructed, then a plain `app.synth()` into a
 *    temporary directory, which runs the validation this library registers and writes the YAML. The validation is
 *    timed inside that synth (every time cdk8s runs the app's validations), the rest of the synth by difference.
 *    Beside it the floor: the same objects from cdk8s-plus-28 `k8s` classes, synthesized by cdk8s without any
 *    validation (the YAML is checked to be byte-identical), so that what cdk8s itself costs is plain.
 * 2. Wall time of `npx cdk8s synth` of the default app (the project's app command) beside the bare CLI,
 *    `npx cdk8s --version`, in interleaved pairs.
 *
 * Both end in a ratio with its target (the machine may be shared: ratios of interleaved runs, not seconds,
 * are what compares): 1000 StatefulApps at most 1.15x the floor, the default app at most 1.3x the bare CLI.
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
/** Issue 20's targets: 1000 StatefulApps against cdk8s's own floor, the default app's synth against the bare CLI. */
const TARGET_FLOOR_RATIO = 1.15;
const TARGET_CLI_RATIO = 1.3;
/** Pairs of wall-time runs (synth, bare CLI). */
const WALL_PAIRS = 5;

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

interface Figures {
  count: number; objects: number; construct: number; validation: number; passes: number; rest: number; total: number; rules: number;
  /** Median over the interleaved pairs of (ours / floor), construction and synth. */
  floorRatio: number;
}
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
      floorRatio: median(ours.map((r, i) => (r.constructMs + r.synthMs) / (floor[i].constructMs + floor[i].synthMs))),
    },
    floor: { count, construct: floorConstruct, toJson: floorToJson, yaml: floorSynth - floorToJson, total: median(floor.map(r => r.constructMs + r.synthMs)) },
  };
}

function inProcess(): void {
  runOurs(10); runFloor(10); rulesMs(10); // warm up: load and compile the schemas, JIT
  const results = COUNTS.map(measure);
  console.log(`In process, warm, median of ${RUNS} interleaved runs (${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)})`);
  console.log('\nStatefulApps (5 objects each): construction, then a plain app.synth() that validates and writes the YAML');
  console.log('  apps  objects  construct  validation (passes)  rest of synth   total  validation share  rules alone  x floor');
  for (const { ours: r } of results) {
    console.log(`  ${String(r.count).padStart(4)}  ${String(r.objects).padStart(7)}  ${ms(r.construct, 9)}  ${ms(r.validation, 10)} (${r.passes})       `
      + `${ms(r.rest, 13)}  ${ms(r.total, 6)}  ${pct(r.validation / r.total).padStart(16)}  ${ms(r.rules, 11)}  ${r.floorRatio.toFixed(2).padStart(6)}x`);
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
  console.log(`  at most ${TARGET_FLOOR_RATIO}x cdk8s's own floor for the same objects: ${met(ours.floorRatio <= TARGET_FLOOR_RATIO)} `
    + `(${ours.floorRatio.toFixed(2)}x, median of ${RUNS} interleaved pairs)`);
  console.log(`  synthesized and validated in under ${TARGET_TOTAL_MS} ms: ${met(ours.total < TARGET_TOTAL_MS)} (${ms(ours.total, 0)} ms; `
    + `cdk8s alone takes ${ms(floor.total, 0)} ms for the same output, ${ms(floor.yaml, 0)} ms of it writing the YAML)`);
  console.log(`  validation under ${pct(TARGET_VALIDATION_SHARE)} of the synth: ${met(share < TARGET_VALIDATION_SHARE)} (${pct(share)}: `
    + `${ours.passes} passes over the app's validations; the rules alone take ${ms(ours.rules, 0)} ms)`);
  console.log(`What dominates: cdk8s writing the YAML (${ms(floor.yaml, 0)} ms in the floor), cdk8s converting every object to JSON `
    + `(${ms(floor.toJson, 0)} ms in the floor) once per synth (the validation's first pass converts, cdk8s writes that JSON, the `
    + `${ours.passes - 1} later pass(es) reuse the verdict), the rules (once per synth), `
    + `and the construction (${ms(ours.construct, 0)} ms, ${ms(floor.construct, 0)} ms in the floor).`);
}

/** Wall time of a command run in the project (outputs go to a temporary directory, never to dist/). */
function wall(cmd: string, args: string[]): number {
  const t0 = performance.now();
  execFileSync(cmd, args, { cwd: root, stdio: 'ignore', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', CDK8S_OUTDIR: tmpDir('bench-out-') } });
  return performance.now() - t0;
}

function wallTimes(): void {
  const synth = () => wall('npx', ['cdk8s', 'synth', '--output', tmpDir('bench-out-')]);
  const bare = () => wall('npx', ['cdk8s', '--version']);
  synth(); bare(); // warm up: compile the app if a source changed, fill the file cache
  const pairs = Array.from({ length: WALL_PAIRS }, () => ({ synth: synth(), bare: bare() }));
  const ratio = median(pairs.map(p => p.synth / p.bare));
  console.log(`\nWall time of the default app, median of ${WALL_PAIRS} interleaved pairs (load average ${os.loadavg()[0].toFixed(1)})`);
  console.log(`  npx cdk8s synth (compiled app, validates, Helm charts and review pages): ${(median(pairs.map(p => p.synth)) / 1000).toFixed(2)} s`);
  console.log(`  npx cdk8s --version (the bare CLI):                                      ${(median(pairs.map(p => p.bare)) / 1000).toFixed(2)} s`);
  console.log(`  at most ${TARGET_CLI_RATIO}x the bare CLI: ${ratio <= TARGET_CLI_RATIO ? 'met' : 'NOT MET'} (${ratio.toFixed(2)}x)`);
}

inProcess();
if (!process.argv.includes('--in-process')) wallTimes();
