import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { stringify } from 'yaml';
import { MariaDBVersion, MySQLEngine, MySQLReplication, MySQLReplicationProps, MySQLVersion } from '../lib';
import { runPlan } from '../lib/release';
import { buildApp } from '../main';
import { synthChart } from './support/manifests';
import { tempDir } from './support/release-output';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

function plan(args: string[], build: (app: App) => App = buildApp): { code: number; out: string } {
  const lines: string[] = [];
  const code = runPlan(args, dir => { build(new App({ outdir: dir })).synth(); }, { out: t => lines.push(t), err: t => lines.push(t) });
  return { code, out: lines.join('\n') };
}

/** The default app with the database's claim template size set to `size` (a code change, synthesized for real). */
function withDatabaseClaim(size: string) {
  return (app: App) => {
    buildApp(app);
    const sts = app.node.findChild('mysql').node.findAll().find(c => ApiObject.isApiObject(c) && c.kind === 'StatefulSet') as ApiObject;
    sts.addJsonPatch(JsonPatch.replace('/spec/volumeClaimTemplates/0/spec/resources/requests/storage', k8s.Quantity.fromString(size)));
    return app;
  };
}

describe('npm run plan on the default app', () => {
  test('an unchanged tree: "no changes", exit 0', () => {
    const { code, out } = plan(['--against', dist]);
    expect(out).toBe(`${dist} -> the current code: no changes`);
    expect(code).toBe(0);
  });

  test('the database\'s claim size changed: immutable-field flag with what to do, exit 1', () => {
    const { code, out } = plan(['--against', dist], withDatabaseClaim('20Gi'));
    expect(out).toContain('release mysql\n  ~ StatefulSet wordpress/mysql\n      spec.volumeClaimTemplates[data].spec.resources.requests.storage: "10Gi" -> "20Gi"');
    expect(out).toContain('! REFUSED StatefulSet wordpress/mysql: immutable StatefulSet field spec.volumeClaimTemplates changed: the apply will be refused (Forbidden)');
    expect(out).toContain('what to do: kubectl delete statefulset mysql -n wordpress --cascade=orphan, then apply');
    expect(out).not.toContain('release wordpress');
    expect(code).toBe(1);
  });

  test('the database\'s claim shrunk: also the shrink flag', () => {
    const { code, out } = plan(['--against', dist], withDatabaseClaim('5Gi'));
    expect(out).toContain('claim template data shrunk from 10Gi to 5Gi');
    expect(code).toBe(1);
  });

  test('the package command `cdk8s-stateful plan`, as `npm run plan` runs it (the app command of cdk8s.yaml): no changes / refused', () => {
    const cli = path.join(root, 'build', 'lib', 'cli.js');
    const unchanged = spawnSync(process.execPath, [cli, 'plan'], { cwd: root, encoding: 'utf8' });
    expect(unchanged.stdout.trim()).toBe('dist -> the current code: no changes');
    expect(unchanged.status).toBe(0);
    const { dir, cleanup } = tempDir('plan-bin-');
    try {
      const mysql = fs.readFileSync(path.join(dist, '0001-mysql.k8s.yaml'), 'utf8');
      fs.copyFileSync(path.join(dist, '0000-myapp.k8s.yaml'), path.join(dir, '0000-myapp.k8s.yaml'));
      fs.writeFileSync(path.join(dir, '0001-mysql.k8s.yaml'), mysql.replace('storage: 10Gi', 'storage: 8Gi'));
      const changed = spawnSync(process.execPath, [cli, 'plan', '--against', dir], { cwd: root, encoding: 'utf8' });
      expect(changed.stdout).toContain('REFUSED StatefulSet wordpress/mysql');
      expect(changed.stdout).toContain('release wordpress (new release)');
      expect(changed.status).toBe(1);
    } finally {
      cleanup();
    }
  });

  test('bad usage: exit 2', () => {
    expect(plan(['--nope']).code).toBe(2);
    expect(plan(['--against', '/no/such/dir']).out).toContain('/no/such/dir is not a directory');
  });

  test('an app command that fails: exit 2 with its output; no cdk8s.yaml and no --app: exit 2 saying so', () => {
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
    expect(runPlan(['--against', dist, '--app', `${JSON.stringify(process.execPath)} -e "console.error('no luck'); process.exit(3)"`], undefined, io)).toBe(2);
    expect(lines.join('\n')).toMatch(/the app command `.*` failed \(exit 3\):\nno luck/);
    const { dir, cleanup } = tempDir('plan-noconfig-');
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      lines.length = 0;
      expect(runPlan(['--against', dist], undefined, io)).toBe(2);
      expect(lines.join('\n')).toContain('no cdk8s.yaml here to take the app command from');
    } finally {
      process.chdir(cwd);
      cleanup();
    }
  });
});

