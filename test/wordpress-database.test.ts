import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { InvalidPropError, MySQLReplication, MYSQL_SECRET_KEYS, SecretKeyRef } from '../lib';
import { WordPressDatabase, WordPressStack, WordPressStackProps } from '../lib/wordpress';
import { appObjects, expectValid, find, Manifest, ofKind } from './support/manifests';

const container = (workload: Manifest, name: string): Manifest => {
  const spec = workload.spec.template.spec;
  return [...(spec.initContainers ?? []), ...spec.containers].find((c: Manifest) => c.name === name);
};
const env = (c: Manifest): Record<string, Manifest> => Object.fromEntries((c.env ?? []).map((e: Manifest) => [e.name, e]));

/** The database chart of the seed (`helm install mysql bitnami/mysql -n <namespace> --create-namespace`). */
function mysqlChart(app: App, opts: { id?: string; namespace?: string; name?: string; database?: boolean; createNamespace?: boolean } = {}) {
  const namespace = opts.namespace ?? 'wordpress';
  const chart = new Chart(app, opts.id ?? 'mysql', { namespace });
  if (opts.createNamespace ?? true) new k8s.KubeNamespace(chart, 'namespace', { metadata: { name: namespace } });
  const mysql = new MySQLReplication(chart, 'mysql', {
    name: opts.name,
    replicas: 2,
    database: opts.database === false ? undefined : { name: 'wordpress', user: 'wordpress' },
  });
  return { chart, mysql };
}

/** The WordPress env that must come from the database handles. */
function dbEnv(objects: Manifest[]) {
  const deployment = find(objects, 'Deployment', 'wordpress');
  const wp = env(container(deployment, 'wordpress'));
  const wait = env(container(deployment, 'wait-for-database'));
  const install = env(container(ofKind(objects, 'Job').find(j => j.metadata.labels['app.kubernetes.io/component'] === 'install')!, 'install'));
  for (const name of ['WORDPRESS_DB_HOST', 'WORDPRESS_DB_NAME', 'WORDPRESS_DB_USER', 'WORDPRESS_DB_PASSWORD']) {
    expect(install[name]).toEqual(wp[name]);
  }
  return {
    host: wp.WORDPRESS_DB_HOST.value,
    name: wp.WORDPRESS_DB_NAME.value,
    user: wp.WORDPRESS_DB_USER.value,
    password: wp.WORDPRESS_DB_PASSWORD.valueFrom.secretKeyRef,
    waitHost: wait.WAIT_HOST.value,
    waitPort: wait.WAIT_PORT.value,
  };
}

