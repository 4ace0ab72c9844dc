import { Chart, Testing } from 'cdk8s';
import { EnvValue, Probe, SecretKeyRef, StatefulApp, StatefulAppProps, StatefulSetUpdateStrategy } from '../lib';
import { KUBERNETES_VERSION_CONTEXT } from '../lib/validation/app-validation';
import { expectValid, find, Manifest, ofKind, synthChart } from './support/manifests';

const container = {
  name: 'app',
  image: 'nginx:1.27.2',
  ports: [{ name: 'http', port: 80 }],
};

function synth(props: Partial<StatefulAppProps> = {}, id = 'myapp'): Manifest[] {
  return synthChart(chart => new StatefulApp(chart, id, { container, ...props }));
}

function build(props: Partial<StatefulAppProps> = {}): StatefulApp {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'prod' });
  return new StatefulApp(chart, 'web', { container, ...props });
}

describe('StatefulApp defaults', () => {
  const objects = synth({ volumeClaims: [{ name: 'data', size: '1Gi', mountPath: '/data' }] });
  const sts = find(objects, 'StatefulSet', 'myapp');

  test('is strictly valid', () => expectValid(objects));

  test('points serviceName at a headless Service selecting its pods', () => {
    const svc = find(objects, 'Service', sts.spec.serviceName);
    expect(svc.spec.clusterIP).toBe('None');
    expect(sts.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    expect(sts.spec.template.metadata.labels).toMatchObject(sts.spec.selector.matchLabels);
  });

  test('one replica, OrderedReady, RollingUpdate, claims retained on delete and scale-down', () => {
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  test('claim template defaults to ReadWriteOnce and is mounted into the main container', () => {
    const claim = sts.spec.volumeClaimTemplates[0];
    expect(claim.metadata.name).toBe('data');
    expect(claim.spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(claim.spec.resources.requests.storage).toBe('1Gi');
    expect(sts.spec.template.spec.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
  });

  test('carries the recommended labels, without hashes in names', () => {
    expect(sts.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'myapp',
      'app.kubernetes.io/instance': 'myapp',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
    expect(objects.map(o => o.metadata.name).sort()).toEqual(['myapp', 'myapp']);
  });

  test('safe security defaults, no service account token, soft anti-affinity', () => {
    const pod = sts.spec.template.spec;
    expect(pod.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]).toEqual({
      weight: 100,
      podAffinityTerm: { labelSelector: { matchLabels: sts.spec.selector.matchLabels }, topologyKey: 'kubernetes.io/hostname' },
    });
  });

  test('no PodDisruptionBudget for a single replica', () => {
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(0);
  });
});

describe('StatefulApp props', () => {
  test('the seed myapp: 3 replicas get a PDB selecting their pods', () => {
    const objects = synth({ replicas: 3 });
    const pdb = find(objects, 'PodDisruptionBudget', 'myapp');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: find(objects, 'StatefulSet', 'myapp').spec.selector.matchLabels } });
    expectValid(objects);
  });

  test('PDB and anti-affinity are switchable', () => {
    const objects = synth({ replicas: 3, disruptionBudget: false, antiAffinity: 'none' });
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(0);
    expect(find(objects, 'StatefulSet', 'myapp').spec.template.spec.affinity).toBeUndefined();
    const hard = find(synth({ antiAffinity: 'hard' }), 'StatefulSet', 'myapp').spec.template.spec.affinity;
    expect(hard.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
  });

  test('Parallel, partition, OnDelete, history, minReadySeconds, retention', () => {
    const sts = find(synth({
      replicas: 4,
      podManagementPolicy: 'Parallel',
      updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition: 2 }),
      revisionHistoryLimit: 3,
      minReadySeconds: 10,
      claimRetentionPolicy: { whenScaled: 'Delete' },
    }), 'StatefulSet', 'myapp');
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2 } });
    expect(sts.spec.revisionHistoryLimit).toBe(3);
    expect(sts.spec.minReadySeconds).toBe(10);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Delete' });
    const onDelete = find(synth({ updateStrategy: StatefulSetUpdateStrategy.onDelete() }), 'StatefulSet', 'myapp');
    expect(onDelete.spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  test('maxUnavailable is rendered for Kubernetes 1.37, where it is on by default', () => {
    const app = Testing.app();
    app.node.setContext(KUBERNETES_VERSION_CONTEXT, '1.37');
    const chart = new Chart(app, 'test', { namespace: 'test' });
    new StatefulApp(chart, 'myapp', { container, replicas: 4, updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition: 2, maxUnavailable: '50%' }) });
    const sts = find(chart.toJson(), 'StatefulSet', 'myapp');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2, maxUnavailable: '50%' } });
  });

  test('ConfigMaps are mounted and their content hash rolls the pods', () => {
    const cfg = (v: string) => synth({ configMaps: [{ name: 'conf', files: { 'app.conf': v }, mountPath: '/etc/app' }] });
    const a = cfg('a=1'); const b = cfg('a=2');
    expect(find(a, 'ConfigMap', 'myapp-conf').data).toEqual({ 'app.conf': 'a=1' });
    const hash = (o: Manifest[]) => find(o, 'StatefulSet', 'myapp').spec.template.metadata.annotations['checksum/config'];
    expect(hash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(a)).not.toBe(hash(b));
    expect(hash(a)).toBe(hash(cfg('a=1')));
    const pod = find(a, 'StatefulSet', 'myapp').spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'conf', configMap: { name: 'myapp-conf' } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'conf', mountPath: '/etc/app' }]);
    expectValid(a);
  });

  test('claims: subPath, access modes, storage class', () => {
    const sts = find(synth({
      volumeClaims: [{ name: 'data', size: '10Gi', mountPath: '/var/lib/mysql', subPath: 'mysql', accessModes: ['ReadWriteOncePod'], storageClassName: 'sc-nfs' }],
    }), 'StatefulSet', 'myapp');
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOncePod'], storageClassName: 'sc-nfs', resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem',
    });
    expect(sts.spec.template.spec.containers[0].volumeMounts[0]).toEqual({ name: 'data', mountPath: '/var/lib/mysql', subPath: 'mysql' });
  });

  test('containers: env from values, Secrets, ConfigMaps and fields; probes; resources; security', () => {
    const sts = find(synth({
      container: {
        ...container,
        env: {
          MODE: EnvValue.fromValue('prod'),
          DB_PASSWORD: EnvValue.fromSecret(SecretKeyRef.of('db', 'password')),
          LEVEL: EnvValue.fromConfigMap('settings', 'level'),
          POD: EnvValue.fromField('metadata.name'),
        },
        startupProbe: Probe.tcp('http', { failureThreshold: 30 }),
        livenessProbe: Probe.http('/healthz', 'http'),
        readinessProbe: Probe.exec(['cat', '/tmp/ready'], { periodSeconds: 2 }),
        resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi', ephemeralStorage: '1Gi' } },
        securityContext: { runAsUser: 101, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilitiesAdd: ['NET_BIND_SERVICE'] },
      },
      initContainers: [{ name: 'init', image: 'busybox:1.37.0', command: ['true'] }],
      sidecars: [{ name: 'metrics', image: 'nginx/nginx-prometheus-exporter:1.3.0', ports: [{ name: 'metrics', port: 9113 }] }],
      podSecurity: { fsGroup: 101 },
      serviceAccount: {},
    }), 'StatefulSet', 'myapp');
    const pod = sts.spec.template.spec;
    const c = pod.containers[0];
    expect(c.env).toEqual([
      { name: 'MODE', value: 'prod' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'level' } } },
      { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    ]);
    expect(c.startupProbe).toEqual({ tcpSocket: { port: 'http' }, failureThreshold: 30 });
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/healthz', port: 'http' } });
    expect(c.readinessProbe).toEqual({ exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 2 });
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi', 'ephemeral-storage': '1Gi' } });
    expect(c.securityContext).toEqual({
      runAsUser: 101, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
    });
    expect(pod.securityContext).toEqual({ fsGroup: 101, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.initContainers.map((x: Manifest) => x.name)).toEqual(['init']);
    expect(pod.containers.map((x: Manifest) => x.name)).toEqual(['app', 'metrics']);
    expect(pod.serviceAccountName).toBe('myapp');
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('headless and client Services expose the named ports', () => {
    const objects = synth({
      headlessService: { name: 'peers', publishNotReadyAddresses: true },
      clientService: { type: 'LoadBalancer' },
    });
    const headless = find(objects, 'Service', 'peers');
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    expect(find(objects, 'StatefulSet', 'myapp').spec.serviceName).toBe('peers');
    const client = find(objects, 'Service', 'myapp-client');
    expect(client.spec.type).toBe('LoadBalancer');
    expect(client.spec.clusterIP).toBeUndefined();
    expect(client.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expectValid(objects);
  });
});

describe('StatefulApp handles', () => {
  const app = build({ replicas: 3, volumeClaims: [{ name: 'data', size: '1Gi' }], clientService: {} });

  test('podDnsName is <sts>-<n>.<svc>.<ns>.svc.cluster.local', () => {
    expect(app.podDnsName(2)).toBe('web-2.web.prod.svc.cluster.local');
    expect(() => app.podDnsName(-1)).toThrow(/podDnsName\(ordinal\) -1 is invalid/);
  });

  test('pvcName is <claim>-<sts>-<n> and only for real claims', () => {
    expect(app.pvcName('data', 1)).toBe('data-web-1');
    expect(() => app.pvcName('logs', 0)).toThrow(/must name a volume claim template \(known: data\)/);
  });

  test('endpoints and escape hatches', () => {
    expect(app.podEndpoint(0, 'http')).toEqual({ host: 'web-0.web.prod.svc.cluster.local', port: 80 });
    expect(app.serviceEndpoint('http')).toEqual({ host: 'web-client.prod.svc.cluster.local', port: 80 });
    expect(app.statefulSet.name).toBe('web');
    expect(app.selectorLabels).toEqual({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' });
  });
});

describe('StatefulApp rejects bad input, naming the path, the value and the rule', () => {
  const cases: Array<[string, Partial<StatefulAppProps>, RegExp]> = [
    ['a non DNS-1123 name', { name: 'My_App' }, /test\/web: name "My_App" is invalid: must be a DNS-1123 label/],
    ['a name over 52 characters', { name: 'a'.repeat(53) }, /name "a{53}" is invalid: must be at most 52 characters/],
    ['negative replicas', { replicas: -1 }, /replicas -1 is invalid: must be at least 0/],
    ['fractional replicas', { replicas: 1.5 }, /replicas 1.5 is invalid: must be a whole number/],
    ['a partition above replicas', { replicas: 2, updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition: 3 }) },
      /updateStrategy.partition 3 is invalid: must be between 0 and 2/],
    ['a negative partition', { updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition: -1 }) }, /partition -1 is invalid/],
    ['10GB', { volumeClaims: [{ name: 'data', size: '10GB' }] }, /volumeClaims\[0\].size "10GB" is invalid: .*did you mean "10Gi"\?/],
    ['ten', { volumeClaims: [{ name: 'data', size: 'ten' }] }, /size "ten" is invalid: must be a Kubernetes quantity: .*"10Gi"/],
    ['a malformed cpu', { container: { ...container, resources: { requests: { cpu: '0.5 cores' } } } }, /resources.requests.cpu "0.5 cores" is invalid/],
    ['duplicate port names', { container: { ...container, ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] } },
      /container.ports\[\].name "http" is invalid: must be unique/],
    ['a port name over 15 characters', { container: { ...container, ports: [{ name: 'a-very-long-port-name', port: 80 }] } },
      /ports\[0\].name "a-very-long-port-name" is invalid: must be at most 15 characters/],
    ['port 0', { container: { ...container, ports: [{ name: 'http', port: 0 }] } }, /ports\[0\].port 0 is invalid: must be between 1 and 65535/],
    ['port 70000', { container: { ...container, ports: [{ name: 'http', port: 70000 }] } }, /port 70000 is invalid/],
    ['duplicate claim names', { volumeClaims: [{ name: 'data', size: '1Gi' }, { name: 'data', size: '2Gi' }] },
      /volumeClaims\[\].name "data" is invalid: must be unique/],
    ['duplicate mount paths', { volumeClaims: [{ name: 'a', size: '1Gi', mountPath: '/data' }, { name: 'b', size: '1Gi', mountPath: '/data' }] },
      /container.volumeMounts\[\].mountPath "\/data" is invalid: must be unique/],
    ['a relative mount path', { volumeClaims: [{ name: 'data', size: '1Gi', mountPath: 'data' }] }, /mountPath "data" is invalid: must be an absolute path/],
    ['a mount of no volume', { container: { ...container, volumeMounts: [{ volume: 'nope', mountPath: '/x' }] } },
      /volumeMounts\[0\].volume "nope" is invalid: must name a volume/],
    ['an image without tag', { container: { ...container, image: 'nginx' } }, /container.image "nginx" is invalid: must name a pinned tag or digest/],
    ['an image tagged latest', { container: { ...container, image: 'nginx:latest' } }, /must name a pinned tag/],
    ['duplicate container names', { sidecars: [{ name: 'app', image: 'busybox:1.37.0' }] }, /container names "app" is invalid: must be unique/],
    ['a client Service port that does not exist', { clientService: { ports: ['grpc'] } }, /clientService.ports "grpc" is invalid: must name a container port/],
  ];
  test.each(cases)('%s', (_, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('a digest-pinned image is accepted', () => {
    expect(() => build({ container: { ...container, image: `nginx@sha256:${'a'.repeat(64)}` } })).not.toThrow();
  });
});

