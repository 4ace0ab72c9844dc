import { Chart, Testing } from 'cdk8s';
import {
  CredentialSource, MySQLEngine, MariaDBVersion, MySQLVersion, MySQLReplication, MySQLReplicationProps, SecretKeyRef, StatefulSetUpdateStrategy,
} from '../lib';
import { Release, RELEASE_LABEL } from '../lib/release';
import { expectValid, find, Manifest, ofKind, synthChart } from './support/manifests';

function synth(props: MySQLReplicationProps = {}, id = 'mysql'): Manifest[] {
  return synthChart(chart => new MySQLReplication(chart, id, props), 'wordpress');
}

function build(props: MySQLReplicationProps = {}): MySQLReplication {
  return new MySQLReplication(new Chart(Testing.app(), 'db', { namespace: 'wordpress' }), 'mysql', props);
}

const podSpec = (objects: Manifest[], name = 'mysql') => find(objects, 'StatefulSet', name).spec.template.spec;
const container = (objects: Manifest[], name: string) => {
  const pod = podSpec(objects);
  return [...(pod.initContainers ?? []), ...pod.containers].find((c: Manifest) => c.name === name);
};
const envOf = (c: Manifest) => Object.fromEntries((c.env ?? []).map((e: Manifest) => [e.name, e.value ?? e.valueFrom]));

