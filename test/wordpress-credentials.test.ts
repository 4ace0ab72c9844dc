/**
 * The WordPress Secret (admin password, keys and salts) from each credential source: what the
 * generator Job is asked to make, what the operator must create, what an ExternalSecret fills, and
 * that the pods are the same whatever the source.
 */
import { App, Chart, Testing } from 'cdk8s';
import { CredentialSource, DatabaseConnection, InvalidPropError, MySQLReplication, SecretKeyRef } from '../lib';
import { ALPHABETS } from '../lib/credentials/shapes';
import { Release } from '../lib/release';
import { WORDPRESS_SECRET_KEYS, WordPress, WordPressDatabase, WordPressProps } from '../lib/wordpress';
import { WORDPRESS_KEY_AND_SALT_ENV } from '../lib/wordpress/props';
import { appObjects, expectValid, find, Manifest, ofKind } from './support/manifests';

const KEYS_AND_SALTS = Object.values(WORDPRESS_KEY_AND_SALT_ENV);
const ALL_KEYS = Object.values(WORDPRESS_SECRET_KEYS);
const INSTALL = 'app.kubernetes.io/component';

interface Site { readonly app: App; readonly release: Release; readonly wordpress: WordPress; readonly objects: Manifest[] }

/** The default app's shape: a database release and a WordPress release in namespace `wordpress`. */
function site(props: WordPressProps = {}, options: { secretName?: string } = {}): Site {
  const app = Testing.app();
  const db = new Release(app, 'mysql', { namespace: 'wordpress' });
  const mysql = new MySQLReplication(db, 'mysql', { replicas: 2, database: { name: 'wordpress', user: 'wordpress' }, secretName: options.secretName });
  const release = new Release(app, 'wordpress', { namespace: 'wordpress' });
  const wordpress = new WordPress(release, 'wordpress', { database: WordPressDatabase.external(mysql), ...props });
  const objects = release.toJson();
  expectValid(appObjects(app));
  return { app, release, wordpress, objects };
}

const specLines = (objects: Manifest[], generator: string): string[] =>
  find(objects, 'ConfigMap', generator).data.spec.split('\n').filter((l: string) => l && !l.startsWith('#'));
const pod = (workload: Manifest): Manifest => workload.spec.template.spec;
const containers = (workload: Manifest): Manifest[] => [...pod(workload).initContainers ?? [], ...pod(workload).containers];
const secretEnv = (c: Manifest): Record<string, Manifest> =>
  Object.fromEntries((c.env ?? []).filter((e: Manifest) => e.valueFrom?.secretKeyRef).map((e: Manifest) => [e.name, e.valueFrom.secretKeyRef]));
const installJob = (objects: Manifest[]) => ofKind(objects, 'Job').find(j => j.metadata.labels[INSTALL] === 'install')!;
/** The WordPress workloads (Deployment and install Job), without the generator's Job. */
const workloads = (objects: Manifest[]) => [find(objects, 'Deployment', 'wordpress'), installJob(objects)];

const remoteKeys = Object.fromEntries(ALL_KEYS.map(k => [k, `wordpress/${k}`]));

describe('generated (the default): the release\'s own generator Job makes the WordPress Secret', () => {
  const { wordpress, objects } = site();

  test('its spec lists the 9 keys with their shapes: a 24-character admin password with lower, upper and digit, 64-character keys and salts', () => {
    const alnum = ALPHABETS.alphanumeric;
    expect(specLines(objects, 'wordpress-secret-generator')).toEqual([
      `wordpress-credentials admin-password random 24 ${alnum} digit+lower+upper`,
      ...[...KEYS_AND_SALTS].sort().map(key => `wordpress-credentials ${key} random 64 ${alnum}`),
    ]);
    expect(find(objects, 'Role', 'wordpress-secret-generator').rules[1].resourceNames).toEqual(['wordpress-credentials']);
  });

  test('the Deployment reads the keys and salts, and the install Job the admin password, from that Secret, from env', () => {
    const wp = secretEnv(containers(find(objects, 'Deployment', 'wordpress')).find(c => c.name === 'wordpress')!);
    for (const [env, key] of Object.entries(WORDPRESS_KEY_AND_SALT_ENV)) expect(wp[env]).toEqual({ name: 'wordpress-credentials', key });
    const install = secretEnv(containers(installJob(objects)).find(c => c.name === 'install')!);
    expect(install.WORDPRESS_ADMIN_PASSWORD).toEqual({ name: 'wordpress-credentials', key: 'admin-password' });
    // Every key a WordPress pod reads is one the generators of its namespace make.
    const made = new Set([...wordpress.generatedSecrets, ...(wordpress.database as MySQLReplication).generatedSecrets].map(k => `${k.secretName}/${k.key}`));
    const read = workloads(objects).flatMap(containers).flatMap(c => Object.values(secretEnv(c))).map(r => `${r.name}/${r.key}`);
    expect(read.filter(r => !made.has(r))).toEqual([]);
  });

  test('nothing for the operator: requiredSecrets is empty (the database password is the database release\'s generator\'s)', () => {
    expect(wordpress.requiredSecrets).toEqual([]);
    expect(wordpress.generatedSecrets.map(k => [k.key, k.purpose, k.usedBy, k.generatedBy])).toEqual([...ALL_KEYS].sort().map(key => [
      key,
      key === 'admin-password' ? 'password of the WordPress admin user user' : expect.stringMatching(/^WordPress (secure )?(auth|logged in|nonce) (key|salt)$/),
      [key === 'admin-password' ? 'wordpress/wordpress/install' : 'wordpress/wordpress/app'],
      'wordpress/SecretGenerator-wordpress',
    ]));
  });

  test('no Secret object, and no init container reads a Secret: the kubelet holds the containers that do until it exists', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
    for (const workload of workloads(objects)) {
      for (const c of pod(workload).initContainers) expect({ init: c.name, secrets: secretEnv(c) }).toEqual({ init: c.name, secrets: {} });
      expect((pod(workload).volumes ?? []).filter((v: Manifest) => v.secret)).toEqual([]);
    }
  });
});

