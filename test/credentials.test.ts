import { Chart, Testing } from 'cdk8s';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { Credentials, CredentialSecret, CredentialShape, CredentialSource, InvalidPropError, SecretGenerator } from '../lib';
import { WORDPRESS_CREDENTIAL_SHAPES } from '../lib/wordpress/credential-shapes';
import { SECRET_GENERATOR_IMAGE } from '../lib/credentials/secret-generator';
import { ALPHABETS } from '../lib/credentials/shapes';
import { validateObjects } from '../lib/validation';
import { harborSecrets, mysqlSecret, SCRIPTS_DIR } from './support/credentials';
import { expectValid, find, Manifest, ofKind } from './support/manifests';
import { Release } from '../lib/release';

const wordpressSecret: CredentialSecret = {
  secretName: 'wordpress-credentials',
  keys: Object.fromEntries(Object.entries(WORDPRESS_CREDENTIAL_SHAPES).map(([key, shape]) => [key, { shape, purpose: key, usedBy: ['wordpress'] }])),
};

function secret(secretName: string, keys: Record<string, CredentialShape>, usedBy: string[] = []): CredentialSecret {
  return { secretName, keys: Object.fromEntries(Object.entries(keys).map(([k, shape]) => [k, { shape, purpose: `the ${k}`, usedBy }])) };
}

/** An app with the database and WordPress charts in one namespace (as the default app). */
function twoCharts(sources: { mysql?: CredentialSource; wordpress?: CredentialSource } = {}) {
  const app = Testing.app();
  const db = new Chart(app, 'mysql', { namespace: 'wordpress' });
  const site = new Chart(app, 'wordpress', { namespace: 'wordpress' });
  const mysql = new Credentials(db, 'mysql-credentials', { secrets: [mysqlSecret()], defaultSource: sources.mysql });
  const wordpress = new Credentials(site, 'wordpress-credentials', { secrets: [wordpressSecret], defaultSource: sources.wordpress });
  return { app, db, site, mysql, wordpress, objects: (): Manifest[] => [...db.toJson(), ...site.toJson()] };
}

