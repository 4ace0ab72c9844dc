/**
 * A second `kubectl apply` of unchanged output must be a no-op: the manifests hold no field the API
 * server drops (a default such as `readOnly: false`, an empty list or map, an empty string) or writes
 * back otherwise (a quantity in another form, a claim template without the fields the server fills
 * in, an atomic `fieldRef` without its `apiVersion`). Checked here on dist/ and on the renderers; the
 * apply itself against a real API server is the cluster suite's (see the report of the change).
 */
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { AppVolume, EnvValue, StatefulApp } from '../lib';
import { renderContainer } from '../lib/common/container';
import { readReleaseDir } from '../lib/release';
import { planReleases } from '../lib/release/plan';
import { canonicalQuantity } from '../lib/rules/quantity';
import { find, Manifest } from './support/manifests';

const root = path.resolve(__dirname, '..');

/** Keys whose empty value the server keeps (an empty struct that means something). */
const EMPTY_KEPT = new Set(['emptyDir']);
/** Keys whose empty string means something (a claim for static PVs only). */
const EMPTY_STRING_KEPT = new Set(['storageClassName']);

/** What of `obj` the API server would drop or write back otherwise, as `path: why`. */
function serverRewrites(obj: Manifest): string[] {
  const out: string[] = [];
  const walk = (value: unknown, at: string, key: string, parent: string): void => {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(`${at}: empty list (dropped)`);
      value.forEach((v, i) => walk(v, `${at}[${i}]`, `${key}[]`, parent));
      return;
    }
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0 && !EMPTY_KEPT.has(key)) out.push(`${at}: empty map (dropped)`);
      if (key === 'fieldRef' && !('apiVersion' in (value as object))) out.push(`${at}: fieldRef without apiVersion (the server fills in v1; atomic)`);
      for (const [k, v] of entries) walk(v, at ? `${at}.${k}` : k, k, key);
      return;
    }
    if (key === 'readOnly' && value === false) out.push(`${at}: readOnly false (the default, dropped)`);
    // (An empty string in a list is a value: `apiGroups: [""]` is the core group.)
    if (value === '' && !EMPTY_STRING_KEPT.has(key) && !key.endsWith('[]')) out.push(`${at}: empty string (dropped)`);
    const quantity = ['requests', 'limits'].includes(parent) || key === 'sizeLimit' || (key === 'storage' && parent === 'requests');
    if (quantity && typeof value === 'string') {
      const stored = canonicalQuantity(value, { resourceList: key !== 'sizeLimit' });
      if (stored !== value) out.push(`${at}: quantity ${value} (the server stores ${stored})`);
    }
  };
  walk(obj, '', '', '');
  for (const [i, t] of (obj.spec?.volumeClaimTemplates ?? []).entries()) {
    const stored = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', volumeMode: 'Filesystem', status: { phase: 'Pending' } };
    const has = { apiVersion: t.apiVersion, kind: t.kind, volumeMode: t.spec?.volumeMode, status: t.status };
    if (JSON.stringify(has) !== JSON.stringify(stored)) out.push(`spec.volumeClaimTemplates[${i}]: not as the server stores it (${JSON.stringify(has)})`);
  }
  return out;
}

