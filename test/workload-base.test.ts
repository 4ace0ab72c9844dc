import { Chart, Testing } from 'cdk8s';
import { AppVolume, DeploymentApp, EnvValue, SecretKeyRef, StatefulApp, StatefulAppProps } from '../lib';
import { expectValid, find } from './support/manifests';

function build(props: Partial<StatefulAppProps> = {}) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'test' });
  const app = new StatefulApp(chart, 'db', {
    container: { name: 'db', image: 'redis:7.4.1', ports: [{ name: 'redis', port: 6379 }] },
    configMaps: [{ name: 'config', files: { 'a.conf': 'a' }, mountPath: '/etc/db' }],
    volumeClaims: [{ name: 'data', size: '1Gi', mountPath: '/data' }],
    ...props,
  });
  return { chart, app, objects: () => chart.toJson() };
}

const podSpec = (objects: any[]) => find(objects, 'StatefulSet', 'db').spec.template.spec;
const checksum = (objects: any[]) => find(objects, 'StatefulSet', 'db').spec.template.metadata.annotations['checksum/config'];

describe('WorkloadBase: additions after construction', () => {
  test('a sidecar, an init container, a volume, env and mounts added later are in the pod template', () => {
    const { app, objects } = build();
    app.addVolume(AppVolume.emptyDir('scratch'));
    app.addSidecar({ name: 'metrics', image: 'oliver006/redis_exporter:v1.66.0', ports: [{ name: 'metrics', port: 9121 }] });
    app.addInitContainer({ name: 'prepare', image: 'busybox:1.37.0', command: ['true'] });
    app.addEnv('MODE', EnvValue.fromValue('cache'));
    app.addEnv('TOKEN', EnvValue.fromSecret(SecretKeyRef.of('exporter', 'token')), 'metrics');
    app.addVolumeMount({ volume: 'scratch', mountPath: '/scratch' }, 'metrics');
    const spec = podSpec(objects());
    expect(spec.containers.map((c: any) => c.name)).toEqual(['db', 'metrics']);
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['prepare']);
    expect(spec.containers[0].env).toEqual([{ name: 'MODE', value: 'cache' }]);
    expect(spec.containers[1].volumeMounts).toEqual([{ name: 'scratch', mountPath: '/scratch' }]);
    expect(app.ports.map(p => p.name)).toEqual(['redis', 'metrics']);
    expect(app.requiredSecrets).toEqual([{ secretName: 'exporter', key: 'token', namespace: 'test', purpose: 'env TOKEN of container metrics', usedBy: ['test/db'] }]);
    expectValid(objects());
  });

  test('a config file added later lands in the ConfigMap and rolls the pods', () => {
    const before = checksum(build().objects());
    const { app, objects } = build();
    app.addConfigFile('config', 'b.conf', 'b');
    expect(find(objects(), 'ConfigMap', 'db-config').data).toEqual({ 'a.conf': 'a', 'b.conf': 'b' });
    expect(checksum(objects())).not.toBe(before);
    expect(() => app.addConfigFile('nope', 'x', 'y')).toThrow(/addConfigFile\(configMap\) "nope" is invalid: must name a ConfigMap of this app \(known: config\)/);
  });

  test("a ConfigMap the app does not make joins the checksum through addChecksumSource", () => {
    const before = checksum(build().objects());
    const { app, objects } = build();
    app.addChecksumSource('shared-settings', { 'x.conf': '1' });
    expect(checksum(objects())).not.toBe(before);
  });

  test('an env var added to a container that does not exist is refused', () => {
    expect(() => build().app.addEnv('X', EnvValue.fromValue('1'), 'nope')).toThrow(/addEnv\(container\) "nope" is invalid: must name a container of this pod \(known: db\)/);
  });
});

describe('WorkloadBase: placement and extension props', () => {
  test('affinity is merged with the own anti-affinity; topology spread selects the own pods by default', () => {
    const nodeAffinity = { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] } };
    const { objects } = build({
      replicas: 3,
      affinity: { nodeAffinity },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }],
      priorityClassName: 'databases', imagePullSecrets: ['mirror'], podLabels: { team: 'data' }, podAnnotations: { note: 'x' },
      extraEnv: { EXTRA: EnvValue.fromValue('1') },
      extraVolumes: [AppVolume.secret('tls', 'db-tls')],
      extraVolumeMounts: [{ volume: 'tls', mountPath: '/tls', readOnly: true }],
    });
    const o = objects();
    const spec = podSpec(o);
    expect(spec.affinity.nodeAffinity).toEqual(nodeAffinity);
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(spec.topologySpreadConstraints[0].labelSelector).toEqual({ matchLabels: find(o, 'StatefulSet', 'db').spec.selector.matchLabels });
    expect(spec.priorityClassName).toBe('databases');
    expect(spec.imagePullSecrets).toEqual([{ name: 'mirror' }]);
    expect(find(o, 'StatefulSet', 'db').spec.template.metadata.labels.team).toBe('data');
    expect(spec.containers[0].env).toEqual([{ name: 'EXTRA', value: '1' }]);
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'tls', mountPath: '/tls', readOnly: true });
    expect(spec.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'db-tls', defaultMode: 0o440 } });
    expectValid(o);
  });

  test("storageClassName '' (static PVs only) is allowed; an existing claim is shared by every pod", () => {
    const { objects } = build({ volumeClaims: [{ name: 'data', size: '1Gi', storageClassName: '', mountPath: '/data' }, { name: 'shared', existingClaim: 'media', accessModes: ['ReadWriteMany'], mountPath: '/media' }] });
    const sts = find(objects(), 'StatefulSet', 'db');
    expect(sts.spec.volumeClaimTemplates.map((t: any) => [t.metadata.name, t.spec.storageClassName])).toEqual([['data', '']]);
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'shared', persistentVolumeClaim: { claimName: 'media' } });
    expectValid(objects());
  });

  test('the pod DNS name is known before construction, and equals the instance one', () => {
    const { app } = build();
    expect(StatefulApp.podDnsName({ name: 'db', ordinal: 1, namespace: 'test' })).toBe(app.podDnsName(1));
    expect(() => StatefulApp.podDnsName({ name: 'db', ordinal: -1 })).toThrow(/ordinal -1/);
  });

  test('a Deployment on the same base takes the same props', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'test' });
    const web = new DeploymentApp(chart, 'web', {
      container: { name: 'web', image: 'nginx:1.27.3', ports: [{ name: 'http', port: 8080 }] },
      volumeClaims: [{ name: 'cache', size: '1Gi', mountPath: '/cache' }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    });
    web.addEnv('A', EnvValue.fromValue('1'));
    const d = find(chart.toJson(), 'Deployment', 'web');
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }]);
    expect(web.serviceEndpoint('http')).toEqual({ host: 'web.test.svc.cluster.local', port: 8080 });
  });
});