describe('mode 2: WordPressDatabase.fromReplication(mysql), another chart', () => {
  test('host, port, user, name and password come from the MySQLReplication handles', () => {
    const app = Testing.app();
    const { mysql } = mysqlChart(app);
    const stack = new WordPressStack(app, 'wordpress', { database: WordPressDatabase.fromReplication(mysql) });
    expect(stack.databaseKind).toBe('replication');
    expect(stack.mysql).toBe(mysql);
    expect(dbEnv(stack.toJson())).toEqual({
      host: `${mysql.endpoint.host}:${mysql.endpoint.port}`,
      name: mysql.databaseName,
      user: mysql.user,
      password: { name: mysql.password.secretName, key: mysql.password.key },
      waitHost: mysql.endpoint.host,
      waitPort: String(mysql.endpoint.port),
    });
    expect(mysql.endpoint.host).toBe('mysql-0.mysql.wordpress.svc.cluster.local');
    // no StatefulSet of its own, and the Namespace stays with the database chart (written first)
    expect(ofKind(stack.toJson(), 'StatefulSet')).toEqual([]);
    expect(ofKind(stack.toJson(), 'Namespace')).toEqual([]);
    expectValid(appObjects(app));
  });

  test('WordPress follows a renamed MySQL in another namespace (the host is fully qualified)', () => {
    const app = Testing.app();
    const { mysql } = mysqlChart(app, { namespace: 'databases', name: 'blog-db' });
    const stack = new WordPressStack(app, 'wordpress', { database: WordPressDatabase.fromReplication(mysql) });
    const got = dbEnv(stack.toJson());
    expect(got.host).toBe('blog-db-0.blog-db.databases.svc.cluster.local:3306');
    expect(got.waitHost).toBe('blog-db-0.blog-db.databases.svc.cluster.local');
    // Secrets are namespaced: the same name and key, but in the WordPress namespace.
    expect(got.password).toEqual({ name: 'blog-db-credentials', key: MYSQL_SECRET_KEYS.userPassword });
    expect(stack.requiredSecrets[0]).toEqual({ name: 'blog-db-credentials', namespace: 'wordpress', keys: ['password'] });
    // WordPress creates its own Namespace here, in its own file.
    expect(ofKind(stack.toJson(), 'Namespace').map(n => n.metadata.name)).toEqual(['wordpress']);
    expectValid(appObjects(app));
  });

  test('passwordSecret: the WordPress-side copy of the database password', () => {
    const app = Testing.app();
    const { mysql } = mysqlChart(app, { namespace: 'databases' });
    const stack = new WordPressStack(app, 'wordpress', {
      database: WordPressDatabase.fromReplication(mysql, { passwordSecret: SecretKeyRef.of('wordpress-db', 'password') }),
    });
    expect(dbEnv(stack.toJson()).password).toEqual({ name: 'wordpress-db', key: 'password' });
    expect(stack.requiredSecrets[0]).toEqual({ name: 'wordpress-db', namespace: 'wordpress', keys: ['password'] });
    expectValid(appObjects(app));
  });

  test('the stack depends on the database chart: it comes first in app.charts and in dist/', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'wordpress-synth-'));
    try {
      const app = new App({ outdir });
      const { chart, mysql } = mysqlChart(app);
      const stack = new WordPressStack(app, 'wordpress', { database: WordPressDatabase.fromReplication(mysql) });
      expect(stack.node.dependencies).toContain(chart);
      expect(app.charts.map(c => c.node.id)).toEqual(['mysql', 'wordpress']);
      app.synth();
      expect(fs.readdirSync(outdir).sort()).toEqual(['0000-mysql.k8s.yaml', '0001-wordpress.k8s.yaml']);
      expect(fs.readFileSync(path.join(outdir, '0000-mysql.k8s.yaml'), 'utf8')).toMatch(/^kind: Namespace$/m);
      expect(fs.readFileSync(path.join(outdir, '0001-wordpress.k8s.yaml'), 'utf8')).toMatch(/^kind: Deployment$/m);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('the dependency orders charts even when the WordPress chart is declared first in the tree', () => {
    // A chart nested under another is still ordered by dependency, not by construction.
    const app = Testing.app();
    const parent = new Chart(app, 'a-wordpress');
    const { mysql } = mysqlChart(app, { id: 'z-mysql', namespace: 'databases' });
    new WordPressStack(parent, 'site', { database: WordPressDatabase.fromReplication(mysql) });
    const ids = app.charts.map(c => c.node.path);
    expect(ids.indexOf('z-mysql')).toBeLessThan(ids.indexOf('a-wordpress/site'));
  });

  test('a MySQLReplication inside another WordPressStack: a dependency on that chart, none back', () => {
    const app = Testing.app();
    const stack = new WordPressStack(app, 'wordpress', { skipInstall: true, ingress: false });
    const mysql = new MySQLReplication(stack, 'other-db', { database: { name: 'blog', user: 'blog' } });
    const second = new WordPressStack(app, 'second', {
      namespace: 'wordpress', name: 'second', database: WordPressDatabase.fromReplication(mysql), skipInstall: true, ingress: false,
    });
    expect(second.node.dependencies).toContain(stack);
    expect(stack.node.dependencies).toEqual([]);
  });

  test('a MySQLReplication without a database is rejected', () => {
    const app = Testing.app();
    const { mysql } = mysqlChart(app, { database: false });
    expect(() => new WordPressStack(app, 'wordpress', { database: WordPressDatabase.fromReplication(mysql) }))
      .toThrow(/^wordpress: database "mysql\/mysql" is invalid: the MySQLReplication defines no application database/);
  });

  test('a MySQLReplication of another App is rejected', () => {
    const { mysql } = mysqlChart(Testing.app());
    expect(() => new WordPressStack(Testing.app(), 'wordpress', { database: WordPressDatabase.fromReplication(mysql) }))
      .toThrow(/must belong to the same cdk8s App/);
  });

  test('the Namespace would otherwise be written after the database chart that uses it', () => {
    const app = Testing.app();
    const { mysql } = mysqlChart(app, { createNamespace: false });
    expect(() => new WordPressStack(app, 'wordpress', { database: WordPressDatabase.fromReplication(mysql) }))
      .toThrow(/createNamespace \(unset\) is invalid: would create Namespace "wordpress" in this chart, which is written after chart "mysql"/);
    // fine when the namespace exists already
    const app2 = Testing.app();
    const { mysql: mysql2 } = mysqlChart(app2, { createNamespace: false });
    new WordPressStack(app2, 'wordpress', { database: WordPressDatabase.fromReplication(mysql2), createNamespace: false });
  });

  test('a bad passwordSecret', () => {
    const app = Testing.app();
    const { mysql } = mysqlChart(app);
    expect(() => new WordPressStack(app, 'wordpress', { database: WordPressDatabase.fromReplication(mysql, { passwordSecret: 's3cret' as any }) }))
      .toThrow(/database.passwordSecret "\(a string, not shown\)" is invalid: must be a SecretKeyRef/);
  });
});

