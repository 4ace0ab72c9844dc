import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { WORDPRESS_SECRET_KEYS } from '../lib';
import { synthReleases } from '../lib/release';
import { KUBERNETES_VERSIONS, validateYamlFiles, formatProblems } from '../lib/validation';
import { main } from '../lib/validation/cli';
import { buildApp } from '../main';
import { find, Manifest } from './support/manifests';
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

  test('namespace wordpress leaves no Secret to make by hand: each release\'s own generator makes every key its pods read; no Secret object, no value', () => {
    const objectsOf = (file: string): Manifest[] => parseAllDocuments(first[file]).map(d => d.toJS());
    const refsOf = (objects: Manifest[]) => {
      const refs = new Set<string>();
      JSON.stringify(objects, (k, v) => {
        if (k === 'secretKeyRef') refs.add(`${v.name} ${v.key}`);
        return v;
      });
      return [...refs].sort();
    };
    const generatorOf = (objects: Manifest[], name: string) => {
      const spec: string = find(objects, 'ConfigMap', name).data.spec;
      return {
        keys: spec.split('\n').filter(l => l && !l.startsWith('#')).map(l => l.split(' ').slice(0, 2).join(' ')),
        resourceNames: find(objects, 'Role', name).rules[1].resourceNames,
      };
    };
    const mysql = objectsOf('0001-mysql.k8s.yaml');
    const wordpress = objectsOf('0002-wordpress.k8s.yaml');
    const fromMysql = generatorOf(mysql, 'mysql-secret-generator');
    const fromWordpress = generatorOf(wordpress, 'wordpress-secret-generator');
    // One Secret, one maker: each generator makes its own release's Secret only.
    expect(fromMysql.resourceNames).toEqual(['mysql-credentials']);
    expect(fromWordpress.resourceNames).toEqual(['wordpress-credentials']);
    expect(refsOf(mysql)).toEqual(['mysql-credentials backup-password', 'mysql-credentials exporter-password', 'mysql-credentials password', 'mysql-credentials replication-password', 'mysql-credentials root-password']);
    expect(fromMysql.keys).toEqual(expect.arrayContaining(refsOf(mysql)));
    // WordPress reads the database password from the database release's Secret, the rest from its own.
    expect(refsOf(wordpress)).toEqual(['mysql-credentials password', ...Object.values(WORDPRESS_SECRET_KEYS).sort().map(k => `wordpress-credentials ${k}`)]);
    expect([...fromMysql.keys, ...fromWordpress.keys]).toEqual(expect.arrayContaining(refsOf(wordpress)));
    expect(fromWordpress.keys).toEqual(Object.values(WORDPRESS_SECRET_KEYS).sort().map(k => `wordpress-credentials ${k}`));
    for (const [file, content] of Object.entries(first).filter(([f]) => f.endsWith('.yaml'))) {
      expect({ file, secrets: content.match(/^kind: Secret$/mg) ?? [] }).toEqual({ file, secrets: [] });
    }
  });

  test('no Secret is left for the operator: every Secret any object of any release reads is made by a generator Job of its namespace', () => {
    const objects: Manifest[] = Object.entries(first).filter(([f]) => f.endsWith('.k8s.yaml'))
      .flatMap(([, content]) => parseAllDocuments(content).map(d => d.toJS()));
    /** `<namespace>/<secret> <key>` the generators' specs list, and `<namespace>/<secret>` their Roles may write. */
    const madeKeys = new Set<string>();
    const madeSecrets = new Set<string>();
    for (const role of objects.filter(o => o.kind === 'Role' && o.metadata.labels?.['app.kubernetes.io/name'] === 'secret-generator')) {
      const ns = role.metadata.namespace;
      const spec: string = find(objects, 'ConfigMap', role.metadata.name).data.spec;
      spec.split('\n').filter(l => l && !l.startsWith('#')).forEach(l => madeKeys.add(`${ns}/${l.split(' ').slice(0, 2).join(' ')}`));
      role.rules[1].resourceNames.forEach((n: string) => madeSecrets.add(`${ns}/${n}`));
    }
    const readKeys = new Set<string>();
    const readSecrets = new Set<string>();
    for (const obj of objects) {
      const ns = obj.metadata.namespace;
      JSON.stringify(obj, (k, v) => {
        if (k === 'secretKeyRef') readKeys.add(`${ns}/${v.name} ${v.key}`);
        if (k === 'secret' && v?.secretName) {
          if (v.items) v.items.forEach((i: { key: string }) => readKeys.add(`${ns}/${v.secretName} ${i.key}`));
          else readSecrets.add(`${ns}/${v.secretName}`);
        }
        if (k === 'secretRef' && v?.name) readSecrets.add(`${ns}/${v.name}`);
        if (k === 'tls' && Array.isArray(v)) v.forEach((t: { secretName?: string }) => t.secretName && readKeys.add(`${ns}/${t.secretName} tls.crt`).add(`${ns}/${t.secretName} tls.key`));
        if (k === 'imagePullSecrets') v.forEach((s: { name: string }) => readSecrets.add(`${ns}/${s.name}`));
        return v;
      });
    }
    // Each release reads Secrets (the test would pass on none).
    expect([...readKeys].map(k => k.split('/')[0]).filter((ns, i, all) => all.indexOf(ns) === i).sort()).toEqual(['harbor', 'wordpress']);
    expect([...readKeys].filter(k => !madeKeys.has(k))).toEqual([]);
    expect([...readSecrets].filter(s => !madeSecrets.has(s))).toEqual([]);
    expect(readKeys.has('harbor/harbor-tls tls.crt')).toBe(true);
  });

  test('dist/ passes the strict validator as one output', () => {
    const problems = validateYamlFiles(Object.keys(first).filter(f => f.endsWith('.k8s.yaml')).map(f => path.join(dist, f)));
    expect(formatProblems(problems)).toBe('');
  });

  test.each(KUBERNETES_VERSIONS)('`npm run validate -- --kube-version %s` passes on the committed dist/, without warnings', version => {
    const out: string[] = [];
    const err: string[] = [];
    expect(main(['--kube-version', version, dist], line => out.push(line), line => err.push(line))).toBe(0);
    expect(err).toEqual([]);
    const files = fs.readdirSync(dist).filter(f => f.endsWith('.k8s.yaml'));
    const objects = files.flatMap(f => parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf8')).filter(d => d.contents !== null));
    expect(objects.length).toBeGreaterThan(60);
    expect(out).toEqual([`${dist}: ${objects.length} objects in ${files.length} files valid (Kubernetes ${version}, strict)`]);
  });
});