describe('SecretGenerator', () => {
  test('one generator per namespace serves every construct of the app; its Role names exactly the generated Secrets', () => {
    const { mysql, wordpress, objects, site } = twoCharts();
    expect(mysql.generator).toBe(wordpress.generator);
    const all = objects();
    expectValid(all);
    expect(site.toJson()).toEqual([]);
    expect(ofKind(all, 'Job')).toHaveLength(1);
    const role = find(all, 'Role', 'secret-generator');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'patch'], resourceNames: ['mysql-credentials', 'wordpress-credentials'] },
    ]);
    const binding = find(all, 'RoleBinding', 'secret-generator');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'secret-generator', namespace: 'wordpress' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-generator' });
  });

  test('Secrets from other sources are not in the Role, and no generator exists when nothing is generated', () => {
    const some = twoCharts({ wordpress: CredentialSource.existing() });
    expect(find(some.objects(), 'Role', 'secret-generator').rules[1].resourceNames).toEqual(['mysql-credentials']);
    const none = twoCharts({ mysql: CredentialSource.existing(), wordpress: CredentialSource.existing() });
    expect(none.objects()).toEqual([]);
    expect(none.mysql.generator).toBeUndefined();
  });

  test('another namespace gets its own generator', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'one' });
    const b = new Chart(app, 'b', { namespace: 'two' });
    new Credentials(a, 'c', { secrets: [mysqlSecret()] });
    new Credentials(b, 'c', { secrets: [mysqlSecret()] });
    expect(ofKind(a.toJson(), 'Job').map(j => j.metadata.namespace)).toEqual(['one']);
    expect(ofKind(b.toJson(), 'Job').map(j => j.metadata.namespace)).toEqual(['two']);
  });

  test('the ConfigMap holds the scripts as on disk and a spec of names, keys and shapes only', () => {
    const { objects } = twoCharts();
    const cm = find(objects(), 'ConfigMap', 'secret-generator');
    for (const file of ['generate-secrets.sh', 'secret-tool.php', 'wait-for-secrets.sh']) {
      expect(cm.data[file]).toBe(fs.readFileSync(path.join(SCRIPTS_DIR, file), 'utf8'));
    }
    const lines = cm.data.spec.split('\n').filter((l: string) => l && !l.startsWith('#'));
    expect(lines).toContain(`mysql-credentials root-password random 32 ${ALPHABETS.alphanumeric}`);
    expect(lines).toContain(`wordpress-credentials admin-password random 24 ${ALPHABETS.alphanumeric} digit+lower+upper`);
    expect(lines).toHaveLength(4 + 9);
  });

  test('the Job: content-hashed name, TTL, backoff, non-root, token and namespace from the pod, values only in memory', () => {
    const job = ofKind(twoCharts().objects(), 'Job')[0];
    expect(job.metadata.name).toMatch(/^secret-generator-[0-9a-f]{8}$/);
    expect(job.spec.ttlSecondsAfterFinished).toBe(3600);
    expect(job.spec.backoffLimit).toBe(6);
    const pod = job.spec.template.spec;
    expect(pod.serviceAccountName).toBe('secret-generator');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    const c = pod.containers[0];
    expect(c.image).toBe(SECRET_GENERATOR_IMAGE);
    expect(c.command).toEqual(['sh', '/scripts/generate-secrets.sh']);
    expect(c.env).toContainEqual({ name: 'NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } });
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } });
  });

  test('deterministic: the same app synthesizes byte-identical YAML; a changed spec changes the Job name only then', () => {
    const yaml = (objects: Manifest[]) => objects.map(o => YAML.stringify(o)).join('---\n');
    const first = yaml(twoCharts().objects());
    expect(yaml(twoCharts().objects())).toBe(first);
    expect(first).not.toMatch(/20[0-9]{2}-[0-9]{2}-[0-9]{2}T/);
    const nameOf = (objects: Manifest[]) => ofKind(objects, 'Job')[0].metadata.name;
    const app = Testing.app();
    const chart = new Chart(app, 'mysql', { namespace: 'wordpress' });
    new Credentials(chart, 'mysql-credentials', { secrets: [mysqlSecret()] });
    const onlyMysql = nameOf(chart.toJson());
    expect(onlyMysql).not.toBe(nameOf(twoCharts().objects()));
  });

  test('two constructs asking for one key with different shapes: a clear error naming both', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'ns' });
    new Credentials(chart, 'first', { secrets: [secret('shared', { token: CredentialShape.fixedLength(16) })] });
    expect(() => new Credentials(chart, 'second', { secrets: [secret('shared', { token: CredentialShape.fixedLength(32) })] }))
      .toThrow(/c\/second: sources\.shared\.keys\.token\.shape "random 32 .*" is invalid: conflicts with c\/first, which asks .* for key "token" of Secret "shared" as exactly 16 characters/);
    // The same shape is shared: both read one Secret.
    const c = new Credentials(chart, 'third', { secrets: [secret('shared', { token: CredentialShape.fixedLength(16) }, ['third'])] });
    expect(c.generatedSecrets[0]).toMatchObject({ secretName: 'shared', key: 'token', usedBy: ['third'] });
  });

  test('an explicit generator for a namespace that already has one is an error; one that nobody uses fails validation', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'ns' });
    const g = new SecretGenerator(chart, 'gen', { name: 'creds' });
    expect(SecretGenerator.of(chart, 'ns')).toBe(g);
    expect(() => new SecretGenerator(chart, 'again')).toThrow(/namespace "ns" is invalid: already has the SecretGenerator c\/gen/);
    expect(g.node.validate()).toEqual(['c/gen: no construct asks for a generated Secret; remove the SecretGenerator']);
  });

  test('waitForSecrets: an init container with the script, each Secret as an optional volume', () => {
    const { mysql } = twoCharts();
    const wait = mysql.generator!.waitForSecrets([mysql.ref('mysql-credentials', 'root-password'), mysql.ref('mysql-credentials', 'password')]);
    expect(wait.initContainer.command).toEqual(['sh', '/scripts/wait-for-secrets.sh', 'mysql-credentials/password', 'mysql-credentials/root-password']);
    expect(wait.volumes).toEqual([
      { name: 'wait-secrets-scripts', configMap: { name: 'secret-generator' } },
      { name: 'wait-secret-0', secret: { secretName: 'mysql-credentials', optional: true } },
    ]);
    expect(wait.initContainer.volumeMounts).toContainEqual({ name: 'wait-secret-0', mountPath: '/secrets/mysql-credentials', readOnly: true });
  });
});

