/**
 * The Pod Security Standards: the checker of lib/rules/pod-security.ts rule by rule, every pod template
 * the library makes judged by it (all `restricted` but WordPress's volume-permissions init container),
 * and the Namespace labels and review pages that follow from it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import {
  AppVolume, BackupTarget, DatabaseConnection, HarborExposure, HarborStack, KUBERNETES_VERSION_CONTEXT, MariaDBVersion,
  MySQLEngine, MySQLReplication, MySQLVersion, SecretKeyRef, StatefulApp, WordPressStack, WordPressDatabase,
} from '../lib';
import { createNamespaceObject, namespacePodSecurity, podSecurityLabels } from '../lib/release/namespace';
import { readReleaseDir, Release } from '../lib/release';
import { podOf, podSecurityLevelOf, podSecurityViolations, PodSecurityViolation } from '../lib/rules/pod-security';
import { buildApp } from '../main';
import { appObjects, find, Manifest } from './support/manifests';

const root = path.resolve(__dirname, '..');

/** A pod that meets `restricted`: the shape every pod of this library has. */
function restrictedPod(): any {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    initContainers: [{ name: 'init', image: 'x:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    containers: [{ name: 'app', image: 'x:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'tmp', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg' } }],
  };
}

/** `restrictedPod()` changed by `change`; the rules it then breaks, as `level rule @where`. */
function breaks(change: (pod: any) => void, metadata?: any): string[] {
  const pod = restrictedPod();
  change(pod);
  return podSecurityViolations(pod, metadata).map(v => `${v.level} ${v.rule} @${v.where}`);
}

describe('the checker of the Pod Security Standards', () => {
  test('a pod as the library makes them meets restricted', () => {
    expect(podSecurityViolations(restrictedPod())).toEqual([]);
    expect(podSecurityLevelOf([])).toBe('restricted');
  });

  test.each<[string, (pod: any) => void, string[]]>([
    // baseline
    ['hostNetwork', p => { p.hostNetwork = true; }, ['baseline host namespaces @pod']],
    ['hostPID', p => { p.hostPID = true; }, ['baseline host namespaces @pod']],
    ['hostIPC', p => { p.hostIPC = true; }, ['baseline host namespaces @pod']],
    ['privileged', p => { p.containers[0].securityContext.privileged = true; }, ['baseline privileged @container app']],
    ['hostProcess', p => { p.securityContext.windowsOptions = { hostProcess: true }; }, ['baseline hostProcess @pod']],
    ['a capability beyond the baseline set', p => { p.containers[0].securityContext.capabilities.add = ['NET_ADMIN']; },
      ['baseline non-default capabilities @container app', 'restricted unrestricted capabilities @container app']],
    ['a hostPath volume', p => { p.volumes.push({ name: 'host', hostPath: { path: '/var' } }); }, ['baseline hostPath volumes @volume host']],
    ['a hostPort', p => { p.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]; }, ['baseline hostPort @container app']],
    ['an AppArmor profile Unconfined', p => { p.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' }; },
      ['baseline forbidden AppArmor profile @container app']],
    ['an SELinux type of its own', p => { p.securityContext.seLinuxOptions = { type: 'spc_t' }; }, ['baseline seLinuxOptions @pod']],
    ['an SELinux user', p => { p.containers[0].securityContext.seLinuxOptions = { user: 'system_u' }; }, ['baseline seLinuxOptions @container app']],
    ['procMount Unmasked', p => { p.containers[0].securityContext.procMount = 'Unmasked'; }, ['baseline procMount @container app']],
    ['seccomp Unconfined on the pod', p => { p.securityContext.seccompProfile = { type: 'Unconfined' }; },
      ['baseline seccompProfile @pod', 'restricted seccompProfile @init container init', 'restricted seccompProfile @container app']],
    ['an unsafe sysctl', p => { p.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]; }, ['baseline forbidden sysctls @pod']],
    // restricted
    ['a volume type restricted does not allow', p => { p.volumes.push({ name: 'nfs', nfs: { server: 'nfs', path: '/' } }); },
      ['restricted restricted volume types @volume nfs']],
    ['allowPrivilegeEscalation unset', p => { delete p.initContainers[0].securityContext.allowPrivilegeEscalation; },
      ['restricted allowPrivilegeEscalation != false @init container init']],
    ['runAsNonRoot false on a container', p => { p.initContainers[0].securityContext.runAsNonRoot = false; },
      ['restricted runAsNonRoot != true @init container init']],
    ['runAsNonRoot nowhere', p => { delete p.securityContext.runAsNonRoot; },
      ['restricted runAsNonRoot != true @init container init', 'restricted runAsNonRoot != true @container app']],
    ['runAsUser 0 on the pod', p => { p.securityContext.runAsUser = 0; }, ['restricted runAsUser=0 @pod']],
    ['runAsUser 0 on a container', p => { p.containers[0].securityContext.runAsUser = 0; }, ['restricted runAsUser=0 @container app']],
    ['no seccomp profile (the backup CronJob before)', p => { delete p.securityContext.seccompProfile; },
      ['restricted seccompProfile @init container init', 'restricted seccompProfile @container app']],
    ['capabilities not all dropped', p => { p.containers[0].securityContext.capabilities = {}; }, ['restricted unrestricted capabilities @container app']],
    ['a baseline capability added', p => { p.containers[0].securityContext.capabilities.add = ['CHOWN']; },
      ['restricted unrestricted capabilities @container app']],
  ])('%s', (_what, change, expected) => {
    expect(breaks(change)).toEqual(expected);
  });

  test('what restricted still allows: seccomp per container, runAsNonRoot per container, NET_BIND_SERVICE, Localhost profiles', () => {
    expect(breaks(p => {
      delete p.securityContext.seccompProfile;
      delete p.securityContext.runAsNonRoot;
      for (const c of [...p.initContainers, ...p.containers]) Object.assign(c.securityContext, { seccompProfile: { type: 'Localhost', localhostProfile: 'x.json' }, runAsNonRoot: true });
      p.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE'];
      p.containers[0].securityContext.appArmorProfile = { type: 'RuntimeDefault' };
      p.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }];
      p.volumes.push({ name: 'p', projected: { sources: [] } }, { name: 'e', ephemeral: {} }, { name: 'c', csi: { driver: 'x' } }, { name: 'd', downwardAPI: {} });
    })).toEqual([]);
  });

  test('AppArmor annotations: runtime/default and localhost/* allowed, unconfined not', () => {
    const key = 'container.apparmor.security.beta.kubernetes.io/app';
    expect(breaks(() => undefined, { annotations: { [key]: 'runtime/default' } })).toEqual([]);
    expect(breaks(() => undefined, { annotations: { [key]: 'unconfined' } })).toEqual([`baseline forbidden AppArmor profile @annotation ${key}`]);
  });

  test('the level: baseline breaks make privileged, restricted-only breaks baseline', () => {
    const v = (level: PodSecurityViolation['level']): PodSecurityViolation => ({ level, rule: 'r', where: 'w', detail: 'd' });
    expect(podSecurityLevelOf([v('restricted')])).toBe('baseline');
    expect(podSecurityLevelOf([v('restricted'), v('baseline')])).toBe('privileged');
  });

  test('the pod of every kind that has one, as the admission extracts it', () => {
    const spec = restrictedPod();
    const template = { metadata: { labels: { a: 'b' } }, spec };
    for (const obj of [
      { kind: 'Pod', metadata: {}, spec }, { kind: 'Deployment', spec: { template } }, { kind: 'StatefulSet', spec: { template } },
      { kind: 'Job', spec: { template } }, { kind: 'CronJob', spec: { jobTemplate: { spec: { template } } } }, { kind: 'PodTemplate', template },
    ]) {
      expect(podOf(obj)?.spec).toBe(spec);
    }
    expect(podOf({ kind: 'Service', spec: {} })).toBeUndefined();
  });
});

