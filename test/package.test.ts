import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** The oldest versions the peer ranges allow (the newest are what `npm install <name>@<range>` picks). */
const OLDEST = { 'cdk8s': '2.68.12', 'constructs': '10.3.0', 'cdk8s-plus-28': '2.0.3' };

/** A user's cdk8s app, as it would be written in their own project. */
const USER_APP = `
import { ApiObject, App, Chart } from 'cdk8s';
import { DeploymentApp, MariaDBVersion, MySQLEngine, MySQLReplication, Probe, StatefulApp } from 'cdk8s-stateful';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });
const db = new MySQLReplication(chart, 'db', {
  engine: MySQLEngine.mariadb(MariaDBVersion.V11_4),
  replicas: 2,
  database: { name: 'shop', user: 'shop' },
});
new StatefulApp(chart, 'cache', {
  container: { name: 'redis', image: 'redis:7.4.1', ports: [{ name: 'redis', port: 6379 }], readinessProbe: Probe.tcp('redis') },
  volumeClaims: [{ name: 'data', size: '1Gi', mountPath: '/data' }],
});
new DeploymentApp(chart, 'web', {
  container: { name: 'web', image: 'nginx:1.27.3', ports: [{ name: 'http', port: 8080 }] },
  extraEnv: {},
  podAnnotations: { 'db-host': db.endpoint.host },
});
if (process.env.BREAK) {
  new ApiObject(chart, 'broken', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'broken' }, dta: {} });
}
app.synth();
`;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...env } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/**
 * Users add the packed tarball to their own cdk8s app, beside their own cdk8s, constructs and
 * cdk8s-plus-28 (peer dependencies: one copy of each). The app must compile and synthesize with the
 * newest and the oldest versions the ranges allow, and `cdk8s synth` must refuse an invalid object.
 */
describe('the npm package in a fresh user app', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-'));
  let tarball = '';
  let files: string[] = [];
  beforeAll(() => {
    // `npm test` compiled build/ already; skip the prepack compile.
    const [info] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: root, encoding: 'utf8' }));
    tarball = path.join(tmp, info.filename);
    files = info.files.map((f: { path: string }) => f.path);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('ships the compiled API, the synth-time assets and the docs, and nothing else', () => {
    for (const f of ['build/lib/index.js', 'build/lib/index.d.ts', 'lib/mysql/scripts/clone.sh', 'lib/mysql/scripts/serve-backup.pl',
      ...['1.28', '1.35', '1.36', '1.37'].flatMap(v => [`lib/validation/definitions/k8s-${v}.json`, `lib/validation/definitions/features-${v}.json`]),
      'docs/wordpress.md', 'package.json', 'README.md']) {
      expect(files).toContain(f);
    }
    expect(files.filter(f => f.startsWith('test/') || f.startsWith('dist/') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(Object.keys(pkg.dependencies)).not.toEqual(expect.arrayContaining(['cdk8s']));
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['cdk8s', 'cdk8s-plus-28', 'constructs']);
  });

  test.each([
    ['newest', Object.fromEntries(Object.entries(pkg.peerDependencies as Record<string, string>).map(([n, range]) => [n, range]))],
    ['oldest', OLDEST],
  ])('with the %s allowed cdk8s, constructs and cdk8s-plus-28 it compiles, synthesizes, and refuses an invalid object', (_, versions) => {
    const dir = fs.mkdtempSync(path.join(tmp, 'app-'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'user-app', version: '1.0.0', private: true }));
    const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball,
      ...Object.entries(versions).map(([n, v]) => `${n}@${v}`)], dir);
    expect(install.out).not.toMatch(/ERESOLVE|peer dep/i);
    expect(install.code).toBe(0);
    // one copy of each framework package: the library uses the user's
    expect(fs.existsSync(path.join(dir, 'node_modules', 'cdk8s-stateful', 'node_modules', 'constructs'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'node_modules', 'cdk8s-stateful', 'node_modules', 'cdk8s'))).toBe(false);

    fs.writeFileSync(path.join(dir, 'main.ts'), USER_APP);
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, outDir: 'build', skipLibCheck: false, types: ['node'], typeRoots: [path.join(root, 'node_modules', '@types')] },
      files: ['main.ts'],
    }));
    const tsc = run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir], dir);
    expect(tsc.out).toBe('');
    expect(tsc.code).toBe(0);

    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'language: typescript\napp: node build/main.js\n');
    const cli = path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
    const ok = run(process.execPath, [cli, 'synth'], dir);
    expect(ok.code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'dist'))).toEqual(['shop.k8s.yaml']);

    // The package's command, as npm links it into the app (`npx cdk8s-stateful ...`).
    const bin = path.join(dir, 'node_modules', '.bin', 'cdk8s-stateful');
    const help = run(bin, ['--help'], dir);
    expect(help.out).toContain('usage: cdk8s-stateful validate');
    expect(help.code).toBe(0);
    const valid = run(bin, ['validate', '--kube-version', '1.35', 'dist/'], dir);
    expect(valid.out).toMatch(/^dist\/: \d+ objects in 1 files valid \(Kubernetes 1.35, strict\)$/m);
    expect(valid.code).toBe(0);
    fs.mkdirSync(path.join(dir, 'bad'));
    fs.writeFileSync(path.join(dir, 'bad', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndta: {}\n');
    const invalid = run(bin, ['validate', 'bad'], dir);
    expect(invalid.out).toContain('[schema/unknown-field]');
    expect(invalid.code).toBe(1);
    const plan = run(bin, ['plan'], dir);   // synthesizes with cdk8s.yaml's app command into a temporary directory
    expect(plan.out).toBe('dist -> the current code: no changes\n');
    expect(plan.code).toBe(0);
    expect(run(bin, ['plan', '--against', 'nowhere'], dir).code).toBe(2);

    fs.rmSync(path.join(dir, 'dist'), { recursive: true });
    const bad = run(process.execPath, [cli, 'synth'], dir, { BREAK: '1' });
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/shop\/broken: ConfigMap\/broken .*\[schema\/unknown-field\]/);
    expect(fs.existsSync(path.join(dir, 'dist')) ? fs.readdirSync(path.join(dir, 'dist')) : []).toEqual([]);
  }, 180_000);
});
