import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { KUBERNETES_VERSION_CONTEXT, StatefulApp } from '../lib';

/** A user's app, as in their own project: one of our constructs beside their own objects. */
function userApp(context: Record<string, unknown> = {}) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'user-app-'));
  const app = new App({ outdir });
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  const chart = new Chart(app, 'web', { namespace: 'web' });
  const cache = new StatefulApp(chart, 'cache', {
    container: { name: 'redis', image: 'redis:7.4.1', ports: [{ name: 'redis', port: 6379 }] },
  });
  return { app, chart, cache, outdir };
}

const written = (dir: string) => fs.readdirSync(dir);

describe('validation inside a plain app.synth()', () => {
  test('a valid app is written', () => {
    const { app, outdir } = userApp();
    app.synth();
    expect(written(outdir)).toEqual(['web.k8s.yaml']);
  });

  test("a user's own object with a misspelled field fails the synth, naming its construct path, and nothing is written", () => {
    const { app, chart, outdir } = userApp();
    new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, dta: { a: 'b' } });
    expect(() => app.synth()).toThrow(/web\/settings: ConfigMap\/settings .*\/dta: \[schema\/unknown-field\]/);
    expect(written(outdir)).toEqual([]);
  });

  test('an escape-hatch patch that breaks an object fails the synth', () => {
    const { app, cache, outdir } = userApp();
    cache.statefulSet.addJsonPatch(JsonPatch.replace('/spec/replicas', 'three'));
    expect(() => app.synth()).toThrow(/web\/cache\/statefulset: StatefulSet\/cache .*\/spec\/replicas/);
    expect(written(outdir)).toEqual([]);
  });

  test('a mount added after construction of a volume that does not exist fails the synth', () => {
    const { app, cache } = userApp();
    cache.addVolumeMount({ volume: 'nope', mountPath: '/x' });
    expect(() => app.synth()).toThrow(/\[web\/cache\] web\/cache: container.volumeMounts\[0\].volume "nope" is invalid: must name a volume/);
  });

  test('the Kubernetes version comes from the app context', () => {
    const withNewerField = (version?: string) => {
      const { app, chart } = userApp(version ? { [KUBERNETES_VERSION_CONTEXT]: version } : {});
      new ApiObject(chart, 'pod', {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', image: 'busybox:1.37.0', securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } }] },
      });
      return () => app.synth();
    };
    expect(withNewerField('1.28')).toThrow(/unknown in Kubernetes 1\.28, added in 1\.35/);
    expect(withNewerField()).not.toThrow();
    expect(withNewerField('1.35')).not.toThrow();
  });

  test('the rules run once per synth: a warning of a two-chart app is printed once, though cdk8s runs the validations three times', () => {
    const { app, outdir } = userApp();
    new ApiObject(new Chart(app, 'other'), 'pod', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'busybox:1.37.0', resources: { requests: { memory: '1500m' } } }] },
    });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      app.synth();
      const warnings = stderr.mock.calls.map(([text]) => String(text)).filter(text => text.includes('[pod/fractional-bytes]'));
      expect(warnings).toHaveLength(1);
    } finally {
      stderr.mockRestore();
    }
    expect(written(outdir).sort()).toEqual(['other.k8s.yaml', 'web.k8s.yaml']);
  });

  test('an object changed after a synth is judged again', () => {
    const { app, cache, outdir } = userApp();
    app.synth();
    cache.statefulSet.addJsonPatch(JsonPatch.replace('/spec/replicas', 'three'));
    fs.rmSync(path.join(outdir, 'web.k8s.yaml'));
    expect(() => app.synth()).toThrow(/web\/cache\/statefulset: StatefulSet\/cache .*\/spec\/replicas/);
    expect(written(outdir)).toEqual([]);
  });

  test("an object changed between two charts' toJson is judged again", () => {
    const { app, chart, cache } = userApp();
    const other = new Chart(app, 'other');
    new ApiObject(other, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: 'b' } });
    expect(other.toJson()).toHaveLength(1);
    cache.addVolumeMount({ volume: 'data', mountPath: '/data' });
    cache.statefulSet.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/0/mountPath', ''));
    expect(() => chart.toJson()).toThrow(/web\/cache\/statefulset: StatefulSet\/cache .*volumeMounts\/0\/mountPath/);
  });

  test('it validates once per synth, however many of our constructs the app has', () => {
    const { app, chart } = userApp();
    new StatefulApp(chart, 'other', { container: { name: 'c', image: 'redis:7.4.1' } });
    const validations = app.node.findAll().reduce((n, c) => n + (c.node as any)._validations.length, 0);
    // one app-wide validation and one Namespace ordering (lib/common/namespace-order.ts), plus one pod re-check per workload
    expect(validations).toBe(4);
  });
});
