import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { parseAllDocuments } from 'yaml';
import {
  DatabaseConnection, HarborExposure, HarborStack, InvalidPropError, Probe, Release, SecretKeyRef, StatefulApp, WordPressDatabase, WordPressStack,
} from '../lib';
import { tempDir } from './support/release-output';

/** A small StatefulApp in `chart`'s namespace. */
function workload(chart: Chart, id = 'web'): StatefulApp {
  return new StatefulApp(chart, id, {
    container: {
      name: id,
      image: 'registry.k8s.io/e2e-test-images/agnhost:2.47',
      args: ['netexec', '--http-port=8080'],
      ports: [{ name: 'http', port: 8080 }],
      readinessProbe: Probe.http('/healthz', 'http'),
      securityContext: { runAsUser: 65534, runAsNonRoot: true },
    },
  });
}

/** What `kubectl apply -f dir/` meets, in its order (files by name, documents in file order): `file kind name namespace`. */
function applyOrder(build: (app: App) => void): { files: string[]; objects: { file: string; kind: string; name: string; namespace?: string }[] } {
  const { dir, cleanup } = tempDir('ns-order-');
  try {
    const app = new App({ outdir: dir });
    build(app);
    app.synth();
    const files = fs.readdirSync(dir).filter(f => f.endsWith('.k8s.yaml')).sort();
    const objects = files.flatMap(file => parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))
      .map(d => d.toJSON()).filter(o => o)
      .map(o => ({ file, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace })));
    return { files, objects };
  } finally {
    cleanup();
  }
}

/** The objects that `kubectl apply -f` would meet before the output's Namespace of their namespace. */
function beforeTheirNamespace(objects: ReturnType<typeof applyOrder>['objects']): string[] {
  const created = new Set(objects.filter(o => o.kind === 'Namespace').map(o => o.name));
  const seen = new Set<string>();
  const early: string[] = [];
  for (const o of objects) {
    if (o.kind === 'Namespace') seen.add(o.name);
    else if (o.namespace && created.has(o.namespace) && !seen.has(o.namespace)) early.push(`${o.file}: ${o.kind} ${o.name}`);
  }
  return early;
}

function errorOf(f: () => void): InvalidPropError {
  try {
    f();
  } catch (e) {
    if (e instanceof InvalidPropError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('a Namespace is written before every object that goes into it', () => {
  test('two releases in one namespace: the one that creates it is written first, though constructed second', () => {
    const { files, objects } = applyOrder(app => {
      workload(new Release(app, 'shop', { namespace: 'shared' }), 'shop');
      workload(new Release(app, 'blog', { namespace: 'shared', createNamespace: true }), 'blog');
    });
    expect(files).toEqual(['0000-blog.k8s.yaml', '0001-shop.k8s.yaml']);
    expect(objects[0]).toMatchObject({ kind: 'Namespace', name: 'shared' });
    expect(beforeTheirNamespace(objects)).toEqual([]);
  });

  test('two releases that both create one namespace are refused, naming both charts and the fix', () => {
    const app = new App({ outdir: tempDir('ns-order-').dir });
    workload(new Release(app, 'shop', { namespace: 'shared', createNamespace: true }), 'shop');
    workload(new Release(app, 'blog', { namespace: 'shared', createNamespace: true }), 'blog');
    const e = errorOf(() => app.synth());
    expect(e.constructPath).toBe('blog/namespace');
    expect(e.message).toContain('chart "shop" creates Namespace "shared" too');
    expect(e.message).toContain('set createNamespace: false on chart "blog"');
    fs.rmSync(app.outdir, { recursive: true, force: true });
  });

  test('a release whose namespace another release creates (WordPressStack with createNamespace: false, the database release later)', () => {
    const { files, objects } = applyOrder(app => {
      new WordPressStack(app, 'blog', {
        namespace: 'blog',
        createNamespace: false,
        database: WordPressDatabase.external(DatabaseConnection.fromAttributes({
          host: 'db-0.db.blog.svc.cluster.local', databaseName: 'blog', user: 'blog',
          password: SecretKeyRef.of('db-credentials', 'password'), engineFamily: 'mariadb',
        })),
        ingress: { className: 'nginx', host: 'blog.example.org' },
      });
      workload(new Release(app, 'db', { namespace: 'blog', createNamespace: true }), 'db');
    });
    expect(files).toEqual(['0000-db.k8s.yaml', '0001-blog.k8s.yaml']);
    expect(beforeTheirNamespace(objects)).toEqual([]);
  });

  test("a user's own chart with a KubeNamespace, written after the chart that uses it, and one in the same chart after its objects", () => {
    const { files, objects } = applyOrder(app => {
      workload(new Chart(app, 'apps', { namespace: 'shop' }));
      const inline = new Chart(app, 'inline', { namespace: 'inline' });
      workload(inline);
      new k8s.KubeNamespace(inline, 'ns', { metadata: { name: 'inline' } });
      const platform = new Chart(app, 'platform');
      new k8s.KubeNamespace(platform, 'shop', { metadata: { name: 'shop' } });
    });
    expect(files.indexOf('0000-platform.k8s.yaml')).toBe(0);
    expect(objects.find(o => o.file.endsWith('-inline.k8s.yaml'))).toMatchObject({ kind: 'Namespace', name: 'inline' });
    expect(beforeTheirNamespace(objects)).toEqual([]);
  });

  test('a Namespace made by createNamespace (HarborStack) after a chart that uses that namespace', () => {
    const { files, objects } = applyOrder(app => {
      workload(new Release(app, 'cache', { namespace: 'harbor' }), 'cache');
      new HarborStack(app, 'harbor', { exposure: HarborExposure.clusterIP({ host: 'harbor.example.org' }) });
    });
    expect(files).toEqual(['0000-harbor.k8s.yaml', '0001-cache.k8s.yaml']);
    expect(beforeTheirNamespace(objects)).toEqual([]);
  });

  test('charts that each use the namespace the other creates are refused, naming both charts and the fix', () => {
    const app = new App({ outdir: tempDir('ns-order-').dir });
    const a = new Release(app, 'a', { namespace: 'a', createNamespace: true });
    const b = new Release(app, 'b', { namespace: 'b', createNamespace: true });
    new k8s.KubeConfigMap(a, 'to-b', { metadata: { name: 'settings', namespace: 'b' }, data: { x: '1' } });
    new k8s.KubeConfigMap(b, 'to-a', { metadata: { name: 'settings', namespace: 'a' }, data: { x: '1' } });
    const e = errorOf(() => app.synth());
    expect(e.prop).toBe('namespace');
    expect(e.message).toMatch(/Namespace "[ab]" is created by chart "[ab]", which depends on chart "[ab]" and so is written after it/);
    expect(e.message).toContain('createNamespace: false on chart');
    fs.rmSync(app.outdir, { recursive: true, force: true });
  });

  test('without the ordering the first case would fail on apply (the test can tell)', () => {
    expect(beforeTheirNamespace([
      { file: 'a', kind: 'ConfigMap', name: 'c', namespace: 'x' }, { file: 'b', kind: 'Namespace', name: 'x' },
    ])).toEqual(['a: ConfigMap c']);
  });
});
