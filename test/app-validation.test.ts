import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { APP_VALIDATION_CONTEXT, KUBERNETES_VERSION_CONTEXT, StatefulApp } from '../lib';

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

describe('APP_VALIDATION_CONTEXT switches the in-synth validation off', () => {
  const broken = (context: Record<string, unknown>) => {
    const made = userApp(context);
    new ApiObject(made.chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, dta: { a: 'b' } });
    return made;
  };

  test.each([false, 'false'])('set to %p: an invalid object is written as it is', value => {
    const { app, outdir } = broken({ [APP_VALIDATION_CONTEXT]: value });
    expect(APP_VALIDATION_CONTEXT).toBe('cdk8s-stateful:validation');
    app.synth();
    expect(fs.readFileSync(path.join(outdir, 'web.k8s.yaml'), 'utf8')).toContain('dta:');
  });

  test.each([true, 'true'])('set to %p: the validation stays on', value => {
    const { app, outdir } = broken({ [APP_VALIDATION_CONTEXT]: value });
    expect(() => app.synth()).toThrow(/\[schema\/unknown-field\]/);
    expect(written(outdir)).toEqual([]);
  });

  test('any other value fails the synth, naming the key and the values it takes', () => {
    const { app, outdir } = userApp({ [APP_VALIDATION_CONTEXT]: 'off' });
    expect(() => app.synth()).toThrow(/context cdk8s-stateful:validation "off" is invalid: must be false \(validation off\) or true/);
    expect(written(outdir)).toEqual([]);
  });

  test("a workload's own check of its pod still runs", () => {
    const { app, cache, outdir } = userApp({ [APP_VALIDATION_CONTEXT]: false });
    cache.addVolumeMount({ volume: 'missing', mountPath: '/m' });
    expect(() => app.synth()).toThrow(/missing/);
    expect(written(outdir)).toEqual([]);
  });
});

describe('one conversion of each object to JSON per synth', () => {
  /** A user's object that counts its conversions. */
  class Counted extends ApiObject {
    public conversions = 0;
    public toJson(): any {
      this.conversions++;
      return super.toJson();
    }
  }

  function countedApp(before: (chart: Chart) => void = () => undefined) {
    const made = userApp();
    before(made.chart);
    const other = new Chart(made.app, 'other', { namespace: 'other' });
    const counted = [made.chart, other].map((c, i) => new Counted(c, `counted-${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `counted-${i}` }, data: { a: 'b' } }));
    return { ...made, counted };
  }

  test('app.synth() validates and writes every object from one toJson(), whatever the number of charts', () => {
    const { app, counted, outdir } = countedApp();
    app.synth();
    expect(counted.map(c => c.conversions)).toEqual([1, 1]);
    expect(written(outdir).sort()).toEqual(['other.k8s.yaml', 'web.k8s.yaml']);
    expect(fs.readFileSync(path.join(outdir, 'web.k8s.yaml'), 'utf8')).toContain('name: counted-0');
    expect(app.synthYaml()).toContain('name: counted-1');
    expect(counted.map(c => c.conversions)).toEqual([2, 2]);
  });

  test("a Namespace whose JSON reads every other object's (as the Pod Security labels do) reads the JSON made for the validation", () => {
    /** A Namespace labelled with the number of ConfigMaps of the app, from their JSON. */
    class CountingNamespace extends ApiObject {
      public toJson(): any {
        const json = super.toJson();
        const configMaps = this.node.root.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c) && c.kind === 'ConfigMap').map(c => c.toJson());
        json.metadata.labels = { configmaps: String(configMaps.length) };
        return json;
      }
    }
    // It comes before the objects it reads in the app, as a release's Namespace does.
    const { app, counted } = countedApp(chart => new CountingNamespace(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } }));
    expect(app.synthYaml()).toContain('configmaps: "2"');
    expect(counted.map(c => c.conversions)).toEqual([1, 1]);
  });

  test('after a synth objects convert afresh: a change made between two synths is validated and written', () => {
    const { app, cache, outdir } = countedApp();
    app.synth();
    expect(Object.prototype.hasOwnProperty.call(cache.statefulSet, 'toJson')).toBe(false);
    cache.statefulSet.addJsonPatch(JsonPatch.replace('/spec/replicas', 'three'));
    expect(() => app.synth()).toThrow(/web\/cache\/statefulset: StatefulSet\/cache .*\/spec\/replicas/);
    cache.statefulSet.addJsonPatch(JsonPatch.replace('/spec/replicas', 2));
    app.synth();
    expect(fs.readFileSync(path.join(outdir, 'web.k8s.yaml'), 'utf8')).toContain('replicas: 2');
  });
});
