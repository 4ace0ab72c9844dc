import { Chart, Testing } from 'cdk8s';
import {
  AppVolume, BackupTarget, DeploymentApp, DeploymentAppProps, EnvValue, HarborExposure, Harbor, HarborProps, MySQLReplication, MySQLReplicationProps, Probe,
  SecretKeyRef,
  StatefulApp, StatefulAppProps, StatefulSetUpdateStrategy,
} from '../lib';

/**
 * Every input of issue 10 that a cluster rejects (or silently mangles) but that once passed both the
 * constructs and the validator: each must now fail at construction with the user's construct path,
 * prop, value and rule, and never show a secret.
 */

const container = { name: 'app', image: 'nginx:1.27.2', ports: [{ name: 'http', port: 80 }] };

function chart(kubernetesVersion?: string): Chart {
  const app = Testing.app();
  if (kubernetesVersion) app.node.setContext('cdk8s-stateful:kubernetesVersion', kubernetesVersion);
  return new Chart(app, 'test', { namespace: 'prod' });
}

const MAX_UNAVAILABLE_OFF = (value: string, version: string, release: string) =>
  `updateStrategy.maxUnavailable ${value} is invalid: cannot be used: updateStrategy.maxUnavailable is `
  + `${version === '1.28' ? 'an alpha field' : 'a beta field'}, off by default, in Kubernetes ${version} (${release}, feature gate MaxUnavailableStatefulSet): `
  + 'a server with default feature gates drops it and updates one pod at a time; it is on by default in Kubernetes 1.37. '
  + 'Leave it unset, or set the context cdk8s-stateful:kubernetesVersion to the release of a cluster that has it';

function statefulApp(props: Partial<StatefulAppProps>): void {
  new StatefulApp(chart(), 'web', { container, ...props });
}

function deploymentApp(props: Partial<DeploymentAppProps>): void {
  new DeploymentApp(chart(), 'web', { container, ...props });
}

function mysql(props: MySQLReplicationProps): void {
  new MySQLReplication(chart(), 'db', props);
}

function harbor(props: Partial<HarborProps>): void {
  new Harbor(chart(), 'harbor', {
    exposure: HarborExposure.ingress({ className: 'nginx', hosts: { core: 'registry.example.com' }, tls: { secretName: 'harbor-tls' } }),
    ...props,
  });
}

/** The rules of `lib/rules` that several cases break. */
const SUBDOMAIN = "must be a DNS-1123 subdomain: lower-case alphanumerics, '-' or '.', starting and ending with an alphanumeric (e.g. 'example.com')";
const ENV_NAME = "must consist of letters, digits, '_', '-' or '.', and must not start with a digit (e.g. 'MY_ENV.NAME')";

const withContainer = (extra: object): Partial<StatefulAppProps> => ({ container: { ...container, ...extra } });