// Crafted outputs: one release `app` in namespace `ns`, before and after.
const meta = (name: string) => ({ name, namespace: 'ns', labels: { 'cdk8s-stateful/release': 'app' } });
const pod = (image: string, extra: object = {}) => ({
  metadata: { labels: { app: 'db' } },
  spec: { containers: [{ name: 'main', image, ...extra }] },
});
const sts = (spec: object = {}, image = 'mariadb:11.4.8') => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('db'),
  spec: {
    replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: pod(image),
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }],
    ...spec,
  },
});
const deployment = (selector: object, image = 'nginx:1.27.2') => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'),
  spec: { selector: { matchLabels: selector }, template: { ...pod(image), metadata: { labels: { app: 'db', ...selector } } } },
});
const service = (spec: object) => ({ apiVersion: 'v1', kind: 'Service', metadata: meta('db'), spec: { ports: [{ port: 3306 }], selector: { app: 'db' }, ...spec } });
const pvc = (size: string, spec: object = {}) => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('files'),
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, ...spec },
});
const secret = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: meta('creds'), data });

function planPair(before: object[], after: object[]): { code: number; out: string } {
  const a = tempDir('plan-before-');
  const b = tempDir('plan-after-');
  try {
    fs.writeFileSync(path.join(a.dir, '0000-app.k8s.yaml'), before.map(o => stringify(o)).join('---\n'));
    fs.writeFileSync(path.join(b.dir, '0000-app.k8s.yaml'), after.map(o => stringify(o)).join('---\n'));
    const r = plan(['--against', a.dir, '--to', b.dir]);
    return { code: r.code, out: r.out.replace(a.dir, 'BEFORE').replace(b.dir, 'AFTER') };
  } finally {
    a.cleanup();
    b.cleanup();
  }
}