describe('MySQLReplication defaults: the seed, object for object, made safe', () => {
  const objects = synth();
  const sts = find(objects, 'StatefulSet', 'mysql');

  test('is strictly valid', () => expectValid(objects));

  test('the seed objects: config, scripts and topology ConfigMaps, headless, read and write Services, StatefulSet, PDB; the Secret\'s generator', () => {
    const job = ofKind(objects, 'Job')[0]?.metadata.name;
    expect(job).toMatch(/^secret-generator-[0-9a-f]{8}$/);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/mysql-config', 'ConfigMap/mysql-scripts', 'ConfigMap/mysql-topology', 'ConfigMap/secret-generator', `Job/${job}`, 'NetworkPolicy/mysql',
      'PodDisruptionBudget/mysql', 'Role/secret-generator', 'RoleBinding/secret-generator', 'Service/mysql', 'Service/mysql-primary', 'Service/mysql-read',
      'ServiceAccount/secret-generator', 'StatefulSet/mysql',
    ]);
  });

  test('primary.cnf turns the binary log on; replica.cnf makes replicas super-read-only', () => {
    const data = find(objects, 'ConfigMap', 'mysql-config').data;
    expect(data['primary.cnf']).toMatch(/^log-bin=mysql-bin$/m);
    expect(data['replica.cnf']).toMatch(/^super_read_only=ON$/m);
    expect(data['common.cnf']).toMatch(/^gtid_mode=ON$/m);
  });

  test('the headless Service mysql:3306 is the serviceName; mysql-read selects every member', () => {
    const headless = find(objects, 'Service', 'mysql');
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.ports).toEqual([{ name: 'mysql', port: 3306, targetPort: 'mysql', protocol: 'TCP' }]);
    expect(sts.spec.serviceName).toBe('mysql');
    const read = find(objects, 'Service', 'mysql-read');
    expect(read.spec.clusterIP).toBeUndefined();
    expect(read.metadata.labels.readonly).toBe('true');
    expect(read.spec.selector).toEqual(sts.spec.selector.matchLabels);
  });

  test('3 replicas, OrderedReady, a 10Gi ReadWriteOnce data claim mounted with subPath mysql', () => {
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    // volumeMode as the server stores it (a re-apply is then `unchanged`).
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem' });
    for (const name of ['clone', 'mysql', 'backup']) {
      expect(container(objects, name).volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/mysql', subPath: 'mysql' });
    }
  });

  test('init containers: config by ordinal first, then the clone from ordinal - 1', () => {
    const pod = podSpec(objects);
    expect(pod.initContainers.map((c: Manifest) => [c.name, c.command])).toEqual([
      ['init-config', ['bash', '/scripts/init-config.sh']],
      ['clone', ['bash', '/scripts/clone.sh']],
    ]);
    const env = envOf(container(objects, 'init-config'));
    expect(env).toMatchObject({ SERVER_ID_OFFSET: '100', CONF_DIR: '/mnt/conf.d', CONFIG_MAP_DIR: '/mnt/config-map', MEMBER_HOST_TEMPLATE: 'mysql-{ordinal}.mysql' });
    expect(envOf(container(objects, 'clone'))).toMatchObject({ CLONE_PORT: '3307', PEER_WAIT_SECONDS: '120', MYSQL_FLAVOR: 'mysql', MYSQL_VERSION: '8.4' });
  });

  test('the database container: probes through scripts, a startup probe, the seed requests', () => {
    const db = container(objects, 'mysql');
    expect(db.image).toBe('mysql:8.4.6');
    expect(db.ports).toEqual([{ name: 'mysql', containerPort: 3306, protocol: 'TCP' }]);
    expect(db.livenessProbe.exec.command).toEqual(['bash', '/scripts/probe.sh', 'alive']);
    expect(db.readinessProbe.exec.command).toEqual(['bash', '/scripts/probe.sh', 'ready']);
    expect(db.startupProbe.exec.command).toEqual(['bash', '/scripts/probe.sh', 'alive']);
    expect(envOf(db).CONNECT_TIMEOUT).toBe('2');
    expect(db.readinessProbe.timeoutSeconds).toBeGreaterThan(2);
    expect(db.startupProbe.periodSeconds * db.startupProbe.failureThreshold).toBe(600);
    expect(db.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' } });
    expect(db.volumeMounts).toContainEqual({ name: 'initdb', mountPath: '/docker-entrypoint-initdb.d', readOnly: true });
  });

  test('the backup sidecar serves port 3307 and starts replication against pod 0', () => {
    const backup = container(objects, 'backup');
    expect(backup.image).toBe('percona/percona-xtrabackup:8.4.0-4');
    expect(backup.command).toEqual(['bash', '/scripts/sidecar.sh']);
    expect(backup.ports).toEqual([{ name: 'clone', containerPort: 3307, protocol: 'TCP' }]);
    expect(backup.resources).toEqual({ requests: { cpu: '100m', memory: '100Mi' } });
    expect(envOf(backup)).toMatchObject({ MEMBER_HOST_TEMPLATE: 'mysql-{ordinal}.mysql', REPLICATION_USER: 'replicator' });
  });

  test('no empty password: root and replication passwords come from the credentials Secret', () => {
    const env = envOf(container(objects, 'mysql'));
    expect(env.MYSQL_ALLOW_EMPTY_PASSWORD).toBeUndefined();
    expect(env.MYSQL_ROOT_PASSWORD).toEqual({ secretKeyRef: { name: 'mysql-credentials', key: 'root-password' } });
    expect(env.REPLICATION_PASSWORD).toEqual({ secretKeyRef: { name: 'mysql-credentials', key: 'replication-password' } });
    // (the generator's Job names itself in CREATED_BY=secret-generator; credentials.test.ts covers it)
    const literals = JSON.stringify(objects).match(/"value":"[^"]*"/g) ?? [];
    expect(literals.filter(v => /pass|secret/i.test(v))).toEqual(['"value":"secret-generator"']);
  });

  test('the scripts ConfigMap carries every script, executable; create-users.sh is mounted for the entrypoint to source', () => {
    const scripts = find(objects, 'ConfigMap', 'mysql-scripts').data;
    expect(Object.keys(scripts).sort()).toEqual(['clone.sh', 'common.sh', 'create-users.sh', 'init-config.sh', 'probe.sh', 'serve-backup.pl', 'sidecar.sh', 'switchover.sh']);
    const volumes = podSpec(objects).volumes;
    expect(volumes).toContainEqual({ name: 'scripts', configMap: { name: 'mysql-scripts', defaultMode: 0o555 } });
    expect(volumes).toContainEqual({ name: 'initdb', configMap: { name: 'mysql-scripts', defaultMode: 0o444, items: [{ key: 'create-users.sh', path: 'create-users.sh' }] } });
  });

  test('runs as the images\' mysql user (999) with an fsGroup that can write the claim', () => {
    expect(podSpec(objects).securityContext).toEqual({
      runAsUser: 999, runAsGroup: 999, runAsNonRoot: true, fsGroup: 999, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('a PDB and soft anti-affinity', () => {
    expect(find(objects, 'PodDisruptionBudget', 'mysql').spec.maxUnavailable).toBe(1);
    expect(podSpec(objects).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
  });

  test('matches the snapshot', () => expect(objects).toMatchSnapshot());
});

describe('MySQLReplication handles', () => {
  const db = build({ database: { name: 'wordpress', user: 'wordpress' } });

  test('write endpoint is the write Service (pod 0 by default); read endpoint is the read Service', () => {
    expect(db.endpoint).toEqual({ host: 'mysql-primary.wordpress.svc.cluster.local', port: 3306 });
    expect(db.readEndpoint).toEqual({ host: 'mysql-read.wordpress.svc.cluster.local', port: 3306 });
  });

  test('secret references and the application database', () => {
    expect(db.rootPassword).toEqual(SecretKeyRef.of('mysql-credentials', 'root-password'));
    expect([db.databaseName, db.user, db.password]).toEqual(['wordpress', 'wordpress', SecretKeyRef.of('mysql-credentials', 'password')]);
    expect(db.engineFamily).toBe('mysql');
    // generated by default: nothing for the operator to make
    expect(db.requiredSecrets).toEqual([]);
    expect(db.generatedSecrets.map(s => `${s.secretName}/${s.key}`)).toEqual(['mysql-credentials/password', 'mysql-credentials/replication-password', 'mysql-credentials/root-password']);
    expect(db.generatedSecrets.find(s => s.key === 'password')).toMatchObject({
      namespace: 'wordpress', purpose: 'password of the application user wordpress', usedBy: ['db/mysql/app'],
      shape: 'password of 32 characters of alphanumeric', generatedBy: 'db/SecretGenerator-wordpress',
    });
    expect(() => build({}).databaseName).toThrow(/database \(unset\) is invalid: is needed by a consumer/);
  });
});

describe('MySQLReplication props', () => {
  test('engines: MySQL 8.0, MariaDB 11.4 and 10.11 with their images, tools and settings', () => {
    const mysql80 = synth({ engine: MySQLEngine.mysql(MySQLVersion.V8_0) });
    expect(container(mysql80, 'mysql').image).toBe('mysql:8.0.43');
    expect(envOf(container(mysql80, 'backup')).MYSQL_VERSION).toBe('8.0');
    const maria = synth({ engine: MySQLEngine.mariadb(MariaDBVersion.V11_4) });
    const mariaDb = container(maria, 'mariadb');
    expect(mariaDb.image).toBe('mariadb:11.4.8');
    expect(container(maria, 'backup').image).toBe('mariadb:11.4.8');
    expect(envOf(mariaDb).MYSQL_FLAVOR).toBe('mariadb');
    const cnf = find(maria, 'ConfigMap', 'mysql-config').data;
    expect(cnf['replica.cnf']).toMatch(/^read_only=ON$/m);
    expect(cnf['common.cnf']).toMatch(/^gtid_strict_mode=ON$/m);
    expect(find(maria, 'StatefulSet', 'mysql').metadata.labels['app.kubernetes.io/name']).toBe('mariadb');
    expect(container(synth({ engine: MySQLEngine.mariadb(MariaDBVersion.V10_11) }), 'mariadb').image).toBe('mariadb:10.11.14');
    const custom = synth({ engine: MySQLEngine.mysql(MySQLVersion.of('8.4', { image: 'registry.example.com/mysql:8.4.6', backupImage: 'registry.example.com/xtrabackup:8.4.0-4' })) });
    expect(container(custom, 'backup').image).toBe('registry.example.com/xtrabackup:8.4.0-4');
    [mysql80, maria, custom].forEach(expectValid);
  });

  test('binlog mode leaves GTIDs off and tells the scripts', () => {
    const objects = synth({ replicationMode: 'binlog' });
    expect(find(objects, 'ConfigMap', 'mysql-config').data['common.cnf']).not.toMatch(/gtid/);
    expect(envOf(container(objects, 'backup')).REPLICATION_MODE).toBe('binlog');
  });

  test('replicas, server-id offset, extra config, storage, secret name, users, database', () => {
    const objects = synth({
      replicas: 5, serverIdOffset: 1000, config: { max_connections: '500' },
      storage: { size: '50Gi', storageClassName: 'sc-nfs' }, secretName: 'db-secrets', replicationUser: 'repl',
      database: { name: 'app', user: 'app', password: SecretKeyRef.of('app-db', 'pw') },
    });
    const sts = find(objects, 'StatefulSet', 'mysql');
    expect(sts.spec.replicas).toBe(5);
    expect(envOf(container(objects, 'init-config')).SERVER_ID_OFFSET).toBe('1000');
    expect(find(objects, 'ConfigMap', 'mysql-config').data['common.cnf']).toMatch(/^max_connections=500$/m);
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'sc-nfs', resources: { requests: { storage: '50Gi' } } });
    const env = envOf(container(objects, 'mysql'));
    expect(env.MYSQL_ROOT_PASSWORD).toEqual({ secretKeyRef: { name: 'db-secrets', key: 'root-password' } });
    expect(env).toMatchObject({ REPLICATION_USER: 'repl', MYSQL_DATABASE: 'app', MYSQL_USER: 'app' });
    expect(env.MYSQL_PASSWORD).toEqual({ secretKeyRef: { name: 'app-db', key: 'pw' } });
    expectValid(objects);
  });

  test('a partition for canary updates (replicas first, primary last)', () => {
    const sts = find(synth({ updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition: 1 }) }), 'StatefulSet', 'mysql');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 1 } });
  });

  test('resources, startup timeout, peer wait, anti-affinity, PDB, pod security, read Service name, part-of, cluster domain', () => {
    const objects = synth({
      resources: { requests: { cpu: '2', memory: '4Gi' }, limits: { memory: '4Gi' } },
      backupResources: { requests: { cpu: '200m', memory: '256Mi' } },
      startupTimeoutSeconds: 1800, peerWaitSeconds: 30, antiAffinity: 'hard', disruptionBudget: false,
      podSecurity: { runAsUser: 1001, fsGroup: 1001 }, readServiceName: 'mysql-replicas', partOf: 'blog', clusterDomain: 'example.internal',
    });
    const db = container(objects, 'mysql');
    expect(db.resources.requests).toEqual({ cpu: '2', memory: '4Gi' });
    expect(container(objects, 'backup').resources.requests).toEqual({ cpu: '200m', memory: '256Mi' });
    expect(db.startupProbe.failureThreshold).toBe(180);
    expect(envOf(container(objects, 'clone')).PEER_WAIT_SECONDS).toBe('30');
    expect(podSpec(objects).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(0);
    expect(podSpec(objects).securityContext.runAsUser).toBe(1001);
    expect(find(objects, 'Service', 'mysql-replicas').spec.selector).toEqual(find(objects, 'StatefulSet', 'mysql').spec.selector.matchLabels);
    expect(find(objects, 'StatefulSet', 'mysql').metadata.labels['app.kubernetes.io/part-of']).toBe('blog');
    const mysql = new MySQLReplication(new Chart(Testing.app(), 'c', { namespace: 'db' }), 'mysql', { clusterDomain: 'example.internal' });
    expect(mysql.endpoint.host).toBe('mysql-primary.db.svc.example.internal');
  });

  test('primary: the write Service selects that pod, the members read it from the topology ConfigMap (no literal in the pod template)', () => {
    let db: MySQLReplication | undefined;
    const objects = synthChart(chart => { db = new MySQLReplication(chart, 'mysql', { primary: 2 }); });
    expect(db!.primary).toBe(2);
    expect(find(objects, 'Service', 'mysql-primary').spec.selector).toEqual({
      'app.kubernetes.io/component': 'database', 'app.kubernetes.io/instance': 'mysql', 'app.kubernetes.io/name': 'mysql',
      'statefulset.kubernetes.io/pod-name': 'mysql-2',
    });
    expect(find(objects, 'ConfigMap', 'mysql-topology').data).toEqual({ primary: '2' });
    const template = find(objects, 'StatefulSet', 'mysql').spec.template;
    const fromTopology = { name: 'PRIMARY_ORDINAL', valueFrom: { configMapKeyRef: { name: 'mysql-topology', key: 'primary' } } };
    for (const c of [...template.spec.initContainers, ...template.spec.containers].filter((x: any) => x.name !== 'exporter')) {
      expect({ c: c.name, env: c.env.find((e: any) => e.name === 'PRIMARY_ORDINAL') }).toEqual({ c: c.name, env: fromTopology });
    }
    // Another primary changes no pod template: a switchover restarts no pod.
    const again = synthChart(chart => { new MySQLReplication(chart, 'mysql', {}); });
    expect(find(again, 'StatefulSet', 'mysql').spec.template).toEqual(template);
  });

  test('primary set: the switchover Job, named after the target and its template, runs switchover.sh with the members and the catch-up bound', () => {
    const objects = synthChart(chart => {
      new MySQLReplication(chart, 'mysql', { engine: MySQLEngine.mariadb(MariaDBVersion.V10_11), primary: 1, switchover: { catchUpSeconds: 12 } });
    });
    const jobs = ofKind(objects, 'Job').filter(j => j.metadata.name.startsWith('mysql-switchover-'));
    expect(jobs.map(j => j.metadata.name)).toEqual([expect.stringMatching(/^mysql-switchover-1-[0-9a-f]{8}$/)]);
    const job = jobs[0];
    expect([job.spec.backoffLimit, job.spec.ttlSecondsAfterFinished, job.spec.template.spec.restartPolicy]).toEqual([3, 86400, 'Never']);
    const c = job.spec.template.spec.containers[0];
    expect(c.command).toEqual(['bash', '/scripts/switchover.sh']);
    expect(c.image).toBe(MariaDBVersion.V10_11.image);
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toEqual({
      MYSQL_FLAVOR: 'mariadb', MEMBER_HOST_TEMPLATE: 'mysql-{ordinal}.mysql', MYSQL_PORT: '3306', MEMBERS: '3', TARGET_ORDINAL: '1',
      PRIMARY_ORDINAL: { configMapKeyRef: { name: 'mysql-topology', key: 'primary' } },
      CATCH_UP_SECONDS: '12', MEMBER_WAIT_SECONDS: '300', REPLICATION_USER: 'replicator',
      MYSQL_ROOT_PASSWORD: { secretKeyRef: { name: 'mysql-credentials', key: 'root-password' } },
      REPLICATION_PASSWORD: { secretKeyRef: { name: 'mysql-credentials', key: 'replication-password' } },
    });
    // Back to 0 is a Job too (another name); the default (primary unset) has none.
    const back = synthChart(chart => { new MySQLReplication(chart, 'mysql', { engine: MySQLEngine.mariadb(MariaDBVersion.V10_11), primary: 0 }); });
    expect(ofKind(back, 'Job').map(j => j.metadata.name).filter(n => n.startsWith('mysql-switchover-'))).toEqual([expect.stringMatching(/^mysql-switchover-0-/)]);
    expect(ofKind(synthChart(chart => { new MySQLReplication(chart, 'mysql'); }), 'Job').filter(j => j.metadata.name.startsWith('mysql-switchover'))).toEqual([]);
  });

  test('a switchover needs GTID replication; switchover options need primary', () => {
    expect(() => new MySQLReplication(new Chart(Testing.app(), 'c'), 'mysql', { primary: 1, replicationMode: 'binlog' }))
      .toThrow(/^c\/mysql: primary 1 is invalid: needs replicationMode 'gtid'/);
    expect(() => new MySQLReplication(new Chart(Testing.app(), 'c'), 'mysql', { switchover: { catchUpSeconds: 5 } }))
      .toThrow(/^c\/mysql: switchover .* is invalid: only applies with primary/);
    expect(() => new MySQLReplication(new Chart(Testing.app(), 'c'), 'mysql', { primary: 1, switchover: { catchUpSeconds: 0 } }))
      .toThrow(/^c\/mysql: switchover\.catchUpSeconds 0 is invalid/);
  });

  test.each([[-1], [3], [1.5]])('primary %p out of the members is refused', (primary) => {
    expect(() => new MySQLReplication(new Chart(Testing.app(), 'c'), 'mysql', { primary }))
      .toThrow(/^c\/mysql: primary [-0-9.]+ is invalid: must be (between 0 and 2|a whole number)/);
  });

  test('the mysqld-exporter sidecar on 9104', () => {
    const objects = synth({ exporter: {} });
    const exporter = container(objects, 'exporter');
    expect(exporter.ports).toEqual([{ name: 'metrics', containerPort: 9104, protocol: 'TCP' }]);
    expect(exporter.args).toEqual(['--mysqld.address=127.0.0.1:3306', '--mysqld.username=exporter']);
    expect(envOf(exporter).MYSQLD_EXPORTER_PASSWORD).toEqual({ secretKeyRef: { name: 'mysql-credentials', key: 'exporter-password' } });
    // the least-privilege user is created on first start, from the same Secret key
    const db = envOf(container(objects, 'mysql'));
    expect(db.EXPORTER_USER).toBe('exporter');
    expect(db.EXPORTER_PASSWORD).toEqual({ secretKeyRef: { name: 'mysql-credentials', key: 'exporter-password' } });
    expect(build({ exporter: {} }).generatedSecrets.map(s => s.key)).toContain('exporter-password');
    expect(build({ exporter: {}, credentials: CredentialSource.existing() }).requiredSecrets.map(s => s.key)).toContain('exporter-password');
    expectValid(objects);
  });
});

