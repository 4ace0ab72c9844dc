import { App, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DatabaseConnection, IDatabaseConnection, InvalidPropError, MySQLReplication, SecretKeyRef } from '../lib';
import { WordPress, WordPressStack, WordPressDatabase, WordPressProps } from '../lib/wordpress';
import { appObjects, expectValid, find, Manifest, ofKind } from './support/manifests';

const container = (workload: Manifest, name: string): Manifest => {
  const spec = workload.spec.template.spec;
  return [...(spec.initContainers ?? []), ...spec.containers].find((c: Manifest) => c.name === name);
};
const env = (c: Manifest): Record<string, Manifest> => Object.fromEntries((c.env ?? []).map((e: Manifest) => [e.name, e]));

/** The database chart of the seed (`helm install mysql bitnami/mysql -n <namespace> --create-namespace`). */
function mysqlChart(app: App, opts: { namespace?: string; name?: string; database?: boolean } = {}) {
  const namespace = opts.namespace ?? 'wordpress';
  const chart = new Chart(app, 'mysql', { namespace });
  new k8s.KubeNamespace(chart, 'namespace', { metadata: { name: namespace } });
  const mysql = new MySQLReplication(chart, 'mysql', {
    name: opts.name,
    replicas: 2,
    database: opts.database === false ? undefined : { name: 'wordpress', user: 'wordpress' },
  });
  return { chart, mysql };
}

/** The WordPress env that must come from the database handle (the same in the site, its wait and the install Job). */
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

function errorOf(build: () => unknown): InvalidPropError {
  try {
    build();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidPropError);
    return e as InvalidPropError;
  }
  throw new Error('expected an InvalidPropError');
}

describe('WordPressDatabase.external(mysql): a MySQLReplication of another chart, as a connection handle', () => {
  test('host, port, user, name and password come from the handle', () => {
    const app = Testing.app();
    const { mysql } = mysqlChart(app);
    const chart = new WordPressStack(app, 'wordpress', { createNamespace: false, database: WordPressDatabase.external(mysql) });
    const wp = chart.wordpress;
    expect(wp.databaseKind).toBe('external');
    expect(wp.database).toBe(mysql);
    expect(wp.builtInDatabase).toBeUndefined();
    expect(dbEnv(chart.toJson())).toEqual({
      host: 'mysql-primary.wordpress.svc.cluster.local:3306',
      name: 'wordpress',
      user: 'wordpress',
      password: { name: mysql.password.secretName, key: mysql.password.key },
      waitHost: 'mysql-primary.wordpress.svc.cluster.local',
      waitPort: '3306',
    });
    expect(ofKind(chart.toJson(), 'StatefulSet')).toEqual([]);
    expect(ofKind(chart.toJson(), 'Namespace')).toEqual([]);
    expectValid(appObjects(app));
  });

  test('the WordPress chart depends on the database chart, even when declared first', () => {
    const app = Testing.app();
    const late = new Chart(app, 'late', { namespace: 'wordpress' });
    const wpChart = new WordPressStack(app, 'wordpress', { createNamespace: false, database: WordPressDatabase.external(
      new MySQLReplication(late, 'mysql', { database: { name: 'wordpress', user: 'wordpress' } })) });
    expect(wpChart.node.dependencies).toContain(late);
    expect(app.charts.indexOf(late)).toBeLessThan(app.charts.indexOf(wpChart));
  });

  test('a MySQLReplication without a database: the error names database of the WordPress', () => {
    const app = Testing.app();
    const { mysql } = mysqlChart(app, { database: false });
    const e = errorOf(() => new WordPressStack(app, 'wordpress', { createNamespace: false, database: WordPressDatabase.external(mysql) }));
    expect(e.constructPath).toBe('wordpress/wordpress');
    expect(e.prop).toBe('database');
    expect(e.message).toContain('give the MySQLReplication `database: { name');
  });

  test('a MySQLReplication of another App is rejected', () => {
    const { mysql } = mysqlChart(Testing.app());
    expect(() => new WordPressStack(Testing.app(), 'wordpress', { database: WordPressDatabase.external(mysql) }))
      .toThrow(/must belong to the same cdk8s App/);
  });

  test('a user\'s own database construct that implements IDatabaseConnection (no instanceof anywhere)', () => {
    class MyDatabase extends Construct implements IDatabaseConnection {
      public readonly endpoint = { host: 'db.tenants.svc.cluster.local', port: 3307 };
      public readonly readEndpoint = this.endpoint;
      public readonly databaseName = 'blog';
      public readonly user = 'blog';
      public readonly password = SecretKeyRef.of('blog-db', 'password');
      public readonly engineFamily = 'mariadb' as const;
    }
    const app = Testing.app();
    const theirs = new Chart(app, 'tenants', { namespace: 'tenants' });
    const db = new MyDatabase(theirs, 'db');
    const chart = new WordPressStack(app, 'wordpress', { database: WordPressDatabase.external(db) });
    expect(dbEnv(chart.toJson()).host).toBe('db.tenants.svc.cluster.local:3307');
    expect(chart.node.dependencies).toContain(theirs);
  });
});