describe('SecretGenerator of a Release', () => {
  /** Two releases in one namespace, as the default app's database and WordPress releases. */
  function twoReleases(secrets: { db?: CredentialSecret; site?: CredentialSecret } = {}) {
    const app = Testing.app();
    const db = new Release(app, 'mysql', { namespace: 'wordpress' });
    const site = new Release(app, 'wordpress', { namespace: 'wordpress' });
    const mysql = new Credentials(db, 'mysql-credentials', { secrets: [secrets.db ?? mysqlSecret()] });
    const wordpress = new Credentials(site, 'wordpress-credentials', { secrets: [secrets.site ?? wordpressSecret] });
    return { app, db, site, mysql, wordpress };
  }

  test('each release gets its own generator, `<release>-secret-generator`, that makes only its Secrets', () => {
    const { db, site, mysql, wordpress } = twoReleases();
    expect(mysql.generator).not.toBe(wordpress.generator);
    expect([mysql.generator!.name, wordpress.generator!.name]).toEqual(['mysql-secret-generator', 'wordpress-secret-generator']);
    expect(SecretGenerator.of(site)).toBe(wordpress.generator);
    const dbObjects = db.toJson();
    const siteObjects = site.toJson();
    expectValid([...dbObjects, ...siteObjects]);
    for (const [objects, release, secretName] of [[dbObjects, 'mysql', 'mysql-credentials'], [siteObjects, 'wordpress', 'wordpress-credentials']] as const) {
      const name = `${release}-secret-generator`;
      expect(find(objects, 'Role', name).rules[1].resourceNames).toEqual([secretName]);
      expect(find(objects, 'RoleBinding', name)).toMatchObject({
        roleRef: { kind: 'Role', name }, subjects: [{ kind: 'ServiceAccount', name, namespace: 'wordpress' }],
      });
      const [job] = ofKind(objects, 'Job');
      expect(job.metadata.name).toMatch(new RegExp(`^${name}-[0-9a-f]{8}$`));
      expect(job.spec.template.spec.serviceAccountName).toBe(name);
      expect(job.spec.template.spec.volumes).toContainEqual({ name: 'scripts', configMap: { name } });
      expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'CREATED_BY', value: name });
      const specLines: string[] = find(objects, 'ConfigMap', name).data.spec.split('\n').filter((l: string) => l && !l.startsWith('#'));
      expect([...new Set(specLines.map(l => l.split(' ')[0]))]).toEqual([secretName]);
    }
    // Its wait init container names that Job.
    const wait = wordpress.generator!.waitForSecrets([{ secretName: 'wordpress-credentials', key: 'auth-key' }]);
    expect(wait.volumes[0]).toEqual({ name: 'wait-secrets-scripts', configMap: { name: 'wordpress-secret-generator' } });
    expect(wait.initContainer.env).toContainEqual({ name: 'CREATED_BY', value: expect.stringContaining('app.kubernetes.io/instance=wordpress-secret-generator') });
  });

  test("a plain Chart keeps the app's shared `secret-generator` of the namespace, beside a Release's own", () => {
    const app = Testing.app();
    const release = new Release(app, 'mysql', { namespace: 'wordpress' });
    const plain = new Chart(app, 'site', { namespace: 'wordpress' });
    const other = new Chart(app, 'other', { namespace: 'wordpress' });
    const a = new Credentials(release, 'a', { secrets: [mysqlSecret()] });
    const b = new Credentials(plain, 'b', { secrets: [wordpressSecret] });
    const c = new Credentials(other, 'c', { secrets: [secret('other', { token: CredentialShape.fixedLength(16) })] });
    expect(a.generator!.name).toBe('mysql-secret-generator');
    expect(b.generator!.name).toBe('secret-generator');
    expect(c.generator).toBe(b.generator);
    expect(find(plain.toJson(), 'Role', 'secret-generator').rules[1].resourceNames).toEqual(['other', 'wordpress-credentials']);
  });

  test('two generators of one namespace asked for the same Secret: an error naming both (one Secret has one maker)', () => {
    let error: unknown;
    try {
      twoReleases({ site: mysqlSecret() });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidPropError);
    expect((error as Error).message).toBe('wordpress/wordpress-credentials: sources.mysql-credentials "mysql-credentials" is invalid: asks the ' +
      'SecretGenerator wordpress/SecretGenerator-wordpress for Secret "mysql-credentials" of namespace "wordpress", which the SecretGenerator ' +
      'mysql/SecretGenerator-wordpress already makes for mysql/mysql-credentials: one Secret has one maker ' +
      '(give one of them another Secret name, or make the Secret in the same release)');
    // In another namespace, the same name is another Secret.
    const app = Testing.app();
    new Credentials(new Release(app, 'one', { namespace: 'one' }), 'c', { secrets: [mysqlSecret()] });
    expect(() => new Credentials(new Release(app, 'two', { namespace: 'two' }), 'c', { secrets: [mysqlSecret()] })).not.toThrow();
  });

  test('the name is a DNS label of at most 54 characters: a release name that is too long says what to do', () => {
    const app = Testing.app();
    const fits = new Release(app, 'r'.repeat(37), { namespace: 'ns' });
    expect(new Credentials(fits, 'c', { secrets: [mysqlSecret()] }).generator!.name).toBe(`${'r'.repeat(37)}-secret-generator`);
    const long = 'r'.repeat(38);
    expect(() => new Credentials(new Release(app, long, { namespace: 'ns2' }), 'c', { secrets: [mysqlSecret()] })).toThrow(
      `${long}: release name "${long}" is invalid: is too long to name its SecretGenerator "${long}-secret-generator" (55 characters, ` +
      "at most 54): use a release name of at most 37 characters, or create the release's generator first with a shorter name");
    // The way out: the release's own generator, named by hand, which SecretGenerator.of hands out.
    const named = new Release(Testing.app(), long, { namespace: 'ns' });
    const g = new SecretGenerator(named, 'secret-generator', { name: 'short-secret-generator' });
    expect(new Credentials(named, 'c', { secrets: [mysqlSecret()] }).generator).toBe(g);
  });

  test('an explicit generator of a Release: named after the release, one per release and namespace, no two of one name in a namespace', () => {
    const app = Testing.app();
    const release = new Release(app, 'blog', { namespace: 'ns' });
    const g = new SecretGenerator(release, 'gen');
    expect(g.name).toBe('blog-secret-generator');
    expect(SecretGenerator.of(release)).toBe(g);
    expect(() => new SecretGenerator(release, 'again')).toThrow(/^blog\/again: namespace "ns" is invalid: already has the SecretGenerator blog\/gen of release "blog"/);
    const plain = new Chart(app, 'plain', { namespace: 'ns' });
    expect(() => new SecretGenerator(plain, 'gen', { name: 'blog-secret-generator' })).toThrow(
      /^plain\/gen: name "blog-secret-generator" is invalid: is the name of the SecretGenerator blog\/gen in the same namespace/);
  });
});