describe('plan risk flags (crafted pairs of outputs)', () => {
  test.each([
    ['serviceName', { serviceName: 'db-headless' }],
    ['podManagementPolicy', { podManagementPolicy: 'Parallel' }],
    ['selector', { selector: { matchLabels: { app: 'db', tier: 'x' } } }],
  ])('StatefulSet %s changed: refused, exit 1', (field, spec) => {
    const { code, out } = planPair([sts()], [sts(spec)]);
    expect(out).toContain(`! REFUSED StatefulSet ns/db: immutable StatefulSet field spec.${field} changed`);
    expect(out).toContain('kubectl delete statefulset db -n ns --cascade=orphan');
    expect(code).toBe(1);
  });

  test.each([
    ['volumeClaimTemplates', 'volumeClaimTemplates'],
    ['podManagementPolicy', 'podManagementPolicy'],
  ])('StatefulSet %s removed: refused, exit 1', (field, removed) => {
    const before = sts({ podManagementPolicy: 'Parallel' });
    const after = sts({ podManagementPolicy: 'Parallel' });
    delete (after.spec as Record<string, unknown>)[removed];
    const { code, out } = planPair([before], [after]);
    expect(out).toContain(`! REFUSED StatefulSet ns/db: immutable StatefulSet field spec.${field} changed`);
    expect(code).toBe(1);
  });

  test('StatefulSet field set to its default removed (podManagementPolicy OrderedReady): no flag', () => {
    const after = sts();
    const { code, out } = planPair([sts({ podManagementPolicy: 'OrderedReady' })], [after]);
    expect(out).not.toContain('!');
    expect(code).toBe(0);
  });

  test('StatefulSet fields that may change (replicas up, template, updateStrategy, minReadySeconds) and a default made explicit: no flag', () => {
    const { code, out } = planPair([sts()], [sts({ replicas: 4, updateStrategy: { type: 'OnDelete' }, minReadySeconds: 5, podManagementPolicy: 'OrderedReady' }, 'mariadb:11.4.9')]);
    expect(out).toContain('~ StatefulSet ns/db');
    expect(out).not.toContain('!');
    expect(code).toBe(0);
  });

  test('a claim shrunk: refused; a claim grown: accepted', () => {
    const shrunk = planPair([pvc('10Gi')], [pvc('5Gi')]);
    expect(shrunk.out).toContain('! REFUSED PersistentVolumeClaim ns/files: claim shrunk from 10Gi to 5Gi');
    expect(shrunk.code).toBe(1);
    const grown = planPair([pvc('10Gi')], [pvc('11Gi')]);
    expect(grown.out).not.toContain('!');
    expect(grown.code).toBe(0);
  });

  test('a claim\'s storage class changed: refused', () => {
    const { code, out } = planPair([pvc('1Gi')], [pvc('1Gi', { storageClassName: 'fast' })]);
    expect(out).toContain('may change only in resources.requests');
    expect(code).toBe(1);
  });

  test('a claim removed: warning (prune deletes it)', () => {
    const { code, out } = planPair([pvc('1Gi'), service({})], [service({})]);
    expect(out).toContain('- PersistentVolumeClaim ns/files');
    expect(out).toContain('! WARNING PersistentVolumeClaim ns/files: claim removed');
    expect(code).toBe(0);
  });

  test('a Deployment selector changed: refused', () => {
    const { code, out } = planPair([deployment({ app: 'web' })], [deployment({ app: 'web2' })]);
    expect(out).toContain('! REFUSED Deployment ns/web: spec.selector changed: it is immutable for a Deployment');
    expect(code).toBe(1);
  });

  test('a Service selector changed: warning, accepted', () => {
    const { code, out } = planPair([service({})], [service({ selector: { app: 'other' } })]);
    expect(out).toContain('! WARNING Service ns/db: spec.selector changed');
    expect(code).toBe(0);
  });

  test('a Service type changed: warning; clusterIP changed: refused; headless to unset: warning', () => {
    const type = planPair([service({})], [service({ type: 'NodePort' })]);
    expect(type.out).toContain('! WARNING Service ns/db: Service type ClusterIP -> NodePort');
    expect(type.code).toBe(0);
    const ip = planPair([service({})], [service({ clusterIP: 'None' })]);
    expect(ip.out).toContain('! REFUSED Service ns/db: spec.clusterIP (allocated) -> None: the field is immutable');
    expect(ip.code).toBe(1);
    const unset = planPair([service({ clusterIP: 'None' })], [service({})]);
    expect(unset.out).toContain('the API server keeps None');
    expect(unset.code).toBe(0);
  });

  test('a Secret key removed that a pod still reads: warning naming the pod; Secret values never printed', () => {
    const reader = sts({ template: pod('mariadb:11.4.8', { env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } }] }) });
    const { code, out } = planPair([secret({ password: 'c2VjcmV0MQ==', user: 'dQ==' }), reader], [secret({ user: 'dQ==' }), reader]);
    expect(out).toContain('! WARNING Secret ns/creds: key password removed while StatefulSet ns/db still reads key password (container main env PW)');
    expect(out).toContain('data.password: removed (value hidden)');
    expect(out).not.toContain('c2VjcmV0MQ==');
    expect(code).toBe(0);
    const unread = planPair([secret({ password: 'c2VjcmV0MQ==', user: 'dQ==' }), sts()], [secret({ user: 'dQ==' }), sts()]);
    expect(unread.out).not.toContain('!');
  });

  test('replicas of a database lowered: warning; of a web server: none', () => {
    const db = planPair([sts()], [sts({ replicas: 1 })]);
    expect(db.out).toContain('! WARNING StatefulSet ns/db: replicas of a database lowered from 3 to 1');
    expect(db.out).toContain('the pods db-1..2 stop');
    expect(db.code).toBe(0);
    const web = planPair([sts({}, 'nginx:1.27.2')], [sts({ replicas: 1 }, 'nginx:1.27.2')]);
    expect(web.out).not.toContain('!');
  });

  test('an image going back a version: warning; forward or another variant: none', () => {
    const back = planPair([sts({}, 'mariadb:11.4.8')], [sts({}, 'mariadb:11.4.7')]);
    expect(back.out).toContain('! WARNING StatefulSet ns/db: container main goes back a version: mariadb:11.4.8 -> mariadb:11.4.7');
    expect(back.code).toBe(0);
    expect(planPair([deployment({ a: 'b' }, 'wordpress:6.8.3-php8.3-apache')], [deployment({ a: 'b' }, 'wordpress:6.7.0-php8.3-apache')]).out).toContain('goes back a version');
    expect(planPair([sts({}, 'mariadb:11.4.8')], [sts({}, 'mariadb:11.8.2')]).out).not.toContain('!');
    expect(planPair([sts({}, 'goharbor/harbor-db:v2.13.2')], [sts({}, 'goharbor/harbor-db:v2.14.0')]).out).not.toContain('!');
  });

  test('objects added and removed, and field-level changes', () => {
    const { out } = planPair([service({})], [service({ ports: [{ port: 3307 }] }), pvc('1Gi')]);
    expect(out).toBe([
      'BEFORE -> AFTER:', '', 'release app', '  ~ Service ns/db', '      spec.ports[0].port: 3306 -> 3307', '  + PersistentVolumeClaim ns/files', '',
      '1 release(s) change; 0 change(s) the API server would refuse, 0 warning(s).',
    ].join('\n'));
  });
});

