import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..');

/**
 * Users extend these constructs from their own projects: the packed tarball must expose the public
 * API and carry the assets (scripts, schema) that are read at synth time.
 */
describe('the npm package', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('packs the compiled API and its synth-time assets, and works from node_modules', () => {
    // `npm test` compiled build/ already; skip the prepack compile.
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: root, encoding: 'utf8' });
    const [info] = JSON.parse(out);
    const files: string[] = info.files.map((f: { path: string }) => f.path);
    for (const f of ['build/lib/index.js', 'build/lib/index.d.ts', 'lib/mysql/scripts/clone.sh', 'lib/mysql/scripts/sidecar.sh', 'lib/mysql/scripts/serve-backup.pl',
      'lib/validation/definitions/k8s-1.28.json', 'lib/validation/definitions/k8s-1.31.json', 'lib/validation/definitions/k8s-1.36.json', 'package.json', 'README.md']) {
      expect(files).toContain(f);
    }
    expect(files.filter(f => f.startsWith('test/') || f.startsWith('dist/') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);

    const pkgDir = path.join(tmp, 'project', 'node_modules', info.name);
    fs.mkdirSync(pkgDir, { recursive: true });
    execFileSync('tar', ['xzf', path.join(tmp, info.filename), '-C', pkgDir, '--strip-components=1']);
    const script = `
      const { App, Chart } = require('cdk8s');
      const lib = require('${info.name}');
      const app = new App();
      const chart = new Chart(app, 'db', { namespace: 'db' });
      new lib.MySQLReplication(chart, 'mysql', { engine: lib.MySQLEngine.mariadb(MariaDBVersion.V11_4) });
      const problems = lib.validateObjects(chart.toJson());
      console.log(JSON.stringify({ objects: chart.toJson().length, problems: problems.length, exports: Object.keys(lib).length }));
    `;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', script], {
      cwd: path.join(tmp, 'project'),
      env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
      encoding: 'utf8',
    }));
    expect(result).toMatchObject({ objects: 7, problems: 0 });
    expect(result.exports).toBeGreaterThan(20);
  });
});