describe('pod options shared with DeploymentApp', () => {
  test('image pull secrets, node selector, tolerations, priority class, grace period, pod labels and annotations', () => {
    const pod = find(synth({
      imagePullSecrets: ['mirror-creds'],
      nodeSelector: { disk: 'ssd' },
      tolerations: [{ key: 'db', operator: 'Exists', effect: 'NoSchedule' }],
      priorityClassName: 'high',
      terminationGracePeriodSeconds: 60,
      podLabels: { team: 'data' },
      podAnnotations: { 'example.com/owner': 'data' },
    }), 'StatefulSet', 'myapp').spec.template;
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'mirror-creds' }]);
    expect(pod.spec.nodeSelector).toEqual({ disk: 'ssd' });
    expect(pod.spec.tolerations).toEqual([{ key: 'db', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.spec.priorityClassName).toBe('high');
    expect(pod.spec.terminationGracePeriodSeconds).toBe(60);
    expect(pod.metadata.labels.team).toBe('data');
    expect(pod.metadata.annotations).toEqual({ 'example.com/owner': 'data' });
  });
});

describe('StatefulApp probes and Services', () => {
  test('a probe must name a port of its container', () => {
    expect(() => build({ container: { ...container, livenessProbe: Probe.tcp('admin') } }))
      .toThrow(/container.livenessProbe.port "admin" is invalid: must name a port of this container \(known: http\)/);
  });

  test('a client Service needs a port', () => {
    expect(() => build({ container: { name: 'worker', image: 'busybox:1.37.0' }, clientService: {} }))
      .toThrow(/clientService.ports \(unset\) is invalid: a Service needs at least one port/);
  });
});