describe('bad input: clear errors at synth time', () => {
  const build = (s: CredentialSecret) => () => new Credentials(new Chart(Testing.app(), 'c', { namespace: 'ns' }), 'creds', { secrets: [s] });

  test.each([
    ['a Secret name that is not a DNS subdomain', secret('Mysql_Credentials', { a: CredentialShape.password() }), /secrets\[0\]\.secretName "Mysql_Credentials" is invalid: must be a DNS-1123 subdomain/],
    ['a Secret name with an empty label', secret('a..b', { a: CredentialShape.password() }), /secretName "a\.\.b" is invalid/],
    ['a key that is not a Secret key', secret('s', { 'my key': CredentialShape.password() }), /keys\.my key "my key" is invalid: must consist of letters, digits/],
    ['a key starting with ..', secret('s', { '..data': CredentialShape.password() }), /"\.\.data" is invalid/],
    ['no key', secret('s', {}), /keys \[\] is invalid: must name at least one key/],
    ['a zero length', secret('s', { a: CredentialShape.fixedLength(0) }), /length 0 must be an integer from 1 to 4096/],
    ['an alphabet with "-"', secret('s', { a: CredentialShape.password({ alphabet: 'ab-c' }) }), /alphabet must be printable ASCII without space/],
    ['an alphabet that repeats a character', secret('s', { a: CredentialShape.password({ alphabet: 'aab' }) }), /must not repeat a character/],
    ['mustContain a class the alphabet lacks', secret('s', { a: CredentialShape.password({ alphabet: ALPHABETS.hex, mustContain: ['upper'] }) }), /alphabet has no upper character/],
    ['an htpasswd line of a missing key', secret('s', { h: CredentialShape.htpasswdBcrypt({ user: 'u', fromKey: 'pw' }) }), /is made from key "pw", which must be a key of the same Secret/],
    ['an htpasswd line of a password longer than bcrypt reads', secret('s', { pw: CredentialShape.password({ length: 80 }), h: CredentialShape.htpasswdBcrypt({ user: 'u', fromKey: 'pw' }) }), /at most 72 characters/],
    ['a certificate of a key that is not an RSA key', secret('s', { k: CredentialShape.password(), c: CredentialShape.selfSignedCertificate({ privateKeyFrom: 'k', commonName: 'ca' }) }), /must have the shape CredentialShape.rsaPrivateKey/],
    ['a common name with a slash', secret('s', { k: CredentialShape.rsaPrivateKey(), c: CredentialShape.selfSignedCertificate({ privateKeyFrom: 'k', commonName: 'a/b' }) }), /commonName "a\/b" must be/],
    ['an RSA size the generator does not make', secret('s', { k: CredentialShape.rsaPrivateKey({ bits: 1024 }) }), /bits 1024 must be 2048, 3072 or 4096/],
  ])('%s', (_what, s, message) => {
    expect(build(s)).toThrow(InvalidPropError);
    expect(build(s)).toThrow(message);
  });

  test.each([
    ['an upper-case DNS name', { dnsNames: ['Harbor.example.com'] }, /dnsNames "Harbor\.example\.com" must be a lower-case DNS name/],
    ['a DNS name with a space', { dnsNames: ['a b'] }, /dnsNames "a b" must be/],
    ['a DNS name that is an openssl config line', { dnsNames: ['a\n[x]'] }, /dnsNames "a\n\[x\]" must be/],
    ['a name twice', { dnsNames: ['a.example.com', 'a.example.com'] }, /names DNS:a\.example\.com twice/],
    ['an address that is not one', { ipAddresses: ['10.0.0.300'] }, /ipAddresses "10\.0\.0\.300" must be an IPv4 or IPv6 address/],
    ['an IPv6 address with a zone', { ipAddresses: ['fe80::1%eth0'] }, /ipAddresses "fe80::1%eth0"/],
  ])('a TLS certificate with %s', (_what, names, message) => {
    const s = secret('s', { k: CredentialShape.rsaPrivateKey(), c: CredentialShape.selfSignedCertificate({ privateKeyFrom: 'k', commonName: 'x', ...names }) });
    expect(build(s)).toThrow(InvalidPropError);
    expect(build(s)).toThrow(message);
  });

  test('a source for a Secret the construct does not read', () => {
    expect(() => new Credentials(new Chart(Testing.app(), 'c'), 'creds', { secrets: [mysqlSecret()], sources: { 'mysql-credentails': CredentialSource.existing() } }))
      .toThrow(/sources\.mysql-credentails "mysql-credentails" is invalid: names no Secret of this construct \(it reads mysql-credentials\)/);
  });
});

