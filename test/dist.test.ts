import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { synthReleases } from '../lib/release';
import { validateYamlFiles, formatProblems } from '../lib/validation';
import { buildApp } from '../main';
import { readTree } from './support/release-output';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

/** The files of an output, by path: plain manifests, Helm charts, review pages (not cdk8s-cli's construct-metadata.json). */
function outputFiles(dir: string): Record<string, string> {
  const { 'construct-metadata.json': _metadata, ...files } = readTree(dir);
  return files;
}

function synthTo(dir: string): Record<string, string> {
  synthReleases(buildApp(new App({ outdir: dir })));
  return outputFiles(dir);
}

describe('the default app', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const first = synthTo(path.join(tmp, 'a'));

  test('synthesizes byte-identical files twice (no timestamps, no random values)', () => {
    expect(synthTo(path.join(tmp, 'b'))).toEqual(first);
  });

  test('synthesizes the same files in a separate process (compiled app, as `npx cdk8s synth` runs it)', () => {
    const out = path.join(tmp, 'process');
    execFileSync(process.execPath, [path.join(root, 'build', 'main.js')], { env: { ...process.env, CDK8S_OUTDIR: out } });
    expect(outputFiles(out)).toEqual(first);
  });

  test('matches the committed dist/: plain files, Helm charts, review pages (run `npx cdk8s synth` and commit when this fails)', () => {
    const committed = outputFiles(dist);
    expect(Object.keys(committed)).toEqual(Object.keys(first));
    expect(Object.keys(first)).toEqual(expect.arrayContaining(['0001-mysql.k8s.yaml', '0001-mysql.md', 'helm/mysql/Chart.yaml', 'helm/mysql/templates/manifests.yaml']));
    for (const f of Object.keys(committed)) {
      expect({ file: f, content: committed[f] }).toEqual({ file: f, content: first[f] });
    }
  });

  test('the database release leaves no Secret to make by hand: its generator makes every key the pods read; no Secret object, no value', () => {
    const objects = parseAllDocuments(first['0001-mysql.k8s.yaml']).map(d => d.toJS());
    const refs = new Set<string>();
    JSON.stringify(objects, (k, v) => {
      if (k === 'secretKeyRef') refs.add(`${v.name} ${v.key}`);
      return v;
    });
    const generator = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'secret-generator');
    const generated = generator.data.spec.split('\n').filter((l: string) => l && !l.startsWith('#')).map((l: string) => l.split(' ').slice(0, 2).join(' '));
    expect([...refs].sort()).toEqual(['mysql-credentials password', 'mysql-credentials replication-password', 'mysql-credentials root-password']);
    expect(generated).toEqual(expect.arrayContaining([...refs]));
    const role = objects.find(o => o.kind === 'Role' && o.metadata.name === 'secret-generator');
    expect(role.rules[1]).toEqual({ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'patch'], resourceNames: ['mysql-credentials'] });
    for (const [file, content] of Object.entries(first).filter(([f]) => f.endsWith('.yaml'))) {
      expect({ file, secrets: content.match(/^kind: Secret$/mg) ?? [] }).toEqual({ file, secrets: [] });
    }
  });

  test('dist/ passes the strict validator as one output', () => {
    const problems = validateYamlFiles(Object.keys(first).filter(f => f.endsWith('.k8s.yaml')).map(f => path.join(dist, f)));
    expect(formatProblems(problems)).toBe('');
  });
});