describe('WordPressDatabase.external(DatabaseConnection.fromAttributes(...)): a server the app does not manage', () => {
  const handle = (attrs: Partial<Parameters<typeof DatabaseConnection.fromAttributes>[0]> = {}) => DatabaseConnection.fromAttributes({
    host: 'mysql.example.com', databaseName: 'blog', user: 'blog', password: SecretKeyRef.of('blog-db', 'password'), engineFamily: 'mysql', ...attrs,
  });

  test('like Bitnami externalDatabase: host, port (default 3306), database, user, password Secret', () => {
    const chart = new WordPressStack(Testing.app(), 'wordpress', { database: WordPressDatabase.external(handle()) });
    expect(dbEnv(chart.toJson())).toEqual({
      host: 'mysql.example.com:3306', name: 'blog', user: 'blog', password: { name: 'blog-db', key: 'password' },
      waitHost: 'mysql.example.com', waitPort: '3306',
    });
    expect(chart.wordpress.requiredSecrets.filter(s => s.secretName === 'blog-db')).toEqual([{
      secretName: 'blog-db', key: 'password', namespace: 'wordpress', purpose: 'password of the database user blog',
      usedBy: ['wordpress/wordpress/app', 'wordpress/wordpress/install'],
    }]);
  });

  test.each([
    [{ engineFamily: 'postgresql' as const }, 'database.engineFamily', /must be mysql or mariadb/],
    [{ port: 70000 }, 'database.endpoint.port', /between 1 and 65535/],
    [{ host: 'https://db' }, 'database.endpoint.host', /host/],
    [{ databaseName: 'my blog' }, 'database.databaseName', /letters, digits/],
    [{ user: '' }, 'database.user', /letters, digits/],
  ])('bad attributes are errors of the WordPress naming database.* (%o)', (attrs, prop, rule) => {
    const e = errorOf(() => new WordPressStack(Testing.app(), 'wordpress', { database: WordPressDatabase.external(handle(attrs)) }));
    expect(e.constructPath).toBe('wordpress/wordpress');
    expect(e.prop).toBe(prop);
    expect(e.rule).toMatch(rule);
  });

  test('a literal password (JavaScript callers) is rejected without echoing it', () => {
    const bad = { ...handle(), password: 's3cret' as unknown as SecretKeyRef };
    const e = errorOf(() => new WordPressStack(Testing.app(), 'wordpress', { database: WordPressDatabase.external(bad) }));
    expect(e.prop).toBe('database.password');
    expect(e.message).not.toContain('s3cret');
  });
});

describe('WordPressDatabase.builtIn() (the default): a MySQLReplication beside WordPress', () => {
  test('replicas, name, database and storage are configurable; storageClassName is inherited from storage', () => {
    const chart = new WordPressStack(Testing.app(), 'wordpress', {
      storage: { storageClassName: 'fast' },
      database: WordPressDatabase.builtIn({ name: 'blog-db', replicas: 3, database: { name: 'blog', user: 'blogger' } }),
    });
    const objects = chart.toJson();
    const sts = find(objects, 'StatefulSet', 'blog-db');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('fast');
    expect(dbEnv(objects)).toMatchObject({ host: 'blog-db-primary.wordpress.svc.cluster.local:3306', name: 'blog', user: 'blogger' });
    expect(chart.wordpress.builtInDatabase?.node.path).toBe('wordpress/wordpress/mysql');
    // Its Secret is generated in the cluster (MySQLReplication's default): nobody has to create it.
    expect(chart.wordpress.requiredSecrets.filter(s => s.secretName === 'blog-db-credentials')).toEqual([]);
    expect(chart.wordpress.builtInDatabase!.generatedSecrets.map(s => s.key).sort()).toEqual(['password', 'replication-password', 'root-password']);
    expectValid(objects);
  });

  test('its errors name the outer prop on the WordPress: database.storage.size, not volumeClaims[0].size', () => {
    const e = errorOf(() => new WordPressStack(Testing.app(), 'wordpress', {
      database: WordPressDatabase.builtIn({ storage: { size: '10GB' } }),
    }));
    expect(e.constructPath).toBe('wordpress/wordpress');
    expect(e.prop).toBe('database.storage.size');
    expect(e.message).toMatch(/did you mean "10Gi"/);
  });

  test('not a WordPressDatabase: a clear error', () => {
    const props = { database: { host: 'db' } } as unknown as WordPressProps;
    expect(() => new WordPressStack(Testing.app(), 'wordpress', props))
      .toThrow(/database "object" is invalid: must be WordPressDatabase.builtIn\(\{...\}\) or WordPressDatabase.external\(handle\)/);
  });
});

test('WordPress inside a user\'s chart: its objects in that chart and namespace, no Namespace object, one file', () => {
  const app = Testing.app();
  const mine = new Chart(app, 'platform', { namespace: 'sites' });
  const db = new MySQLReplication(mine, 'db', { database: { name: 'wordpress', user: 'wordpress' } });
  const wp = new WordPress(mine, 'blog', { name: 'blog', database: WordPressDatabase.external(db), ingress: { host: 'blog.example.com' } });
  const objects = mine.toJson();
  expect(ofKind(objects, 'Namespace')).toEqual([]);
  expect(find(objects, 'Deployment', 'blog').metadata.namespace).toBe('sites');
  expect(wp.namespace).toBe('sites');
  expect(app.charts).toEqual([mine]);
  expectValid(appObjects(app));
});