describe('npm run plan: the day-2 switchover step of a MySQLReplication', () => {
  const cluster = (props: MySQLReplicationProps) => synthChart(chart => { new MySQLReplication(chart, 'db', props); }, 'data');

  test('another primary: from, to, the Job and what it does; the write Service moves on apply', () => {
    const { code, out } = planPair(cluster({ primary: 0 }), cluster({ primary: 2, switchover: { catchUpSeconds: 20 } }));
    expect(out).toContain('  ~ ConfigMap data/db-topology\n      data.primary: "0" -> "2"');
    expect(out).toMatch(/! WARNING ConfigMap data\/db-topology: day-2 step, switchover of the primary db-0 -> db-2: on apply the write Service db-primary selects db-2 \(writes are refused until it is promoted\) and the Job db-switchover-2-[0-9a-f]{8} checks db-2 is a healthy replica of the current primary, makes that one read-only and closes its clients, waits up to 20 s until db-2 has applied every transaction \(else makes the old primary writable again and fails\), promotes db-2 and points db-0, db-1 at it/);
    expect(out).toContain('! WARNING Service data/db-primary: spec.selector changed');
    // Not a change the API server refuses.
    expect(code).toBe(0);
  });

  test('the primary moved with no switchover Job (the prop removed): flagged, naming the fix', () => {
    const { out } = planPair(cluster({ primary: 1 }), cluster({}));
    expect(out).toContain('! WARNING ConfigMap data/db-topology: the declared primary moves from db-1 to db-0 with no switchover Job: the write Service db-primary selects db-0, a read-only replica, and nothing promotes it');
    expect(out).toContain('what to do: set `primary: 0` explicitly');
  });
});

describe('npm run plan: the day-2 engine upgrade step of a MySQLReplication', () => {
  const cluster = (props: MySQLReplicationProps) => synthChart(chart => { new MySQLReplication(chart, 'db', props); }, 'data');
  const mariadb = (v: MariaDBVersion, props: MySQLReplicationProps = {}) => cluster({ engine: MySQLEngine.mariadb(v), ...props });

  test('MariaDB 10.11 -> 11.8, primary 0: the order of the pods (replicas first, the primary last) and the gates', () => {
    const { code, out } = planPair(mariadb(MariaDBVersion.V10_11), mariadb(MariaDBVersion.V11_8));
    expect(out).toContain('! WARNING StatefulSet data/db: day-2 step, engine upgrade mariadb 10.11 -> 11.8: the StatefulSet replaces db-2, db-1, db-0 (the primary) in this order, each only once the one before is Ready again');
    expect(out).toContain('what to do: watch each replica replicate again');
    expect(code).toBe(0);
  });

  test('with another primary it is not last: flagged, naming the partition or a switchover first', () => {
    const { out } = planPair(mariadb(MariaDBVersion.V10_11, { primary: 1 }), mariadb(MariaDBVersion.V11_4, { primary: 1 }));
    expect(out).toContain('replaces db-2, db-1 (the primary), db-0 in this order');
    expect(out).toContain('what to do: the primary db-1 is not last: set an updateStrategy partition of 2 first');
  });

  test('a downgrade and a skipped MySQL LTS are flagged, naming the supported path', () => {
    const down = planPair(mariadb(MariaDBVersion.V11_8), mariadb(MariaDBVersion.V11_4)).out;
    expect(down).toContain('engine mariadb 11.8 -> 11.4 is a downgrade, which MariaDB does not support in place');
    const skip = planPair(cluster({ engine: MySQLEngine.mysql(MySQLVersion.V8_0) }), cluster({ engine: MySQLEngine.mysql(MySQLVersion.V9_7) })).out;
    expect(skip).toContain('engine mysql 8.0 -> 9.7 skips the LTS series 8.4: MySQL upgrades in place only from one LTS series to the next');
    expect(skip).toContain('what to do: upgrade to 8.4 first');
    const next = planPair(cluster({ engine: MySQLEngine.mysql(MySQLVersion.V8_4) }), cluster({ engine: MySQLEngine.mysql(MySQLVersion.V9_7) })).out;
    expect(next).not.toContain('skips the LTS');
  });
});