/** Every pod template (workloads, Jobs, CronJobs) of `objects`, as `Kind name`, with the rules it breaks. */
function verdicts(objects: readonly Manifest[]): Record<string, string[]> {
  return Object.fromEntries(objects.filter(o => podOf(o)).map(o => {
    const pod = podOf(o)!;
    return [`${o.kind} ${o.metadata.name}`, podSecurityViolations(pod.spec, pod.metadata).map(v => `${v.level} ${v.rule} @${v.where}`)];
  }));
}

describe('every pod template the library makes meets restricted (but WordPress\'s volume-permissions)', () => {
  const s3 = BackupTarget.s3({
    endpoint: 'https://s3.example.com', bucket: 'db-backups', accessKeyId: SecretKeyRef.of('s3', 'id'), secretAccessKey: SecretKeyRef.of('s3', 'secret'),
  });

  test.each<[string, (chart: Chart) => void]>([
    ['MySQL 8.4 with exporter, backup to a PVC and a drill', c => {
      new MySQLReplication(c, 'db', {
        engine: MySQLEngine.mysql(MySQLVersion.V8_4), exporter: {},
        backup: { schedule: '0 3 * * *', target: BackupTarget.persistentVolumeClaim({ claimName: 'backups' }) },
        drill: { schedule: '0 5 * * 0', tables: ['app.items'] },
      });
    }],
    ['MariaDB with backup to S3, a drill, bootstrapped from S3', c => {
      new MySQLReplication(c, 'db', {
        engine: MySQLEngine.mariadb(MariaDBVersion.V11_4),
        backup: { schedule: '0 3 * * *', target: s3 }, drill: { schedule: '0 5 * * 0', tables: ['app.items'] },
        bootstrapFrom: { target: s3, backup: 'old-20260101T030000Z', newCluster: true },
      });
    }],
    ['a StatefulApp (non-root, as the user says) with an emptyDir and a claim', c => {
      new StatefulApp(c, 'app', {
        container: { name: 'app', image: 'registry.k8s.io/pause:3.10' }, podSecurity: { runAsNonRoot: true, runAsUser: 65535 },
        volumes: [AppVolume.emptyDir('tmp', { sizeLimit: '64Mi' })], volumeClaims: [{ name: 'data', size: '1Gi', mountPath: '/data' }],
      });
    }],
  ])('%s', (_what, build) => {
    const app = Testing.app();
    const chart = new Release(app, 'rel', { namespace: 'ns' });
    build(chart);
    const all = verdicts(appObjects(app));
    expect(Object.keys(all).length).toBeGreaterThan(0);
    expect(all).toEqual(Object.fromEntries(Object.keys(all).map(k => [k, []])));
  });

  test('Harbor: every component, metrics, nginx with TLS, its generator Job', () => {
    const app = Testing.app();
    new HarborStack(app, 'harbor', { exposure: HarborExposure.nodePort({ host: 'hub.example.com', tls: { secretName: 'harbor-tls' } }), metrics: {} });
    const all = verdicts(appObjects(app));
    expect(Object.keys(all)).toEqual(expect.arrayContaining(['Deployment harbor-nginx', 'Deployment harbor-exporter', 'StatefulSet harbor-trivy']));
    expect(Object.keys(all).some(k => k.startsWith('Job harbor-secret-generator-'))).toBe(true);
    expect(all).toEqual(Object.fromEntries(Object.keys(all).map(k => [k, []])));
  });

  test('WordPress: restricted, but with volumePermissions, whose root init container breaks exactly runAsNonRoot, runAsUser and capabilities', () => {
    const database = WordPressDatabase.external(DatabaseConnection.fromAttributes({
      host: 'db.example.com', databaseName: 'wp', user: 'wp', password: SecretKeyRef.of('db', 'password'), engineFamily: 'mysql',
    }));
    const plain = Testing.app();
    new WordPressStack(plain, 'wordpress', { database });
    const plainVerdicts = verdicts(appObjects(plain));
    expect(plainVerdicts).toEqual(Object.fromEntries(Object.keys(plainVerdicts).map(k => [k, []])));
    expect(Object.keys(plainVerdicts).some(k => k.startsWith('Job wordpress-install-'))).toBe(true);

    const nfs = Testing.app();
    new WordPressStack(nfs, 'wordpress', { database, volumePermissions: true });
    expect(verdicts(appObjects(nfs))['Deployment wordpress']).toEqual([
      'restricted runAsNonRoot != true @init container volume-permissions',
      'restricted runAsUser=0 @init container volume-permissions',
      'restricted unrestricted capabilities @init container volume-permissions',
    ]);
  });
});