describe('existing: the operator creates the Secret', () => {
  test('requiredSecrets lists exactly the 9 keys with their purposes and readers; no generator in the release', () => {
    const { wordpress, objects } = site({ credentials: CredentialSource.existing() });
    const keys = wordpress.requiredSecrets.map(k => `${k.secretName}/${k.key}`).sort();
    expect(keys).toEqual([...ALL_KEYS].sort().map(k => `wordpress-credentials/${k}`));
    const byKey = Object.fromEntries(wordpress.requiredSecrets.map(k => [k.key, k]));
    expect(byKey['admin-password']).toEqual({
      secretName: 'wordpress-credentials', namespace: 'wordpress', key: 'admin-password',
      purpose: 'password of the WordPress admin user user', usedBy: ['wordpress/wordpress/install'],
    });
    expect(byKey['nonce-salt']).toEqual({
      secretName: 'wordpress-credentials', namespace: 'wordpress', key: 'nonce-salt', purpose: 'WordPress nonce salt', usedBy: ['wordpress/wordpress/app'],
    });
    expect(wordpress.generatedSecrets).toEqual([]);
    expect(objects.filter(o => o.metadata.labels?.['app.kubernetes.io/name'] === 'secret-generator')).toEqual([]);
  });
});

describe('external: an ExternalSecret fills the Secret', () => {
  test('an ExternalSecret named like the Secret, with the 9 keys from the store; not required, not generated', () => {
    const { wordpress, objects } = site({ credentials: CredentialSource.external({ storeRef: { kind: 'ClusterSecretStore', name: 'vault' }, remoteKeys }) });
    const es = find(objects, 'ExternalSecret', 'wordpress-credentials');
    expect(es.metadata.namespace).toBe('wordpress');
    expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'vault' });
    expect(es.spec.target.name).toBe('wordpress-credentials');
    expect(es.spec.data).toEqual([...ALL_KEYS].sort().map(k => ({ secretKey: k, remoteRef: { key: `wordpress/${k}` } })));
    expect(wordpress.externalSecrets.map(k => k.key)).toEqual([...ALL_KEYS].sort());
    expect(wordpress.requiredSecrets).toEqual([]);
    expect(wordpress.generatedSecrets).toEqual([]);
  });

  test('keys from the ESO Password generator: made once, kept', () => {
    const { objects } = site({ credentials: CredentialSource.external({
      storeRef: { kind: 'SecretStore', name: 'store' },
      remoteKeys: { 'admin-password': 'wordpress/admin' },
      passwordGenerator: { keys: KEYS_AND_SALTS, length: 64 },
    }) });
    expect(find(objects, 'Password', 'wordpress-credentials-password').spec).toMatchObject({ length: 64, secretKeys: [...KEYS_AND_SALTS].sort() });
    expect(find(objects, 'ExternalSecret', 'wordpress-credentials').spec).toMatchObject({ refreshPolicy: 'CreatedOnce', target: { creationPolicy: 'Orphan' } });
  });
});

test('the WordPress pods are the same whatever the source', () => {
  const pods = (credentials?: CredentialSource) => workloads(site({ credentials }).objects);
  const generated = pods();
  expect(pods(CredentialSource.existing())).toEqual(generated);
  expect(pods(CredentialSource.external({ storeRef: { kind: 'SecretStore', name: 's' }, remoteKeys }))).toEqual(generated);
});