const cases: Array<[string, () => void, string]> = [
  // claim sizes, resources
  ['a claim of -5Gi', () => statefulApp({ volumeClaims: [{ name: 'data', size: '-5Gi' }] }),
    'test/web: volumeClaims[0].size "-5Gi" is invalid: must be greater than zero'],
  ['a claim of 0', () => deploymentApp({ volumeClaims: [{ name: 'data', size: '0' }] }),
    'test/web: volumeClaims[0].size "0" is invalid: must be greater than zero'],
  ['a cpu request of -1', () => statefulApp(withContainer({ resources: { requests: { cpu: '-1' } } })),
    'test/web: container.resources.requests.cpu "-1" is invalid: must not be negative'],
  ['a memory request above its limit', () => statefulApp(withContainer({ resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } })),
    'test/web: container.resources.requests.memory "2Gi" is invalid: must be at most its limit "1Gi": the kubelet cannot create a pod whose request exceeds its limit'],
  ['a cpu request above its limit', () => deploymentApp(withContainer({ resources: { requests: { cpu: '2' }, limits: { cpu: '500m' } } })),
    'test/web: container.resources.requests.cpu "2" is invalid: must be at most its limit "500m": the kubelet cannot create a pod whose request exceeds its limit'],
  ['memory 64m', () => statefulApp(withContainer({ resources: { limits: { memory: '64m' } } })),
    'test/web: container.resources.limits.memory "64m" is invalid: must be a whole number of bytes ("m" means milli, a thousandth): did you mean "64Mi"?'],
  // env
  ['an env var named "MY VAR"', () => statefulApp(withContainer({ env: { 'MY VAR': EnvValue.fromValue('x') } })),
    `test/web: container.env "MY VAR" is invalid: ${ENV_NAME}`],
  ['an extraEnv var named "1VAR"', () => statefulApp({ extraEnv: { '1VAR': EnvValue.fromValue('x') } }),
    `test/web: extraEnv "1VAR" is invalid: ${ENV_NAME}`],
  ['an env var added by addEnv named "MY VAR"', () => new StatefulApp(chart(), 'web', { container }).addEnv('MY VAR', EnvValue.fromValue('x')),
    `test/web: addEnv "MY VAR" is invalid: ${ENV_NAME}`],
  ['a literal password in env', () => statefulApp(withContainer({ env: { DB_PASSWORD: EnvValue.fromValue('hunter2') } })),
    'test/web: container.env.DB_PASSWORD (a literal value, not shown) is invalid: looks like a credential but has a literal value, which would be written into the manifests: read it from a Secret with EnvValue.fromSecret(SecretKeyRef.of(secretName, key))'],
  ['a literal token in extraEnv', () => deploymentApp({ extraEnv: { API_TOKEN: EnvValue.fromValue('hunter2') } }),
    'test/web: extraEnv.API_TOKEN (a literal value, not shown) is invalid: looks like a credential but has a literal value, which would be written into the manifests: read it from a Secret with EnvValue.fromSecret(SecretKeyRef.of(secretName, key))'],
  ['a SecretKeyRef to Bad_Secret in env', () => statefulApp(withContainer({ env: { DB_PASSWORD: EnvValue.fromSecret(SecretKeyRef.of('Bad_Secret', 'password')) } })),
    `test/web: container.env.DB_PASSWORD.secretName "Bad_Secret" is invalid: ${SUBDOMAIN}`],
  // security
  ['runAsUser -1', () => statefulApp({ podSecurity: { runAsUser: -1 } }),
    'test/web: podSecurity.runAsUser -1 is invalid: must be between 0 and 2147483647'],
  ['runAsGroup above 2147483647', () => statefulApp(withContainer({ securityContext: { runAsGroup: 2147483648 } })),
    'test/web: container.securityContext.runAsGroup 2147483648 is invalid: must be between 0 and 2147483647'],
  ['fsGroup -1', () => deploymentApp({ podSecurity: { fsGroup: -1 } }),
    'test/web: podSecurity.fsGroup -1 is invalid: must be between 0 and 2147483647'],
  // probes
  ['a liveness probe with successThreshold 2', () => statefulApp(withContainer({ livenessProbe: Probe.tcp('http', { successThreshold: 2 }) })),
    'test/web: container.livenessProbe.successThreshold 2 is invalid: must be 1 for a liveness probe: one success already counts as passed'],
  ['a startup probe with successThreshold 2', () => statefulApp(withContainer({ startupProbe: Probe.tcp('http', { successThreshold: 2 }) })),
    'test/web: container.startupProbe.successThreshold 2 is invalid: must be 1 for a startup probe: one success already counts as passed'],
  ['a probe with periodSeconds -10', () => statefulApp(withContainer({ readinessProbe: Probe.http('/', 'http', { periodSeconds: -10 }) })),
    'test/web: container.readinessProbe.periodSeconds -10 is invalid: must be at least 1'],
  ['Probe.exec([])', () => deploymentApp(withContainer({ livenessProbe: Probe.exec([]) })),
    'test/web: container.livenessProbe.command [] is invalid: must name a command to run: an exec probe without one never passes'],
  // placement, labels, annotations
  ['a nodeSelector key "bad key!"', () => statefulApp({ nodeSelector: { 'bad key!': 'ssd' } }),
    "test/web: nodeSelector \"bad key!\" is invalid: a label key must have a name part of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric (e.g. 'MyName', 'my.name' or '123-abc')"],
  ['a nodeSelector value with a space', () => statefulApp({ nodeSelector: { disk: 'fast ssd' } }),
    "test/web: nodeSelector.disk \"fast ssd\" is invalid: a label value must be empty or alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric (e.g. 'MyValue', 'my_value' or '12345')"],
  ['a podLabels key with two slashes', () => statefulApp({ podLabels: { 'a/b/c': 'x' } }),
    "test/web: podLabels \"a/b/c\" is invalid: a label key must be a qualified name: a name with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"],
  ['a podLabels value over 63 characters', () => statefulApp({ podLabels: { team: 'a'.repeat(64) } }),
    `test/web: podLabels.team "${'a'.repeat(64)}" is invalid: a label value must be at most 63 characters (it has 64)`],
  ['a podAnnotations key with a space', () => statefulApp({ podAnnotations: { 'my note': 'x' } }),
    "test/web: podAnnotations \"my note\" is invalid: an annotation key must have a name part of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric (e.g. 'MyName', 'my.name' or '123-abc')"],
  ['podAnnotations over 256 KiB', () => statefulApp({ podAnnotations: { note: 'a'.repeat(256 * 1024) } }),
    'test/web: podAnnotations (1 keys) is invalid: annotations may hold at most 262144 bytes, keys and values together (they have 262148)'],
  ['a version over 63 characters', () => statefulApp({ version: '1'.repeat(64) }),
    `test/web: version "${'1'.repeat(64)}" is invalid: must be at most 63 characters: it is the label app.kubernetes.io/version`],
  ['a partOf over 63 characters', () => deploymentApp({ partOf: 'a'.repeat(64) }),
    `test/web: partOf "${'a'.repeat(64)}" is invalid: is a label value, which must be at most 63 characters (it has 64)`],
  // PDB
  ['PDB maxUnavailable -1', () => statefulApp({ replicas: 3, disruptionBudget: { maxUnavailable: -1 } }),
    'test/web: disruptionBudget.maxUnavailable -1 is invalid: must be at least 0'],
  ['PDB maxUnavailable 150%', () => deploymentApp({ replicas: 3, disruptionBudget: { maxUnavailable: '150%' } }),
    'test/web: disruptionBudget.maxUnavailable "150%" is invalid: must be a whole number or a percentage from 0% to 100%'],
  // ConfigMaps, Secrets
  ['a ConfigMap over 1 MiB', () => statefulApp({ configMaps: [{ name: 'conf', files: { 'a.txt': 'a'.repeat(600 * 1024), 'b.txt': 'b'.repeat(600 * 1024) } }] }),
    'test/web: configMaps[0].files (2 files, 1228800 bytes) is invalid: must hold at most 1048576 bytes (1 MiB) together: the API server rejects a larger ConfigMap; mount large files from a volume instead'],
  ['a ConfigMap grown over 1 MiB by addConfigFile', () => {
    const app = new StatefulApp(chart(), 'web', { container, configMaps: [{ name: 'conf', files: { 'a.txt': 'a'.repeat(600 * 1024) } }] });
    app.addConfigFile('conf', 'b.txt', 'b'.repeat(600 * 1024));
  },
    'test/web: addConfigFile(conf) (2 files, 1228800 bytes) is invalid: must hold at most 1048576 bytes (1 MiB) together: the API server rejects a larger ConfigMap; mount large files from a volume instead'],
  ['a ConfigMap key of 300 characters', () => statefulApp({ configMaps: [{ name: 'conf', files: { ['k'.repeat(300)]: 'x' } }] }),
    `test/web: configMaps[0].files "${'k'.repeat(300)}" is invalid: a file name of a ConfigMap (its key) must be at most 253 characters (it has 300)`],
  ['imagePullSecrets Bad_Secret', () => statefulApp({ imagePullSecrets: ['Bad_Secret'] }),
    `test/web: imagePullSecrets[0] "Bad_Secret" is invalid: ${SUBDOMAIN}`],
  ['a Secret volume of Bad_Secret', () => statefulApp({ volumes: [AppVolume.secret('creds', 'Bad_Secret')] }),
    `test/web: volumes[0].secretName "Bad_Secret" is invalid: ${SUBDOMAIN}`],
  ['an extra Secret volume of Bad_Secret', () => deploymentApp({ extraVolumes: [AppVolume.secret('creds', 'Bad_Secret')] }),
    `test/web: extraVolumes[0].secretName "Bad_Secret" is invalid: ${SUBDOMAIN}`],
  // volumes
  ['emptyDir sizeLimit "big"', () => statefulApp({ volumes: [AppVolume.emptyDir('scratch', { sizeLimit: 'big' })] }),
    'test/web: volumes[0].sizeLimit "big" is invalid: must be a Kubernetes quantity: a number with an optional unit, e.g. "10Gi", "512Mi" or "500m"'],
  ['emptyDir sizeLimit "-1Gi" added by addVolume', () => new StatefulApp(chart(), 'web', { container }).addVolume(AppVolume.emptyDir('scratch', { sizeLimit: '-1Gi' })),
    'test/web: addVolume(volume).sizeLimit "-1Gi" is invalid: must not be negative'],
  // StatefulSet update strategy
  ['StatefulSet rollingUpdate.maxUnavailable on Kubernetes 1.36', () => new StatefulApp(chart('1.36'), 'web', { container, replicas: 3, updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ maxUnavailable: 2 }) }),
    `test/web: ${MAX_UNAVAILABLE_OFF('2', '1.36', 'v1.36.3')}`],
  ['StatefulSet rollingUpdate.maxUnavailable on Kubernetes 1.35', () => new StatefulApp(chart('1.35'), 'web', { container, replicas: 3, updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ maxUnavailable: 2 }) }),
    `test/web: ${MAX_UNAVAILABLE_OFF('2', '1.35', 'v1.35.4')}`],
  // two apps with the same name
  ['two StatefulApps named alike in one namespace', () => {
    const c = chart();
    new StatefulApp(c, 'web', { container });
    new StatefulApp(c, 'web2', { container, name: 'web' });
  },
    'test/web2: name "web" is invalid: makes Service "web" in namespace "prod", which test/web makes too: one would overwrite the other on apply; give one of them another name (or namespace)'],
  ['a StatefulApp and a DeploymentApp named alike in one namespace, in two charts', () => {
    const app = Testing.app();
    new StatefulApp(new Chart(app, 'a', { namespace: 'prod' }), 'web', { container, replicas: 2 });
    new DeploymentApp(new Chart(app, 'b', { namespace: 'prod' }), 'web', { container, replicas: 2 });
  },
    'b/web: name "web" is invalid: makes Service "web" in namespace "prod", which a/web makes too: one would overwrite the other on apply; give one of them another name (or namespace)'],
  // MySQLReplication: errors of its inner StatefulApp name the MySQL prop
  ['MySQL storage.size 0', () => mysql({ storage: { size: '0' } }),
    'test/db: storage.size "0" is invalid: must be greater than zero'],
  ['MySQL storage.size -5Gi', () => mysql({ storage: { size: '-5Gi' } }),
    'test/db: storage.size "-5Gi" is invalid: must be greater than zero'],
  ['MySQL memory 64m', () => mysql({ resources: { limits: { memory: '64m' } } }),
    'test/db: resources.limits.memory "64m" is invalid: must be a whole number of bytes ("m" means milli, a thousandth): did you mean "64Mi"?'],
  ['MySQL memory request above its limit', () => mysql({ resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } }),
    'test/db: resources.requests.memory "2Gi" is invalid: must be at most its limit "1Gi": the kubelet cannot create a pod whose request exceeds its limit'],
  ['MySQL backupResources cpu -1', () => mysql({ backupResources: { requests: { cpu: '-1' } } }),
    'test/db: backupResources.requests.cpu "-1" is invalid: must not be negative'],
  // the clone init container is named by its prop wherever it is: bootstrapFrom puts restore init containers before it
  ['MySQL backupResources memory above its limit, bootstrapped from a PVC', () => mysql({
    backupResources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } },
    bootstrapFrom: { target: BackupTarget.persistentVolumeClaim({ claimName: 'backups' }), newCluster: true },
  }), 'test/db: backupResources.requests.memory "2Gi" is invalid: must be at most its limit "1Gi": the kubelet cannot create a pod whose request exceeds its limit'],
  ['MySQL backupResources cpu -1, bootstrapped from S3', () => mysql({
    backupResources: { requests: { cpu: '-1' } },
    bootstrapFrom: {
      target: BackupTarget.s3({ endpoint: 'https://s3.example.com', bucket: 'backups', accessKeyId: SecretKeyRef.of('s3', 'id'), secretAccessKey: SecretKeyRef.of('s3', 'key') }),
      newCluster: true,
    },
  }), 'test/db: backupResources.requests.cpu "-1" is invalid: must not be negative'],
  ['MySQL podSecurity.runAsUser -1', () => mysql({ podSecurity: { runAsUser: -1 } }),
    'test/db: podSecurity.runAsUser -1 is invalid: must be between 0 and 2147483647'],
  ['MySQL nodeSelector key "bad key!"', () => mysql({ nodeSelector: { 'bad key!': 'x' } }),
    "test/db: nodeSelector \"bad key!\" is invalid: a label key must have a name part of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric (e.g. 'MyName', 'my.name' or '123-abc')"],
  ['MySQL imagePullSecrets Bad_Secret', () => mysql({ imagePullSecrets: ['Bad_Secret'] }),
    `test/db: imagePullSecrets[0] "Bad_Secret" is invalid: ${SUBDOMAIN}`],
  ['MySQL extraEnv with a literal password', () => mysql({ extraEnv: { ADMIN_PASSWORD: EnvValue.fromValue('hunter2') } }),
    'test/db: extraEnv.ADMIN_PASSWORD (a literal value, not shown) is invalid: looks like a credential but has a literal value, which would be written into the manifests: read it from a Secret with EnvValue.fromSecret(SecretKeyRef.of(secretName, key))'],
  ['MySQL partOf over 63 characters', () => mysql({ partOf: 'a'.repeat(64) }),
    `test/db: partOf "${'a'.repeat(64)}" is invalid: is a label value, which must be at most 63 characters (it has 64)`],
  ['MySQL disruptionBudget.maxUnavailable 150%', () => mysql({ disruptionBudget: { maxUnavailable: '150%' } }),
    'test/db: disruptionBudget.maxUnavailable "150%" is invalid: must be a whole number or a percentage from 0% to 100%'],
  ['MySQL updateStrategy.maxUnavailable on Kubernetes 1.28', () => new MySQLReplication(chart('1.28'), 'db', { updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ maxUnavailable: 1 }) }),
    `test/db: ${MAX_UNAVAILABLE_OFF('1', '1.28', 'v1.28.15')}`],
  ['two MySQLReplications named alike in one namespace', () => {
    const c = chart();
    new MySQLReplication(c, 'db', {});
    new MySQLReplication(c, 'db2', { name: 'db' });
  },
    'test/db2: name "db" is invalid: makes Service "db" in namespace "prod", which test/db/app makes too: one would overwrite the other on apply; give one of them another name (or namespace)'],
  // Harbor
  ['Harbor externalURL :8443 on an Ingress', () => harbor({ externalURL: 'https://registry.example.com:8443' }),
    'test/harbor: externalURL "https://registry.example.com:8443" is invalid: must use port 443, not 8443: the Ingress controller listens on 443, and a token realm on another port points at nothing; '
    + 'a wrong externalURL makes every docker login and push fail with 401 Unauthorized (if your Ingress controller listens on another port, set HarborExposure.ingress({ controllerPort }))'],
  ['Harbor externalURL :30099 on NodePort 30080', () => harbor({ exposure: HarborExposure.nodePort({ httpPort: 30080 }), externalURL: 'http://registry.example.com:30099' }),
    'test/harbor: externalURL "http://registry.example.com:30099" is invalid: must use port 30080, not 30099: the node port (httpPort) of HarborExposure.nodePort() listens on 30080, and a token realm on another port points at nothing; '
    + 'a wrong externalURL makes every docker login and push fail with 401 Unauthorized'],
  ['Harbor sourceRanges 10.0.0.0/33', () => harbor({ exposure: HarborExposure.loadBalancer({ host: 'registry.example.com', sourceRanges: ['10.0.0.0/33'] }) }),
    'test/harbor: exposure.sourceRanges[0] "10.0.0.0/33" is invalid: must be a CIDR such as "10.0.0.0/8" or "2001:db8::/64"'],
];

