import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { validateYamlFiles, formatProblems } from '../lib/validation';
import { buildApp } from '../main';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

function synthTo(dir: string): Record<string, string> {
  buildApp(new App({ outdir: dir })).synth();
  return Object.fromEntries(fs.readdirSync(dir).sort().map(f => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

describe('the default app', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const first = synthTo(path.join(tmp, 'a'));

  test('synthesizes byte-identical YAML twice (no timestamps, no random values)', () => {
    expect(synthTo(path.join(tmp, 'b'))).toEqual(first);
  });

  test('synthesizes the same YAML in a separate process (compiled app, as `npx cdk8s synth` runs it)', () => {
    const out = path.join(tmp, 'process');
    execFileSync(process.execPath, [path.join(root, 'build', 'main.js')], { env: { ...process.env, CDK8S_OUTDIR: out } });
    const files = fs.readdirSync(out).filter(f => f.endsWith('.k8s.yaml')).sort();
    expect(Object.fromEntries(files.map(f => [f, fs.readFileSync(path.join(out, f), 'utf8')]))).toEqual(first);
  });

  test('matches the committed dist/ (run `npx cdk8s synth` and commit when this fails)', () => {
    const committed = fs.readdirSync(dist).filter(f => f.endsWith('.k8s.yaml')).sort();
    expect(committed).toEqual(Object.keys(first));
    for (const f of committed) {
      expect({ file: f, yaml: fs.readFileSync(path.join(dist, f), 'utf8') }).toEqual({ file: f, yaml: first[f] });
    }
  });

  test('dist/ passes the strict validator as one output', () => {
    const problems = validateYamlFiles(Object.keys(first).map(f => path.join(dist, f)));
    expect(formatProblems(problems)).toBe('');
  });
});