describe('mode 1: WordPressDatabase.owned()', () => {
  test('replicas, name, database and storage are configurable', () => {
    const app = Testing.app();
    const stack = new WordPressStack(app, 'wordpress', {
      persistence: { storageClassName: 'sc-nfs' },
      database: WordPressDatabase.owned({ name: 'db', replicas: 3, database: { name: 'blog', user: 'blogger' }, storage: { size: '20Gi', storageClassName: 'local-ssd' } }),
    });
    const objects = stack.toJson();
    const sts = find(objects, 'StatefulSet', 'db');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'local-ssd', resources: { requests: { storage: '20Gi' } } });
    expect(dbEnv(objects)).toMatchObject({ host: 'db-0.db.wordpress.svc.cluster.local:3306', name: 'blog', user: 'blogger', password: { name: 'db-credentials', key: 'password' } });
    expect(stack.mysql).toBe(stack.node.findChild('mysql'));
    expectValid(appObjects(app));
  });

  test('errors of the MySQLReplication name its path inside the stack', () => {
    expect(() => new WordPressStack(Testing.app(), 'wordpress', { database: WordPressDatabase.owned({ replicas: 0 }) }))
      .toThrow(/^wordpress\/mysql: replicas 0 is invalid/);
  });
});

describe('mode 3: WordPressDatabase.external()', () => {
  const external = (props: Partial<Parameters<typeof WordPressDatabase.external>[0]> = {}) =>
    WordPressDatabase.external({ host: 'mysql-primary.wordpress.svc.cluster.local', password: SecretKeyRef.of('wordpress-db', 'password'), ...props });

  test('like Bitnami externalDatabase: host, port, database, user, password Secret', () => {
    const app = Testing.app();
    const stack = new WordPressStack(app, 'wordpress', { database: external({ port: 3307, name: 'wp', user: 'wp_user' }) });
    expect(stack.databaseKind).toBe('external');
    expect(stack.mysql).toBeUndefined();
    expect(dbEnv(stack.toJson())).toEqual({
      host: 'mysql-primary.wordpress.svc.cluster.local:3307', name: 'wp', user: 'wp_user',
      password: { name: 'wordpress-db', key: 'password' },
      waitHost: 'mysql-primary.wordpress.svc.cluster.local', waitPort: '3307',
    });
    expect(ofKind(stack.toJson(), 'StatefulSet')).toEqual([]);
    expect(stack.node.dependencies).toEqual([]);
    expect(stack.requiredSecrets[0]).toEqual({ name: 'wordpress-db', namespace: 'wordpress', keys: ['password'] });
    expectValid(appObjects(app));
  });

  test('defaults: port 3306, database and user "wordpress"; an IP address is a fine host', () => {
    const stack = new WordPressStack(Testing.app(), 'wordpress', { database: external({ host: '10.0.0.12' }) });
    expect(stack.database).toMatchObject({ host: '10.0.0.12', port: 3306, name: 'wordpress', user: 'wordpress' });
  });

  const rejects = (props: WordPressStackProps, message: RegExp) => {
    let error: unknown;
    try {
      new WordPressStack(Testing.app(), 'wordpress', props);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidPropError);
    expect((error as Error).message).toMatch(message);
    return (error as Error).message;
  };

  test('without a password Secret', () => {
    rejects({ database: WordPressDatabase.external({ host: 'db.example.com' } as any) },
      /^wordpress: database.password \(unset\) is invalid: is required: an external database needs its user's password as a SecretKeyRef/);
  });

  test('with a literal password (JavaScript callers): rejected without echoing it', () => {
    const msg = rejects({ database: external({ password: 'Mystical@2025' as any }) }, /database.password "\(a string, not shown\)" is invalid/);
    expect(msg).not.toContain('Mystical');
  });

  test.each([
    ['db.example.com:3306', /give the port in `port`/],
    ['mysql://db.example.com', /no scheme/],
    ['', /is required/],
    ['DB.example.com', /must be a lower-case DNS name or an IPv4 address/],
  ])('bad host %j', (host, message) => {
    rejects({ database: external({ host }) }, new RegExp(`database.host ${JSON.stringify(host).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is invalid: .*${message.source}`));
  });

  test('bad port, name, user, Secret key', () => {
    rejects({ database: external({ port: 70000 }) }, /database.port 70000 is invalid/);
    rejects({ database: external({ name: 'my db' }) }, /database.name "my db" is invalid/);
    rejects({ database: external({ user: 'u'.repeat(33) }) }, /database.user "u{33}" is invalid/);
    rejects({ database: external({ password: SecretKeyRef.of('wordpress-db', 'pass word') }) }, /database.password.key "pass word" is invalid/);
    rejects({ database: external({ password: SecretKeyRef.of('WordPress', 'password') }) }, /database.password.secretName "WordPress" is invalid/);
  });
});

test('every mode, every object of every chart, validates strictly together', () => {
  const app = Testing.app();
  const { mysql } = mysqlChart(app, { namespace: 'databases' });
  new WordPressStack(app, 'owned', { namespace: 'owned', volumePermissions: true });
  new WordPressStack(app, 'replication', { namespace: 'replication', database: WordPressDatabase.fromReplication(mysql), replicas: 2, persistence: { accessModes: ['ReadWriteMany'] } });
  new WordPressStack(app, 'external', {
    namespace: 'external',
    database: WordPressDatabase.external({ host: 'db.example.com', password: SecretKeyRef.of('db', 'password') }),
    ingress: { host: 'blog.example.com', tlsSecretName: 'blog-tls' },
    autoscaling: { minReplicas: 2, maxReplicas: 4 },
    persistence: { accessModes: ['ReadWriteMany'] },
  });
  const order = app.charts.map(c => c.node.id);
  expect([...order].sort()).toEqual(['external', 'mysql', 'owned', 'replication']);
  expect(order.indexOf('mysql')).toBeLessThan(order.indexOf('replication'));
  expectValid(appObjects(app));
});