describe('MySQLReplication rejects bad input', () => {
  const cases: Array<[string, MySQLReplicationProps, RegExp]> = [
    ['Parallel pod management', { podManagementPolicy: 'Parallel' }, /db\/mysql: podManagementPolicy "Parallel" is invalid: must be OrderedReady: a new member clones/],
    ['zero replicas', { replicas: 0 }, /replicas 0 is invalid: must be at least 1/],
    ['a partition above replicas', { replicas: 3, updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition: 4 }) }, /partition 4 is invalid: must be between 0 and 3/],
    ['a malformed storage size, named by the user\'s prop', { storage: { size: '10GB' } }, /^db\/mysql: storage.size "10GB" is invalid: .*did you mean "10Gi"/],
    ['a malformed memory request, named by the user\'s prop', { resources: { requests: { memory: '1GB' } } }, /^db\/mysql: resources.requests.memory "1GB" is invalid/],
    ['a server-id offset of 0', { serverIdOffset: 0 }, /serverIdOffset 0 is invalid/],
    ['an unsafe user name', { replicationUser: "repl'; DROP" }, /replicationUser .* is invalid: must be 1 to 32 letters/],
    ['a database user equal to root', { database: { name: 'app', user: 'root' } }, /database.user "root" is invalid: must differ from root/],
    ['an unpinned image', { engine: MySQLEngine.mysql(MySQLVersion.of('8.4', { image: 'mysql', backupImage: 'percona/percona-xtrabackup:8.4.0-4' })) }, /engine.image "mysql" is invalid: must name a pinned tag/],
    ['storage size reported under the user\'s prop', { storage: { size: '-5Gi' } }, /db\/mysql: storage.size "-5Gi" is invalid/],
    ['an existing claim for per-member data', { storage: { existingClaim: 'data' } }, /storage.existingClaim "data" is invalid: is not possible/],
    ['a config value with a newline', { config: { max_connections: '500\n[client]\npassword=oops' } }, /config.max_connections .* is invalid: must be one line/],
    ['a config key the construct owns', { config: { 'server-id': '7' } }, /config.server-id "7" is invalid: is set by MySQLReplication itself/],
    ['a Secret name that is not a DNS subdomain', { secretName: 'My_Secret' }, /secretName "My_Secret" is invalid/],
    ['a bad read Service name', { readServiceName: 'Read' }, /readServiceName "Read" is invalid/],
  ];
  test.each(cases)('%s', (_, props, message) => expect(() => build(props)).toThrow(message));
});