describe('the Namespaces the library creates carry Pod Security labels', () => {
  const labelsOf = (objects: readonly Manifest[], name: string) => find(objects, 'Namespace', name).metadata.labels;
  const pss = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith('pod-security.kubernetes.io/')));

  test('the default app: myapp and harbor restricted, wordpress baseline (WordPress\'s volumePermissions, for NFS), in dist/ too', () => {
    const objects = appObjects(buildApp(Testing.app()));
    expect(pss(labelsOf(objects, 'myapp'))).toEqual(podSecurityLabels('restricted'));
    expect(pss(labelsOf(objects, 'harbor'))).toEqual(podSecurityLabels('restricted'));
    expect(pss(labelsOf(objects, 'wordpress'))).toEqual(podSecurityLabels('baseline'));
    expect(podSecurityLabels('baseline')).toEqual({
      'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.37',
      'pod-security.kubernetes.io/warn': 'baseline', 'pod-security.kubernetes.io/warn-version': 'latest',
      'pod-security.kubernetes.io/audit': 'baseline', 'pod-security.kubernetes.io/audit-version': 'latest',
    });
    const dist = readReleaseDir(path.join(root, 'dist')).flatMap(r => r.documents.map(d => d.object));
    for (const ns of ['myapp', 'harbor', 'wordpress']) expect(pss(labelsOf(dist, ns))).toEqual(pss(labelsOf(objects, ns)));
  });

  test('the level counts the pods of every chart in the namespace, also those added after the Namespace', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'shared' });
    createNamespaceObject(a, 'shared');
    new StatefulApp(a, 'app', { container: { name: 'app', image: 'registry.k8s.io/pause:3.10' }, podSecurity: { runAsNonRoot: true } });
    const level = () => appObjects(app).find(o => o.kind === 'Namespace')!.metadata.labels['pod-security.kubernetes.io/enforce'];
    expect(level()).toBe('restricted');
    const b = new Chart(app, 'b', { namespace: 'shared' });
    // The image's user, not known to be non-root: restricted refuses it.
    new StatefulApp(b, 'root', { container: { name: 'root', image: 'registry.k8s.io/pause:3.10' } });
    expect(level()).toBe('baseline');
    new k8s.KubePod(b, 'host', { metadata: { name: 'host' }, spec: { containers: [{ name: 'c', image: 'x:1' }], volumes: [{ name: 'h', hostPath: { path: '/' } }] } });
    expect(level()).toBe('privileged');
    // A pod of another namespace does not count.
    expect(namespacePodSecurity('other', appObjects(app)).level).toBe('restricted');
  });

  test('enforce is pinned to the Kubernetes version the app is validated for; a label given by the caller wins', () => {
    const app = new App();
    app.node.setContext(KUBERNETES_VERSION_CONTEXT, '1.35');
    const chart = new Chart(app, 'c', { namespace: 'x' });
    const ns = createNamespaceObject(chart, 'x');
    ns.metadata.addLabel('pod-security.kubernetes.io/warn', 'restricted');
    ns.metadata.addLabel('team', 'a');
    expect(chart.toJson()[0].metadata.labels).toEqual({
      'team': 'a',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.35',
      'pod-security.kubernetes.io/warn-version': 'latest',
      'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'latest',
    });
  });

  test('the review pages give each namespace\'s level and why it is not restricted', () => {
    const page = (file: string) => fs.readFileSync(path.join(root, 'dist', file), 'utf8');
    expect(page('0000-myapp.md')).toContain('- Namespace `myapp` (made by this release): `enforce: restricted` (policy v1.37), `warn` and `audit` restricted (latest).\n'
      + '  Every pod template in it meets `restricted`.');
    for (const [file, by] of [['0001-mysql.md', 'made by this release'], ['0002-wordpress.md', 'made by release `mysql`']]) {
      expect(page(file)).toContain(`- Namespace \`wordpress\` (${by}): \`enforce: baseline\``);
      expect(page(file)).toContain('init container volume-permissions: runAsUser=0 (runAsUser=0)');
    }
    expect(page('0001-mysql.md')).toContain('  - Deployment wordpress (release `wordpress`): init container volume-permissions: unrestricted capabilities (capabilities.add CHOWN, DAC_OVERRIDE, FOWNER)');
  });
});