describe('adminPassword, secretName and skipInstall', () => {
  test('an adminPassword in another Secret is that Secret\'s business: required; the WordPress Secret keeps the keys and salts', () => {
    const { wordpress, objects } = site({ adminPassword: SecretKeyRef.of('wp-admin', 'pw'), secretName: 'wp-keys' });
    expect(specLines(objects, 'wordpress-secret-generator').map(l => l.split(' ').slice(0, 2).join('/'))).toEqual([...KEYS_AND_SALTS].sort().map(k => `wp-keys/${k}`));
    expect(wordpress.requiredSecrets).toEqual([{
      secretName: 'wp-admin', namespace: 'wordpress', key: 'pw', purpose: 'password of the WordPress admin user user', usedBy: ['wordpress/wordpress/install'],
    }]);
  });

  test('an adminPassword under another key of secretName is made there, with the admin password\'s shape', () => {
    const { wordpress } = site({ adminPassword: SecretKeyRef.of('wordpress-credentials', 'admin') });
    expect(wordpress.generatedSecrets.find(k => k.key === 'admin')).toMatchObject({ shape: 'password of 24 characters of alphanumeric, with at least one digit, one lower, one upper' });
    expect(wordpress.generatedSecrets.map(k => k.key)).not.toContain('admin-password');
    expect(wordpress.requiredSecrets).toEqual([]);
  });

  test('skipInstall: nobody reads the admin password, so it is not made', () => {
    const { wordpress } = site({ skipInstall: true, ingress: false });
    expect(wordpress.generatedSecrets.map(k => k.key)).toEqual([...KEYS_AND_SALTS].sort());
  });

  test('a Secret the database release\'s generator makes cannot be made again by WordPress\'s (one Secret has one maker)', () => {
    expect(() => site({}, { secretName: 'wordpress-credentials' })).toThrow(new RegExp(
      '^wordpress/wordpress: credentials "wordpress-credentials" is invalid: asks the SecretGenerator wordpress/SecretGenerator-wordpress for Secret ' +
      '"wordpress-credentials" of namespace "wordpress", which the SecretGenerator mysql/SecretGenerator-wordpress already makes for mysql/mysql/credentials'));
  });

  test('in a plain chart, WordPress and a built-in database share the namespace\'s generator', () => {
    const chart = new Chart(Testing.app(), 'blog', { namespace: 'blog' });
    const wordpress = new WordPress(chart, 'wordpress', {});
    const objects = chart.toJson();
    expect(ofKind(objects, 'Job').filter(j => j.metadata.labels[INSTALL] === 'credentials').map(j => j.metadata.name)).toEqual([expect.stringMatching(/^secret-generator-/)]);
    expect(find(objects, 'Role', 'secret-generator').rules[1].resourceNames).toEqual(['wordpress-credentials', 'wordpress-mysql-credentials']);
    expect(wordpress.requiredSecrets).toEqual([]);
  });
});

describe('errors name the WordPress prop', () => {
  const errorOf = (props: WordPressProps): string => {
    try {
      site(props);
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidPropError);
      return (e as Error).message;
    }
    throw new Error('expected an InvalidPropError');
  };

  test('a source that is not a CredentialSource, an external source that leaves a key out, an admin password on a key or salt', () => {
    expect(errorOf({ credentials: 'generated' as unknown as CredentialSource })).toBe(
      'wordpress/wordpress: credentials "(not shown)" is invalid: must be a CredentialSource: CredentialSource.existing(), generated() or external({...})');
    const { 'nonce-salt': _left, ...partial } = remoteKeys;
    expect(errorOf({ credentials: CredentialSource.external({ storeRef: { kind: 'SecretStore', name: 's' }, remoteKeys: partial }) })).toMatch(
      /^wordpress\/wordpress: credentials\.remoteKeys "nonce-salt" is invalid: must give key "nonce-salt" of Secret "wordpress-credentials" a remote key/);
    expect(errorOf({ adminPassword: SecretKeyRef.of('wordpress-credentials', 'auth-key') })).toMatch(
      /^wordpress\/wordpress: adminPassword "wordpress-credentials\/auth-key" is invalid: must not be one of the authentication keys and salts/);
  });

  test('a database handle whose Secret no generator of this app makes stays required', () => {
    const { wordpress } = site({ database: WordPressDatabase.external(DatabaseConnection.fromAttributes({
      host: 'db.example.com', databaseName: 'wordpress', user: 'wordpress', password: SecretKeyRef.of('db', 'password'), engineFamily: 'mysql',
    })) });
    expect(wordpress.requiredSecrets.map(k => `${k.secretName}/${k.key}`)).toEqual(['db/password']);
  });
});