describe('MySQLReplication credentials: one Secret, its source chosen by `credentials`', () => {
  const props: MySQLReplicationProps = { database: { name: 'app', user: 'app' }, exporter: {} };
  const specKeys = (objects: Manifest[]) => find(objects, 'ConfigMap', 'secret-generator').data.spec
    .split('\n').filter((l: string) => l && !l.startsWith('#')).map((l: string) => l.split(' ').slice(0, 2).join('/'));
  const generatorKinds = ['Job', 'Role', 'RoleBinding', 'ServiceAccount', 'ExternalSecret', 'Password'];
  const statefulSet = (objects: Manifest[]) => find(objects, 'StatefulSet', 'mysql');

  test('existing: every key the members read is in requiredSecrets (env order, with purposes); no generator, no ExternalSecret', () => {
    const db = build({ ...props, credentials: CredentialSource.existing() });
    expect(db.requiredSecrets).toEqual([
      { secretName: 'mysql-credentials', namespace: 'wordpress', key: 'root-password', purpose: 'password of the MySQL user root', usedBy: ['db/mysql/app'] },
      { secretName: 'mysql-credentials', namespace: 'wordpress', key: 'replication-password', purpose: 'password of the replication user replicator', usedBy: ['db/mysql/app'] },
      { secretName: 'mysql-credentials', namespace: 'wordpress', key: 'password', purpose: 'password of the application user app', usedBy: ['db/mysql/app'] },
      { secretName: 'mysql-credentials', namespace: 'wordpress', key: 'exporter-password', purpose: 'password of the metrics user exporter', usedBy: ['db/mysql/app'] },
    ]);
    expect([db.generatedSecrets, db.externalSecrets, db.credentials.generator]).toEqual([[], [], undefined]);
    const objects = synth({ ...props, credentials: CredentialSource.existing() });
    expect(objects.filter(o => generatorKinds.includes(o.kind) || o.metadata.name === 'secret-generator')).toEqual([]);
  });

  test('generated (default): a Job makes exactly the keys the members read; its Role gets and patches only this Secret', () => {
    const objects = synth(props);
    expect(specKeys(objects)).toEqual(['mysql-credentials/exporter-password', 'mysql-credentials/password', 'mysql-credentials/replication-password', 'mysql-credentials/root-password']);
    expect(find(objects, 'Role', 'secret-generator').rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'patch'], resourceNames: ['mysql-credentials'] },
    ]);
    expect(find(objects, 'RoleBinding', 'secret-generator').subjects).toEqual([{ kind: 'ServiceAccount', name: 'secret-generator', namespace: 'wordpress' }]);
    expect(ofKind(objects, 'Job')[0].spec.template.spec.serviceAccountName).toBe('secret-generator');
    // only the keys in use: no app or metrics user, no password or exporter-password
    expect(specKeys(synth())).toEqual(['mysql-credentials/replication-password', 'mysql-credentials/root-password']);
    expect(specKeys(synth({ secretName: 'db-secrets' }))).toEqual(['db-secrets/replication-password', 'db-secrets/root-password']);
    expectValid(objects);
  });

  test('generated: a database.password of another Secret stays required, the generator makes the rest', () => {
    const db = build({ database: { name: 'app', user: 'app', password: SecretKeyRef.of('app-db', 'pw') } });
    expect(db.requiredSecrets.map(s => `${s.secretName}/${s.key}`)).toEqual(['app-db/pw']);
    expect(db.generatedSecrets.map(s => `${s.secretName}/${s.key}`)).toEqual(['mysql-credentials/replication-password', 'mysql-credentials/root-password']);
    const own = build({ database: { name: 'app', user: 'app', password: SecretKeyRef.of('mysql-credentials', 'app-password') } });
    expect(own.generatedSecrets.map(s => s.key)).toEqual(['app-password', 'replication-password', 'root-password']);
    expect(own.requiredSecrets).toEqual([]);
  });

  test('external: an ExternalSecret fills the same Secret with the same keys; no generator', () => {
    const credentials = CredentialSource.external({
      storeRef: { kind: 'ClusterSecretStore', name: 'vault' },
      remoteKeys: { 'root-password': 'db/root', 'replication-password': { key: 'db', property: 'replication' } },
      passwordGenerator: { keys: ['password', 'exporter-password'] },
    });
    const objects = synth({ ...props, credentials });
    const es = find(objects, 'ExternalSecret', 'mysql-credentials');
    expect(es.spec.target).toMatchObject({ name: 'mysql-credentials' });
    expect(es.spec.data.map((d: Manifest) => d.secretKey)).toEqual(['replication-password', 'root-password']);
    expect(find(objects, 'Password', 'mysql-credentials-password').spec.secretKeys).toEqual(['exporter-password', 'password']);
    expect(objects.filter(o => ['Job', 'Role', 'ServiceAccount'].includes(o.kind))).toEqual([]);
    const db = build({ ...props, credentials });
    expect(db.externalSecrets.map(k => `${k.key} ${k.from}`)).toEqual([
      'exporter-password Password/mysql-credentials-password', 'password Password/mysql-credentials-password',
      'replication-password ClusterSecretStore/vault', 'root-password ClusterSecretStore/vault',
    ]);
    expect([db.requiredSecrets, db.generatedSecrets]).toEqual([[], []]);
    expectValid(objects);
  });

  test('the members\' pods are the same whatever the source (no wait container: the kubelet holds a container until its Secret exists)', () => {
    const external = CredentialSource.external({ storeRef: { kind: 'SecretStore', name: 's' }, passwordGenerator: { keys: ['root-password', 'replication-password', 'password', 'exporter-password'] } });
    const [generated, existing, ext] = [CredentialSource.generated(), CredentialSource.existing(), external].map(credentials => statefulSet(synth({ ...props, credentials })));
    expect(existing).toEqual(generated);
    expect(ext).toEqual(generated);
    expect(generated.spec.template.spec.initContainers.map((c: Manifest) => c.name)).toEqual(['init-config', 'clone']);
  });

  test('deterministic: the same props give the same objects and the same Job name', () => {
    expect(JSON.stringify(synth(props))).toBe(JSON.stringify(synth(props)));
    expect(ofKind(synth(props), 'Job')[0].metadata.name).not.toBe(ofKind(synth(), 'Job')[0].metadata.name);
  });

  test('in a Release, the release\'s own generator `<release>-secret-generator`, its objects labelled with the release', () => {
    const app = Testing.app();
    const chart = new Release(app, 'db', { namespace: 'wordpress' });
    const mysql = new MySQLReplication(chart, 'mysql', props);
    const objects = Testing.synth(chart);
    const generator = objects.filter(o => o.metadata.labels?.['app.kubernetes.io/component'] === 'credentials');
    expect(generator.map(o => [o.kind, o.metadata.name.replace(/-[0-9a-f]{8}$/, '-<hash>'), o.metadata.labels[RELEASE_LABEL]]).sort()).toEqual([
      ['ConfigMap', 'db-secret-generator', 'db'], ['Job', 'db-secret-generator-<hash>', 'db'], ['Role', 'db-secret-generator', 'db'],
      ['RoleBinding', 'db-secret-generator', 'db'], ['ServiceAccount', 'db-secret-generator', 'db'],
    ]);
    const job = ofKind(objects, 'Job')[0].spec.template.spec;
    expect(job.serviceAccountName).toBe('db-secret-generator');
    expect(job.volumes).toContainEqual({ name: 'scripts', configMap: { name: 'db-secret-generator' } });
    expect(find(objects, 'RoleBinding', 'db-secret-generator').roleRef.name).toBe('db-secret-generator');
    expect(mysql.generatedSecrets[0].generatedBy).toBe('db/SecretGenerator-wordpress');
  });

  test('errors name the MySQLReplication prop', () => {
    expect(() => build({ credentials: 'generated' as unknown as CredentialSource })).toThrow(
      /^db\/mysql: credentials "\(not shown\)" is invalid: must be a CredentialSource/);
    expect(() => build({ credentials: CredentialSource.external({ storeRef: { kind: 'SecretStore', name: 's' }, remoteKeys: { 'root-password': 'r' } }) })).toThrow(
      /^db\/mysql: credentials\.remoteKeys "replication-password" is invalid: must give key "replication-password" of Secret "mysql-credentials" a remote key/);
    expect(() => build({ credentials: CredentialSource.external({ storeRef: { kind: 'Vault' as 'SecretStore', name: 's' } }) })).toThrow(
      /^db\/mysql: credentials\.storeRef\.kind "Vault" is invalid/);
  });
});

describe('MySQLReplication network policy', () => {
  test('the clone port admits only members; 3306 (and 9104) stay open', () => {
    const objects = synth({ exporter: {} });
    const policy = find(objects, 'NetworkPolicy', 'mysql');
    const selector = find(objects, 'StatefulSet', 'mysql').spec.selector.matchLabels;
    expect(policy.spec.podSelector).toEqual({ matchLabels: selector });
    expect(policy.spec.ingress).toEqual([
      { ports: [{ protocol: 'TCP', port: 3306 }, { protocol: 'TCP', port: 9104 }] },
      { from: [{ podSelector: { matchLabels: selector } }], ports: [{ protocol: 'TCP', port: 3307 }] },
    ]);
    expectValid(objects);
  });

  test('can be switched off', () => {
    expect(ofKind(synth({ networkPolicy: false }), 'NetworkPolicy')).toHaveLength(0);
  });
});