describe('dist/ re-applied unchanged is a no-op', () => {
  const releases = readReleaseDir(path.join(root, 'dist'));

  test.each(releases.map(r => [r.file, r]))('%s holds no field the API server drops or rewrites', (_file, release) => {
    const problems = release.documents.flatMap(d => serverRewrites(d.object).map(p => `${d.object.kind}/${d.object.metadata.name} ${p}`));
    expect(problems).toEqual([]);
  });

  test('the check finds what the API server of the reports dropped: readOnly false, a claim template as written before, a fieldRef without apiVersion', () => {
    const before = {
      kind: 'CronJob', metadata: { name: 'mysql-backup' },
      spec: { template: { spec: { containers: [{ volumeMounts: [{ name: 'r', mountPath: '/r', readOnly: false }], env: [{ name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }] }],
        volumes: [{ name: 'r', persistentVolumeClaim: { claimName: 'c', readOnly: false } }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1024Mi' } } } }] },
    };
    expect(serverRewrites(before)).toEqual([
      'spec.template.spec.containers[0].volumeMounts[0].readOnly: readOnly false (the default, dropped)',
      'spec.template.spec.containers[0].env[0].valueFrom.fieldRef: fieldRef without apiVersion (the server fills in v1; atomic)',
      'spec.template.spec.volumes[0].persistentVolumeClaim.readOnly: readOnly false (the default, dropped)',
      'spec.volumeClaimTemplates[0].spec.resources.requests.storage: quantity 1024Mi (the server stores 1Gi)',
      'spec.volumeClaimTemplates[0]: not as the server stores it ({})',
    ]);
  });
});

describe('the renderers write only what the server keeps', () => {
  test('readOnly false is left out of mounts and claim volumes; true stays', () => {
    const c = renderContainer({ name: 'c', image: 'x:1', volumeMounts: [
      { volume: 'a', mountPath: '/a', readOnly: false }, { volume: 'b', mountPath: '/b', readOnly: true }, { volume: 'c', mountPath: '/c', subPath: '' }] });
    expect(c.volumeMounts).toEqual([{ name: 'a', mountPath: '/a' }, { name: 'b', mountPath: '/b', readOnly: true }, { name: 'c', mountPath: '/c' }]);
    expect(AppVolume.persistentVolumeClaim('v', 'claim', { readOnly: false }).toVolume()).toEqual({ name: 'v', persistentVolumeClaim: { claimName: 'claim' } });
    expect(AppVolume.persistentVolumeClaim('v', 'claim', { readOnly: true }).toVolume()).toEqual({ name: 'v', persistentVolumeClaim: { claimName: 'claim', readOnly: true } });
  });

  test('quantities in props come out as the server stores them: resources, claim sizes, emptyDir limits', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'ns' });
    new StatefulApp(chart, 'app', {
      container: { name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '0.5', memory: '1024Mi' }, limits: { memory: '2048Mi', cpu: '1000m' } } },
      volumes: [AppVolume.emptyDir('tmp', { sizeLimit: '1024Ki' })],
      volumeClaims: [{ name: 'data', size: '1024Gi', mountPath: '/data' }],
    });
    const sts = find(chart.toJson(), 'StatefulSet', 'app');
    const pod = sts.spec.template.spec;
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } });
    expect(pod.volumes[0].emptyDir).toEqual({ sizeLimit: '1Mi' });
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Ti');
  });

  test('claim templates carry apiVersion, kind, volumeMode and status as the server stores them', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'ns' });
    new StatefulApp(chart, 'app', { container: { name: 'app', image: 'registry.k8s.io/pause:3.10' }, volumeClaims: [{ name: 'data', size: '1Gi', mountPath: '/data' }] });
    expect(find(chart.toJson(), 'StatefulSet', 'app').spec.volumeClaimTemplates).toEqual([{
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', labels: { 'app.kubernetes.io/name': 'app', 'app.kubernetes.io/instance': 'app' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    }]);
  });

  test('a downward-API env value names the fieldRef apiVersion', () => {
    expect(EnvValue.fromField('metadata.name').toEnvVar('POD')).toEqual({ name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } });
  });

  test('the plan: claim templates written without the fields the server fills in are the same templates (no refused change)', () => {
    const template = (stored: boolean) => ({
      ...(stored ? { apiVersion: 'v1', kind: 'PersistentVolumeClaim' } : {}),
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...(stored ? { volumeMode: 'Filesystem' } : {}) },
      ...(stored ? { status: { phase: 'Pending' } } : {}),
    });
    const sts = (stored: boolean) => ({
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'ns', labels: { 'cdk8s-stateful/release': 'r' } },
      spec: { serviceName: 'db', selector: { matchLabels: { a: 'b' } }, template: {}, volumeClaimTemplates: [template(stored)] },
    });
    const rel = (stored: boolean) => [{ name: 'r', file: '0000-r.k8s.yaml', documents: [{ object: sts(stored), text: '' }] }];
    const plans = planReleases(rel(false), rel(true));
    expect(plans.flatMap(p => p.risks)).toEqual([]);
    const grown = rel(true);
    (grown[0].documents[0].object.spec.volumeClaimTemplates[0] as any).spec.storageClassName = 'fast';
    expect(planReleases(rel(false), grown).flatMap(p => p.risks.map(r => r.severity))).toEqual(['refused']);
  });
});