describe('construct-time checks: every case of issue 10', () => {
  test.each(cases)('%s', (_, build, message) => {
    let error: unknown;
    try {
      build();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('InvalidPropError');
    expect((error as Error).message).toBe(message);
    expect((error as Error).message).not.toContain('hunter2');
  });
});

describe('construct-time checks accept the boundaries the API server accepts', () => {
  test('and the output is strictly valid', () => {
    const app = Testing.app();
    const prod = new Chart(app, 'prod', { namespace: 'prod' });
    const staging = new Chart(app, 'staging', { namespace: 'staging' });
    const web = new StatefulApp(prod, 'web', {
      container: {
        ...container,
        env: {
          'MY_ENV.NAME': EnvValue.fromValue('x'),
          'MYSQL_ALLOW_EMPTY_PASSWORD': EnvValue.fromValue('yes'),
          'PASSWORD_FILE': EnvValue.fromValue('/run/secrets/password'),
          'DB_PASSWORD': EnvValue.fromSecret(SecretKeyRef.of('db.credentials', 'password')),
        },
        resources: { requests: { cpu: '0', memory: '64Mi' }, limits: { cpu: '0.5', memory: '64Mi' } },
        securityContext: { runAsUser: 2147483647, runAsGroup: 0 },
        livenessProbe: Probe.tcp('http', { successThreshold: 1, initialDelaySeconds: 0, periodSeconds: 1 }),
        readinessProbe: Probe.http('/', 'http', { successThreshold: 2 }),
        startupProbe: Probe.exec(['true']),
      },
      replicas: 2,
      volumeClaims: [{ name: 'data', size: '1', mountPath: '/data' }],
      volumes: [AppVolume.emptyDir('scratch', { sizeLimit: '0' }), AppVolume.secret('creds', 'db.credentials')],
      podSecurity: { runAsUser: 0, fsGroup: 2147483647, supplementalGroups: [0] },
      nodeSelector: { 'example.com/disk': 'ssd', 'empty': '' },
      podLabels: { team: 'a'.repeat(63) },
      podAnnotations: { 'Example.com/Note': 'a'.repeat(200 * 1024) },
      imagePullSecrets: ['mirror.creds'],
      version: '1'.repeat(63),
      disruptionBudget: { maxUnavailable: '100%' },
      configMaps: [{ name: 'conf', files: { ['k'.repeat(253)]: 'a'.repeat(1024 * 1024 - 1) } }],
    });
    web.addEnv('EXTRA', EnvValue.fromValue('1'));
    new StatefulApp(staging, 'web', { container });
    new DeploymentApp(prod, 'api', { container, disruptionBudget: { maxUnavailable: 0 } });
    expect(() => app.synth()).not.toThrow();
  });

  test('StatefulSet maxUnavailable is accepted for Kubernetes 1.37, the default, where it is on by default', () => {
    const c = chart();
    expect(() => new StatefulApp(c, 'web', { container, replicas: 3, updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ maxUnavailable: 2 }) })).not.toThrow();
  });
});

describe('a name derived from another prop: the error names the prop the user wrote', () => {
  const errorOf = (build: () => void): string => {
    try {
      build();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('no error');
  };

  test('a bad MySQLReplication name is reported as name, not as the readServiceName made from it', () => {
    expect(errorOf(() => mysql({ name: 'Orders' }))).toMatch(/^test\/db: name "Orders" is invalid: must be a DNS-1123 label/);
    const long = 'a'.repeat(60);
    expect(errorOf(() => mysql({ name: long })))
      .toBe(`test/db: name "${long}" is invalid: makes readServiceName "${long}-read", which must be at most 63 characters (it has 65)`);
  });

  test('a readServiceName or secretName the user gave is reported under its own prop', () => {
    expect(errorOf(() => mysql({ readServiceName: 'Orders-read' }))).toMatch(/^test\/db: readServiceName "Orders-read" is invalid/);
    expect(errorOf(() => mysql({ secretName: 'Orders' }))).toMatch(/^test\/db: secretName "Orders" is invalid/);
  });
});