describe('sources', () => {
  test('existing: every key in requiredSecrets, in the one shape, and nothing in the output', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'wordpress' });
    const c = new Credentials(chart, 'creds', { secrets: [secret('db', { b: CredentialShape.password(), a: CredentialShape.password() }, ['mysql/db'])], defaultSource: CredentialSource.existing() });
    expect(c.requiredSecrets).toEqual([
      { secretName: 'db', namespace: 'wordpress', key: 'a', purpose: 'the a', usedBy: ['mysql/db'] },
      { secretName: 'db', namespace: 'wordpress', key: 'b', purpose: 'the b', usedBy: ['mysql/db'] },
    ]);
    expect(c.generatedSecrets).toEqual([]);
    expect(chart.toJson()).toEqual([]);
    expect(c.ref('db', 'a').toEnvVarSource()).toEqual({ secretKeyRef: { name: 'db', key: 'a' } });
    expect(() => c.ref('db', 'c')).toThrow(/ref "db\/c" is invalid: must name a declared Secret key/);
  });

  test('generated: listed in generatedSecrets with shape and generator, not in requiredSecrets', () => {
    const { mysql } = twoCharts();
    expect(mysql.requiredSecrets).toEqual([]);
    expect(mysql.generatedSecrets.map(k => k.key)).toEqual(['exporter-password', 'password', 'replication-password', 'root-password']);
    expect(mysql.generatedSecrets[0]).toEqual({
      secretName: 'mysql-credentials', namespace: 'wordpress', key: 'exporter-password', purpose: 'MySQL exporter-password', usedBy: [],
      shape: 'password of 32 characters of alphanumeric', generatedBy: 'mysql/SecretGenerator-wordpress',
    });
  });

  test("Harbor's seven Secrets: generated, valid, and the validator's literal-secret rule still passes", () => {
    const chart = new Chart(Testing.app(), 'harbor', { namespace: 'harbor' });
    const c = new Credentials(chart, 'creds', { secrets: harborSecrets() });
    expect(c.generatedSecrets).toHaveLength(12);
    expect(c.generatedSecrets.find(k => k.key === 'csrfKey')!.shape).toBe('exactly 32 characters of alphanumeric');
    expect(c.generatedSecrets.find(k => k.key === 'secretKey')!.shape).toBe('exactly 16 characters of alphanumeric');
    expectValid(chart.toJson());
  });

  test('external: an ExternalSecret filling the same Secret and keys from the store; valid for the strict validator', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'wordpress' });
    const c = new Credentials(chart, 'creds', {
      secrets: [mysqlSecret()],
      defaultSource: CredentialSource.external({
        storeRef: { kind: 'ClusterSecretStore', name: 'vault' },
        remoteKeys: {
          'root-password': 'db/root',
          'replication-password': { key: 'db/replication', property: 'password' },
          'password': 'db/app',
          'exporter-password': 'db/exporter',
        },
        refreshInterval: '15m',
      }),
    });
    const objects = chart.toJson();
    expectValid(objects);
    expect(objects).toEqual([{
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'mysql-credentials', namespace: 'wordpress' },
      spec: {
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
        refreshPolicy: 'Periodic',
        refreshInterval: '15m',
        target: { name: 'mysql-credentials', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
        data: [
          { secretKey: 'exporter-password', remoteRef: { key: 'db/exporter' } },
          { secretKey: 'password', remoteRef: { key: 'db/app' } },
          { secretKey: 'replication-password', remoteRef: { key: 'db/replication', property: 'password' } },
          { secretKey: 'root-password', remoteRef: { key: 'db/root' } },
        ],
      },
    }]);
    expect(c.externalSecrets.find(k => k.key === 'replication-password')).toEqual({
      secretName: 'mysql-credentials', namespace: 'wordpress', key: 'replication-password', purpose: 'MySQL replication-password', usedBy: [],
      externalSecret: 'mysql-credentials', from: 'ClusterSecretStore/vault', remoteKey: 'db/replication#password',
    });
  });

  test('external with the ESO Password generator: made once (CreatedOnce), kept when the ExternalSecret goes (Orphan)', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'harbor' });
    const registry = harborSecrets().find(s => s.secretName === 'harbor-registry')!;
    new Credentials(chart, 'creds', {
      secrets: [registry],
      sources: {
        'harbor-registry': CredentialSource.external({
          storeRef: { kind: 'SecretStore', name: 'store' },
          remoteKeys: { htpasswd: 'harbor/htpasswd', password: 'harbor/registry-password' },
          passwordGenerator: { keys: ['httpSecret'], length: 40 },
        }),
      },
    });
    const objects = chart.toJson();
    expectValid(objects);
    const generator = find(objects, 'Password', 'harbor-registry-password');
    expect(generator.apiVersion).toBe('generators.external-secrets.io/v1alpha1');
    expect(generator.spec).toEqual({ length: 40, symbols: 0, noUpper: false, allowRepeat: true, secretKeys: ['httpSecret'] });
    const es = find(objects, 'ExternalSecret', 'harbor-registry');
    expect(es.spec.refreshPolicy).toBe('CreatedOnce');
    expect(es.spec.refreshInterval).toBeUndefined();
    expect(es.spec.target.creationPolicy).toBe('Orphan');
    expect(es.spec.dataFrom).toEqual([{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: 'harbor-registry-password' } } }]);
  });

  test('external: every key from the store or the generator, once; derived values cannot be ESO passwords', () => {
    const make = (options: Parameters<typeof CredentialSource.external>[0]) => () => new Credentials(new Chart(Testing.app(), 'c'), 'creds', {
      secrets: [harborSecrets().find(s => s.secretName === 'harbor-registry')!], defaultSource: CredentialSource.external(options),
    });
    const storeRef = { kind: 'SecretStore' as const, name: 'store' };
    expect(make({ storeRef, remoteKeys: { password: 'p', httpSecret: 'h' } })).toThrow(/must give key "htpasswd" of Secret "harbor-registry" a remote key/);
    expect(make({ storeRef, remoteKeys: { password: 'p', httpSecret: 'h' }, passwordGenerator: { keys: ['htpasswd'] } }))
      .toThrow(/cannot generate key "htpasswd" \(htpasswd line harbor_registry_user/);
    expect(make({ storeRef, remoteKeys: { password: 'p', httpSecret: 'h', htpasswd: 'x', extra: 'y' } })).toThrow(/names key "extra", which Secret "harbor-registry" does not have/);
    expect(make({ storeRef, remoteKeys: { password: 'p', httpSecret: 'h', htpasswd: 'x' }, refreshInterval: 'hourly' })).toThrow(/refreshInterval "hourly" is invalid: must be a Go duration/);
    expect(make({ storeRef: { kind: 'Vault' as any, name: 'v' }, remoteKeys: {} })).toThrow(/storeRef\.kind "Vault" is invalid/);
  });

  test('external: the ESO Password generator must make what each generated key\'s consumer takes', () => {
    const storeRef = { kind: 'SecretStore' as const, name: 'store' };
    const make = (shape: CredentialShape, passwordGenerator: Omit<NonNullable<Parameters<typeof CredentialSource.external>[0]['passwordGenerator']>, 'keys'>) =>
      () => new Credentials(new Chart(Testing.app(), 'c'), 'creds', {
        secrets: [secret('app', { key: shape })],
        defaultSource: CredentialSource.external({ storeRef, passwordGenerator: { keys: ['key'], ...passwordGenerator } }),
      });
    const password = CredentialShape.password({ length: 32, mustContain: ['upper', 'digit'] });
    expect(make(password, { length: 40 })).not.toThrow();
    expect(make(password, { length: 24 })).toThrow(/sources\.app\.passwordGenerator\.length 24 is invalid: must be at least 32 to generate key "key"/);
    expect(make(password, { symbols: 2 })).toThrow(/passwordGenerator\.symbols 2 is invalid: must be 0 .*letters and digits only/);
    expect(make(password, { noUpper: true })).toThrow(/passwordGenerator\.noUpper true is invalid: must not be true/);
    expect(make(password, { digits: 0 })).toThrow(/passwordGenerator\.digits 0 is invalid: must be at least 1/);
    expect(make(CredentialShape.fixedLength(16), { length: 32 })).toThrow(/passwordGenerator\.length 32 is invalid: must be 16 to generate key "key" \(exactly 16 characters/);
    expect(make(CredentialShape.fixedLength(16), { length: 16 })).not.toThrow();
    expect(make(CredentialShape.password({ alphabet: ALPHABETS.hex }), {}))
      .toThrow(/passwordGenerator\.keys "key" is invalid: cannot generate key "key" \(password of 32 characters of hex\): ESO's Password generator draws from all letters and digits/);
  });
});

test('the validator skips only the imported custom kinds: any other unknown kind is still a finding', () => {
  const problems = validateObjects([{ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'x', namespace: 'ns' }, spec: {} }]);
  expect(problems.map(p => p.rule)).toEqual(['schema/unknown-kind']);
  const core = validateObjects([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'ns' }, bogus: 1 }]);
  expect(core.map(p => p.rule)).toContain('schema/unknown-field');
});