describe('canonicalQuantity: what a v1.37.2 kube-apiserver stored for each quantity', () => {
  // Recorded from kube-apiserver v1.37.2 (server-side dry-run): as `requests.cpu` of a ResourceQuota
  // (a resource list: rounded up to milli units) and as an emptyDir `sizeLimit` (a plain quantity).
  const SERVER: [string, string, string][] = [
    ['1024Mi', '1Gi', '1Gi'], ['1Gi', '1Gi', '1Gi'], ['1000m', '1', '1'], ['0.5', '500m', '500m'], ['1.5Gi', '1536Mi', '1536Mi'],
    ['2000', '2k', '2k'], ['0.5Ki', '512', '512'], ['100Mi', '100Mi', '100Mi'], ['500m', '500m', '500m'], ['1', '1', '1'],
    ['1e3', '1e3', '1e3'], ['1E3', '1E3', '1E3'], ['1500e-3', '1500e-3', '1500e-3'], ['2048Ki', '2Mi', '2Mi'], ['1023Ki', '1023Ki', '1023Ki'],
    ['1025', '1025', '1025'], ['0', '0', '0'], ['1.5', '1500m', '1500m'], ['0.1', '100m', '100m'], ['1000k', '1M', '1M'],
    ['0.001', '1m', '1m'], ['1n', '1m', '1n'], ['1.0000000001', '1001m', '1000000001n'], ['1536Mi', '1536Mi', '1536Mi'], ['3072Mi', '3Gi', '3Gi'],
    ['1048576Ki', '1Gi', '1Gi'], ['123456789', '123456789', '123456789'], ['12e6', '12e6', '12e6'], ['1.5e3', '1500', '1500'], ['100000m', '100', '100'],
    ['2.5Mi', '2560Ki', '2560Ki'], ['1024', '1024', '1024'], ['8Mi', '8Mi', '8Mi'], ['3Mi', '3Mi', '3Mi'], ['16Mi', '16Mi', '16Mi'],
    ['64Mi', '64Mi', '64Mi'], ['250m', '250m', '250m'], ['0.25', '250m', '250m'], ['10Gi', '10Gi', '10Gi'], ['50Gi', '50Gi', '50Gi'],
    ['1000Mi', '1000Mi', '1000Mi'], ['1000000', '1M', '1M'], ['0.0001', '1m', '100u'], ['100u', '1m', '100u'], ['1500n', '1m', '1500n'],
    ['2.000', '2', '2'], ['007', '007', '007'], ['1.20', '1200m', '1200m'], ['4096', '4096', '4096'], ['1e-3', '1e-3', '1e-3'],
    ['5e-1', '500e-3', '500e-3'], ['1M', '1M', '1M'], ['1000M', '1G', '1G'], ['+1Gi', '+1Gi', '+1Gi'],
  ];

  test.each(SERVER)('%s: %s in a resource list, %s elsewhere', (written, inList, plain) => {
    expect(canonicalQuantity(written, { resourceList: true })).toBe(inList);
    expect(canonicalQuantity(written)).toBe(plain);
  });

  test('no quantity: undefined', () => {
    expect(canonicalQuantity('10GB')).toBeUndefined();
  });
});
