/**
 * generate-secrets.sh and wait-for-secrets.sh, run for real (dash here; busybox ash as in the
 * image) against a local HTTPS stand-in of the Secrets API; values checked with real openssl and
 * Apache's htpasswd.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import { AddressInfo } from 'net';
import * as path from 'path';
import { HarborExposure } from '../lib';
import { defaultAppHarborSpec, harborSecrets, harborSpec, mysqlSecret, SCRIPTS_DIR, ScriptSandbox, specOf } from './support/credentials';
import { SecretsApi } from './support/secrets-api';
import { Testing } from 'cdk8s';
import { DatabaseConnection, SecretKeyRef, WORDPRESS_SECRET_KEYS } from '../lib';
import { Release } from '../lib/release';
import { WordPress, WordPressDatabase } from '../lib/wordpress';
import { WORDPRESS_KEY_AND_SALT_ENV } from '../lib/wordpress/props';
import { find, ofKind } from './support/manifests';

jest.setTimeout(90_000);

let api: SecretsApi;
let sandbox: ScriptSandbox;

beforeEach(async () => {
  api = await SecretsApi.start('test');
  sandbox = new ScriptSandbox();
});

afterEach(async () => {
  await api.stop();
  sandbox.cleanup();
});

const MYSQL_SPEC = specOf([mysqlSecret()]);

/** The generator spec and CREATED_BY of a synthesized WordPress release, as its ConfigMap and Job hold them. */
function wordpressGenerator(): { spec: string; createdBy: string } {
  const release = new Release(Testing.app(), 'wordpress', { namespace: 'wordpress' });
  new WordPress(release, 'wordpress', { database: WordPressDatabase.external(DatabaseConnection.fromAttributes({
    host: 'db.example.com', databaseName: 'wordpress', user: 'wordpress', password: SecretKeyRef.of('db', 'password'), engineFamily: 'mysql',
  })) });
  const objects = release.toJson();
  const job = ofKind(objects, 'Job').find(j => j.metadata.name.startsWith('wordpress-secret-generator-'))!;
  const createdBy = job.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'CREATED_BY').value;
  return { spec: find(objects, 'ConfigMap', 'wordpress-secret-generator').data.spec, createdBy };
}

/** How many Secrets the runs created (a second run creates none). */
function run0Writes(w: string[]): number {
  return w.filter(x => x === 'POST 201').length;
}

function writes(): string[] {
  return api.requests.filter(r => r.method !== 'GET').map(r => `${r.method} ${r.status}`);
}

/** Fails when any value of the stand-in's Secrets, or the token, is in an argv or in `logs`. */
function expectNoValueLeaked(...logs: string[]): void {
  const argv = sandbox.argv();
  expect(argv).toContain('curl');
  const token = fs.readFileSync(api.tokenFile, 'utf8');
  const values = [token, ...[...api.secrets.keys()].flatMap(name => Object.values(api.values(name)))];
  for (const value of values) {
    for (const line of value.split('\n').filter(l => l.length >= 8 && !l.startsWith('-----'))) {
      expect(argv.includes(line)).toBe(false);
      for (const log of logs) expect(log.includes(line)).toBe(false);
    }
  }
}

function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

describe('a namespace without the Secrets', () => {
  test("creates every Secret of the default app's Harbor with values of the shapes Harbor needs", async () => {
    const run = await sandbox.generate(api, defaultAppHarborSpec());
    expect(run.stderr).toContain('Secret harbor-core: created with keys csrfKey, secret, secretKey');
    expect(run.code).toBe(0);
    expect([...api.secrets.keys()].sort()).toEqual(['harbor-admin', 'harbor-core', 'harbor-database', 'harbor-jobservice',
      'harbor-redis', 'harbor-registry', 'harbor-tls', 'harbor-token-service']);
    expect(writes()).toEqual(Array(8).fill('POST 201'));
    expect(api.secrets.get('harbor-core')!.labels).toEqual({ 'app.kubernetes.io/created-by': 'secret-generator' });
    // Key pairs are kubernetes.io/tls Secrets, as Ingress controllers and Gateways expect; the rest Opaque.
    expect(Object.fromEntries([...api.secrets].map(([name, secret]) => [name, secret.type]))).toEqual({
      'harbor-admin': 'Opaque', 'harbor-core': 'Opaque', 'harbor-database': 'Opaque', 'harbor-jobservice': 'Opaque', 'harbor-redis': 'Opaque',
      'harbor-registry': 'Opaque', 'harbor-tls': 'kubernetes.io/tls', 'harbor-token-service': 'kubernetes.io/tls',
    });

    const core = api.values('harbor-core');
    expect(core.csrfKey).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(core.secretKey).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(core.secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(api.values('harbor-redis').password).toMatch(/^[0-9a-f]{32}$/);
    expect(api.values('harbor-database').password).toMatch(/^[0-9a-f]{32}$/);
    const admin = api.values('harbor-admin').password;
    expect(admin).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9])[A-Za-z0-9]{24}$/);

    // The token key pair: a 4096-bit RSA key, and a self-signed certificate of that same key.
    const token = api.values('harbor-token-service');
    expect(openssl(['pkey', '-noout', '-check'], token['tls.key'])).toContain('valid');
    expect(openssl(['pkey', '-noout', '-text'], token['tls.key'])).toContain('4096 bit');
    const keyPublic = openssl(['pkey', '-pubout'], token['tls.key']);
    expect(openssl(['x509', '-noout', '-pubkey'], token['tls.crt'])).toBe(keyPublic);
    expect(openssl(['x509', '-noout', '-subject', '-issuer'], token['tls.crt'])).toMatch(/subject=CN ?= ?harbor-token-ca\nissuer=CN ?= ?harbor-token-ca/);
    expect(openssl(['x509', '-noout', '-checkend', String(3649 * 86400)], token['tls.crt'])).toContain('will not expire');

    // The registry's htpasswd line verifies with that Secret's password, and only with it.
    const registry = api.values('harbor-registry');
    expect(registry.htpasswd).toMatch(/^harbor_registry_user:\$2y\$10\$[./A-Za-z0-9]{53}$/);
    expectHtpasswd(registry.htpasswd, 'harbor_registry_user', registry.password, true);
    expectHtpasswd(registry.htpasswd, 'harbor_registry_user', `${registry.password}x`, false);

    // The Ingress certificate: for the default app's host, of its own key, a server certificate.
    const ingress = api.values('harbor-tls');
    expect(openssl(['pkey', '-noout', '-check'], ingress['tls.key'])).toContain('valid');
    expect(openssl(['x509', '-noout', '-pubkey'], ingress['tls.crt'])).toBe(openssl(['pkey', '-pubout'], ingress['tls.key']));
    expect(openssl(['x509', '-noout', '-ext', 'subjectAltName'], ingress['tls.crt'])).toMatch(/^X509v3 Subject Alternative Name: *\n +DNS:harbor\.mystical\.org\n$/);
    expect(openssl(['x509', '-noout', '-subject'], ingress['tls.crt'])).toMatch(/^subject=CN ?= ?harbor\.mystical\.org\n$/);
    expectNoValueLeaked(run.stderr);
  });

  test('MySQL passwords: 32 alphanumerics, distinct, nothing the replication scripts must escape or refuse', async () => {
    const run = await sandbox.generate(api, MYSQL_SPEC);
    expect(run.code).toBe(0);
    const values = api.values('mysql-credentials');
    expect(Object.keys(values).sort()).toEqual(['exporter-password', 'password', 'replication-password', 'root-password']);
    for (const v of Object.values(values)) expect(v).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(new Set(Object.values(values)).size).toBe(4);
    // What the MySQL scripts do with it: the option file common.sh writes holds the password unchanged.
    const cnf = path.join(sandbox.dir, 'client.cnf');
    const common = path.join(__dirname, '..', 'lib', 'mysql', 'scripts', 'common.sh');
    const written = spawnSync('bash', ['-c', 'source "$1"; write_client_defaults "$2" root "$(cat)"', 'x', common, cnf],
      { input: values['replication-password'] });
    expect(written.status).toBe(0);
    expect(fs.readFileSync(cnf, 'utf8')).toBe(`[client]\nuser="root"\npassword="${values['replication-password']}"\n`);
    expectNoValueLeaked(run.stderr);
  });

  test('WordPress, from the spec of a synthesized release: 64-character keys and salts, a 24-character admin password with lower, upper and digit', async () => {
    const { spec, createdBy } = wordpressGenerator();
    const run = await sandbox.generate(api, spec, { busybox: true, env: { CREATED_BY: createdBy } });
    expect(run.stderr).toContain(`Secret wordpress-credentials: created with keys ${[...Object.values(WORDPRESS_SECRET_KEYS)].sort().join(', ')}`);
    expect(run.code).toBe(0);
    expect(api.secrets.get('wordpress-credentials')!.labels).toEqual({ 'app.kubernetes.io/created-by': 'wordpress-secret-generator' });
    const values = api.values('wordpress-credentials');
    expect(Object.keys(values).sort()).toEqual([...Object.values(WORDPRESS_SECRET_KEYS)].sort());
    for (const key of Object.values(WORDPRESS_KEY_AND_SALT_ENV)) {
      expect({ key, ok: /^[A-Za-z0-9]{64}$/.test(values[key]) }).toEqual({ key, ok: true });
    }
    expect(values['admin-password']).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9])[A-Za-z0-9]{24}$/);
    expect(new Set(Object.values(values)).size).toBe(9);
    expectNoValueLeaked(run.stderr);
  });

  test("runs with busybox's ash and applets, as the image has them", async () => {
    const run = await sandbox.generate(api, specOf([mysqlSecret(), ...harborSecrets().filter(s => s.secretName === 'harbor-registry')]), { busybox: true });
    expect(run.stderr).toContain('Secret mysql-credentials: created with keys exporter-password, password, replication-password, root-password');
    expect(run.code).toBe(0);
    const registry = api.values('harbor-registry');
    expectHtpasswd(registry.htpasswd, 'harbor_registry_user', registry.password, true);
    expect(api.values('mysql-credentials')['root-password']).toMatch(/^[A-Za-z0-9]{32}$/);
  });
});

describe("Harbor's TLS Secret (what harbor-helm's certSource: auto makes)", () => {
  const HOST = 'harbor.mystical.org';
  const ingress = HarborExposure.ingress({ className: 'nginx', hosts: { core: HOST }, tls: { secretName: 'harbor-tls' } });

  /** Serves `key`/`cert` on a free loopback port; curl, trusting only `cert`, asks for https://<name>. */
  async function handshake(values: Record<string, string>, name: string): Promise<{ code: number; stderr: string }> {
    const server = https.createServer({ key: values['tls.key'], cert: values['tls.crt'] }, (_req, res) => res.end('harbor'));
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const caFile = path.join(sandbox.dir, 'trusted.crt');
    fs.writeFileSync(caFile, values['tls.crt']);
    const run = await sandbox.run(['curl', '--silent', '--show-error', '--cacert', caFile, '--resolve', `${name}:${port}:127.0.0.1`, `https://${name}:${port}/`], {});
    await new Promise<void>(resolve => server.close(() => resolve()));
    return run;
  }

  test('a client that trusts the certificate reaches the Ingress host over TLS, and no other name', async () => {
    const run = await sandbox.generate(api, harborSpec({ exposure: ingress }, 'harbor-tls'));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Secret harbor-tls: created with keys tls.key, tls.crt');
    const values = api.values('harbor-tls');
    const text = openssl(['x509', '-noout', '-text'], values['tls.crt']);
    expect(text).toMatch(/Basic Constraints: critical\n +CA:FALSE/);
    expect(text).toMatch(/Extended Key Usage: *\n +TLS Web Server Authentication/);
    expect(text).toContain('Public-Key: (2048 bit)');
    expect(openssl(['x509', '-noout', '-checkend', String(824 * 86400)], values['tls.crt'])).toContain('will not expire');
    expect(() => openssl(['x509', '-noout', '-checkend', String(826 * 86400)], values['tls.crt'])).toThrow();
    expect(await handshake(values, HOST)).toEqual({ code: 0, stderr: '' });
    const other = await handshake(values, 'other.mystical.org');
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/no alternative certificate subject name matches|does not match target host name/);
  });

  test('with busybox: an IP host of a NodePort exposure gets an IP subjectAltName', async () => {
    const spec = harborSpec({ exposure: HarborExposure.nodePort({ host: '192.0.2.10', tls: { secretName: 'harbor-tls' } }) }, 'harbor-tls');
    expect(spec).toContain('harbor-tls tls.crt self-signed-certificate tls.key 825 192.0.2.10 IP:192.0.2.10');
    const run = await sandbox.generate(api, spec, { busybox: true });
    expect(run.code).toBe(0);
    const values = api.values('harbor-tls');
    expect(openssl(['x509', '-noout', '-ext', 'subjectAltName'], values['tls.crt'])).toMatch(/\n +IP Address:192\.0\.2\.10\n$/);
    expect(api.secrets.get('harbor-tls')!.type).toBe('kubernetes.io/tls');
  });

  test('renewal: without tls.crt, a new certificate of the key that exists', async () => {
    const key = openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
    api.put('harbor-tls', { 'tls.key': key });
    const run = await sandbox.generate(api, harborSpec({ exposure: ingress }, 'harbor-tls'));
    expect(run.code).toBe(0);
    const values = api.values('harbor-tls');
    expect(values['tls.key']).toBe(key);
    expect(openssl(['x509', '-noout', '-pubkey'], values['tls.crt'])).toBe(openssl(['pkey', '-pubout'], key));
  });

  test('a spec whose names would reach the openssl config as a new line is refused', async () => {
    const run = await sandbox.generate(api, 'harbor-tls tls.key rsa-private-key 2048\nharbor-tls tls.crt self-signed-certificate tls.key 825 h DNS:h,[x]\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("spec: 'DNS:h,[x]' is not a list of DNS:<name> and IP:<address>");
    expect(api.secrets.size).toBe(0);
  });
});

describe("Harbor's token-service certificate: a signing CA whose every extension the script sets", () => {
  const TOKEN_SPEC = specOf(harborSecrets().filter(s => s.secretName === 'harbor-token-service'));

  /** The X509v3 extensions of a certificate, as `openssl x509 -text` prints them: name (with ", critical") -> value. */
  function extensions(cert: string): Record<string, string> {
    const text = openssl(['x509', '-noout', '-text', '-certopt', 'no_subject,no_issuer,no_pubkey,no_sigdump,no_validity,no_serial,no_version,no_signame'], cert);
    const out: Record<string, string> = {};
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      const m = /^ {12}(X509v3 [^:]+|[A-Za-z][^:]*):( critical)? ?$/.exec(line);
      if (m) out[`${m[1]}${m[2] ? ' (critical)' : ''}`] = (lines[i + 1] ?? '').trim();
    });
    return out;
  }

  function expectTokenCa(cert: string, key: string): void {
    const ext = extensions(cert);
    const skid = ext['X509v3 Subject Key Identifier'];
    expect(skid).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    // Exactly these, nothing from an openssl.cnf: CA:TRUE, a signing key's key usage, both key identifiers.
    expect(ext).toEqual({
      'X509v3 Basic Constraints (critical)': 'CA:TRUE',
      'X509v3 Key Usage (critical)': 'Digital Signature, Certificate Sign',
      'X509v3 Subject Key Identifier': skid,
      'X509v3 Authority Key Identifier': expect.stringMatching(new RegExp(`^(keyid:)?${skid}$`)),
    });
    expect(openssl(['x509', '-noout', '-pubkey'], cert)).toBe(openssl(['pkey', '-pubout'], key));
    const dir = fs.mkdtempSync(path.join(sandbox.dir, 'ca-'));
    fs.writeFileSync(path.join(dir, 'ca.crt'), cert);
    // A CA that verifies itself, and what the key signs (the registry's tokens) verifies with the certificate's key.
    expect(openssl(['verify', '-x509_strict', '-CAfile', path.join(dir, 'ca.crt'), path.join(dir, 'ca.crt')])).toContain(': OK');
  }

  test('CA:TRUE, keyUsage digitalSignature and keyCertSign, subject and authority key identifiers (dash and busybox)', async () => {
    expect(TOKEN_SPEC).toContain('harbor-token-service tls.crt self-signed-certificate tls.key 3650 harbor-token-ca\n');
    for (const busybox of [false, true]) {
      api.secrets.clear();
      const run = await sandbox.generate(api, TOKEN_SPEC, { busybox });
      expect(run.code).toBe(0);
      const token = api.values('harbor-token-service');
      expectTokenCa(token['tls.crt'], token['tls.key']);
    }
  });

  test("the host's openssl.cnf plays no part: a config with other req defaults makes the same extensions", async () => {
    // What another image's openssl might bring: other x509_extensions for req, and a default subject.
    const hostile = path.join(sandbox.dir, 'hostile-openssl.cnf');
    fs.writeFileSync(hostile, [
      '[req]', 'distinguished_name = dn', 'x509_extensions = host_defaults', 'prompt = no',
      '[dn]', 'O = Host Default Org', '[host_defaults]',
      'basicConstraints = CA:FALSE', 'keyUsage = keyEncipherment', 'extendedKeyUsage = serverAuth, clientAuth', 'nsComment = "host default"', '',
    ].join('\n'));
    const run = await sandbox.generate(api, TOKEN_SPEC, { env: { OPENSSL_CONF: hostile } });
    expect(run.code).toBe(0);
    const token = api.values('harbor-token-service');
    expectTokenCa(token['tls.crt'], token['tls.key']);
    expect(openssl(['x509', '-noout', '-subject'], token['tls.crt'])).toMatch(/^subject=CN ?= ?harbor-token-ca\n$/);
  });

  test('the TLS server certificate is as explicit: exactly its own extensions under a hostile openssl.cnf', async () => {
    const hostile = path.join(sandbox.dir, 'hostile-openssl.cnf');
    fs.writeFileSync(hostile, '[req]\ndistinguished_name = dn\nx509_extensions = x\n[dn]\n[x]\nnsComment = "host default"\n');
    const run = await sandbox.generate(api, harborSpec({ exposure: HarborExposure.ingress({ className: 'nginx', hosts: { core: 'h.example.org' }, tls: { secretName: 'harbor-tls' } }) }, 'harbor-tls'),
      { env: { OPENSSL_CONF: hostile } });
    expect(run.code).toBe(0);
    expect(Object.keys(extensions(api.values('harbor-tls')['tls.crt'])).sort()).toEqual([
      'X509v3 Basic Constraints (critical)', 'X509v3 Extended Key Usage', 'X509v3 Key Usage (critical)', 'X509v3 Subject Alternative Name', 'X509v3 Subject Key Identifier',
    ]);
  });

  test('a common name that would reach the openssl config as syntax is refused', async () => {
    const run = await sandbox.generate(api, 'harbor-token-service tls.key rsa-private-key 2048\nharbor-token-service tls.crt self-signed-certificate tls.key 30 a#b\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("spec: 'a#b' is not a certificate common name");
    expect(api.secrets.size).toBe(0);
  });
});

describe('a run again, or a Secret that exists', () => {
  test('a second run changes nothing: no write, the same values', async () => {
    expect((await sandbox.generate(api, MYSQL_SPEC)).code).toBe(0);
    const before = api.values('mysql-credentials');
    api.requests.length = 0;
    const again = await sandbox.generate(api, MYSQL_SPEC);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('Secret mysql-credentials: has all 4 keys; nothing to change');
    expect(writes()).toEqual([]);
    expect(api.values('mysql-credentials')).toEqual(before);
  });

  test('adds only the missing keys and leaves every existing value alone', async () => {
    api.put('mysql-credentials', { 'root-password': 'chosen by the operator', 'unrelated': 'kept too' });
    const run = await sandbox.generate(api, MYSQL_SPEC);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Secret mysql-credentials: added keys exporter-password, password, replication-password; kept the 1 that exist');
    const values = api.values('mysql-credentials');
    expect(values['root-password']).toBe('chosen by the operator');
    expect(values.unrelated).toBe('kept too');
    expect(values['replication-password']).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(writes()).toEqual(['PATCH 200']);
  });

  test('derives a missing htpasswd line from the password that exists, and a certificate from the key that exists', async () => {
    const key = openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
    api.put('harbor-registry', { password: 'operator-chosen-password' });
    api.put('harbor-token-service', { 'tls.key': key });
    const spec = specOf(harborSecrets().filter(s => ['harbor-registry', 'harbor-token-service'].includes(s.secretName)));
    const run = await sandbox.generate(api, spec);
    expect(run.code).toBe(0);
    const registry = api.values('harbor-registry');
    expect(registry.password).toBe('operator-chosen-password');
    expectHtpasswd(registry.htpasswd, 'harbor_registry_user', 'operator-chosen-password', true);
    const token = api.values('harbor-token-service');
    expect(token['tls.key']).toBe(key);
    expect(openssl(['x509', '-noout', '-pubkey'], token['tls.crt'])).toBe(openssl(['pkey', '-pubout'], key));
  });

  test('refuses to add a source whose derived value exists (it would not match), and writes nothing', async () => {
    api.put('harbor-registry', { htpasswd: 'harbor_registry_user:$2y$10$abcdefghijklmnopqrstuuJ5gGMrS5Fm2nsDkpoXzCHhdnyW/zvW2', httpSecret: 'x'.repeat(32) });
    const spec = specOf(harborSecrets().filter(s => s.secretName === 'harbor-registry'));
    const run = await sandbox.generate(api, spec);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Secret harbor-registry has key htpasswd but not password, which htpasswd is made from');
    expect(writes()).toEqual([]);
  });

  test('a Secret with a derived key but not its source is reported, the Secrets after it are still made, and the run exits 1 at the end', async () => {
    const htpasswd = 'harbor_registry_user:$2y$10$abcdefghijklmnopqrstuuJ5gGMrS5Fm2nsDkpoXzCHhdnyW/zvW2';
    api.put('harbor-registry', { htpasswd, httpSecret: 'x'.repeat(32) });
    const keyFile = path.join(sandbox.dir, 'other.key');
    fs.writeFileSync(keyFile, openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']));
    api.put('harbor-token-service', { 'tls.crt': openssl(['req', '-x509', '-new', '-key', keyFile, '-subj', '/CN=x', '-days', '1']) });
    const secrets = harborSecrets();
    const order = secrets.map(s => s.secretName);
    // Broken Secrets first and in the middle of the spec: every other one must still be checked and made.
    expect(order.indexOf('harbor-registry')).toBeLessThan(order.indexOf('harbor-database'));
    const spec = specOf([...secrets, mysqlSecret()]);
    for (const busybox of [false, true]) {
      const run = await sandbox.generate(api, spec, { busybox });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('ERROR: Secret harbor-registry has key htpasswd but not password, which htpasswd is made from');
      expect(run.stderr).toContain('ERROR: Secret harbor-token-service has key tls.crt but not tls.key, which tls.crt is made from');
      expect(run.stderr).toContain('Secret harbor-registry: left unchanged; going on with the other Secrets');
      expect(run.stderr).toMatch(/ERROR: done, but these Secrets need you \(see the errors above\): harbor-registry harbor-token-service\n$/);
      expect(api.values('harbor-registry')).toEqual({ htpasswd, httpSecret: 'x'.repeat(32) });
      expect(Object.keys(api.values('harbor-token-service'))).toEqual(['tls.crt']);
      for (const name of ['harbor-admin', 'harbor-core', 'harbor-jobservice', 'harbor-database', 'harbor-redis', 'mysql-credentials']) {
        expect({ name, made: api.secrets.has(name) }).toEqual({ name, made: true });
      }
    }
    expect(run0Writes(writes())).toEqual(6);
  });
});

describe('two generators racing', () => {
  test('both read 404 and create: one wins (201), the other gets 409, reads, and keeps the winner\'s values', async () => {
    api.barrier(2);
    const [a, b] = await Promise.all([sandbox.generate(api, MYSQL_SPEC), sandbox.generate(api, MYSQL_SPEC)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(writes().sort()).toEqual(['POST 201', 'POST 409']);
    const loser = [a, b].find(r => r.stderr.includes('created by someone else meanwhile (409)'))!;
    expect(loser.stderr).toContain('Secret mysql-credentials: has all 4 keys; nothing to change');
    expect(Object.keys(api.values('mysql-credentials'))).toHaveLength(4);
  });

  test('both read the same incomplete Secret and patch: one wins (200), the other gets 409 and finds nothing missing', async () => {
    api.put('mysql-credentials', { 'root-password': 'kept' });
    api.barrier(2);
    const [a, b] = await Promise.all([sandbox.generate(api, MYSQL_SPEC), sandbox.generate(api, MYSQL_SPEC)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(writes().sort()).toEqual(['PATCH 200', 'PATCH 409']);
    const loser = [a, b].find(r => r.stderr.includes('changed since it was read (409)'))!;
    expect(loser.stderr).toContain('nothing to change');
    const values = api.values('mysql-credentials');
    expect(values['root-password']).toBe('kept');
    expect(Object.keys(values)).toHaveLength(4);
  });
});

describe('answers that end the run', () => {
  test('without what the Job always passes (the spec file, its own name), it stops before any request', async () => {
    for (const missing of ['SPEC_FILE', 'CREATED_BY']) {
      const run = await sandbox.generate(api, MYSQL_SPEC, { env: { [missing]: '' } });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`ERROR: ${missing} must be set`));
      expect(api.requests).toEqual([]);
    }
  });

  test('403 on create: a clear failure naming the permission, nothing created', async () => {
    api.deniedVerbs.add('create');
    const run = await sandbox.generate(api, MYSQL_SPEC);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERROR: create Secret mysql-credentials: 403 Forbidden: the ServiceAccount lacks the permission');
    expect(run.stderr).toContain('cannot create resource "secrets"');
    expect(api.secrets.size).toBe(0);
  });

  test('403 on get of a Secret the Role does not name', async () => {
    api.allowedNames = new Set(['other']);
    const run = await sandbox.generate(api, MYSQL_SPEC);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERROR: read Secret mysql-credentials: 403 Forbidden');
  });

  test('422 from the API server: the server\'s reason, nothing created', async () => {
    const long = `${'a'.repeat(250)}-xyz`;
    const run = await sandbox.generate(api, `${long} password random 16 abcdef\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('422 Invalid: the API server rejected the Secret: Secret');
    expect(run.stderr).toContain('a lowercase RFC 1123 subdomain');
    expect(api.secrets.size).toBe(0);
  });

  test('401 with a token the server does not accept', async () => {
    const wrong = path.join(sandbox.dir, 'wrong-token');
    fs.writeFileSync(wrong, 'not-the-token');
    const run = await sandbox.generate(api, MYSQL_SPEC, { env: { TOKEN_FILE: wrong } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('401 Unauthorized');
  });

  test('an API server whose certificate the CA does not sign is refused', async () => {
    const other = await SecretsApi.start('test');
    try {
      const run = await sandbox.generate(api, MYSQL_SPEC, { env: { CA_FILE: other.caFile, CONNECT_ATTEMPTS: '1' } });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('cannot reach the API server');
      expect(api.requests).toEqual([]);
    } finally {
      await other.stop();
    }
  });
});

describe('wait-for-secrets.sh', () => {
  const script = path.join(SCRIPTS_DIR, 'wait-for-secrets.sh');

  test('waits with a clear log line until every key file is there', async () => {
    const dir = path.join(sandbox.dir, 'secrets');
    fs.mkdirSync(path.join(dir, 'mysql-credentials'), { recursive: true });
    setTimeout(() => fs.writeFileSync(path.join(dir, 'mysql-credentials', 'root-password'), 'x'), 1500);
    const run = await sandbox.run(['sh', script, 'mysql-credentials/root-password'],
      { SECRETS_DIR: dir, LOG_EVERY_SECONDS: '1', CREATED_BY: 'the Job secret-generator-<hash>' });
    expect(run.stderr).toContain('wait-for-secrets.sh: waiting for key root-password of Secret mysql-credentials (created by the Job secret-generator-<hash>)');
    expect(run.stderr).toMatch(/all 1 Secret keys are there \(waited [1-9][0-9]*s\)/);
    expect(run.code).toBe(0);
  });

  test('stops at once, naming the variable, without what the construct always passes', async () => {
    for (const [env, missing] of [[{ SECRETS_DIR: sandbox.dir }, 'CREATED_BY'], [{ CREATED_BY: 'the Job' }, 'SECRETS_DIR']] as const) {
      const run = await sandbox.run(['sh', script, 'harbor-core/csrfKey'], env);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: `wait-for-secrets.sh: ERROR: environment variable ${missing} must be set and non-empty\n` });
    }
  });

  test('gives up after WAIT_SECONDS, naming the missing key', async () => {
    const run = await sandbox.run(['sh', script, 'harbor-core/csrfKey'], { SECRETS_DIR: sandbox.dir, WAIT_SECONDS: '1', CREATED_BY: 'the Job secret-generator-<hash>' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('gave up after 1s: key csrfKey of Secret harbor-core is still missing');
  });
});

test('the scripts are shellcheck-clean and the PHP helper parses', () => {
  const sh = spawnSync('shellcheck', ['-x', 'generate-secrets.sh', 'wait-for-secrets.sh'], { cwd: SCRIPTS_DIR, encoding: 'utf8' });
  expect(sh.stdout + sh.stderr).toBe('');
  expect(sh.status).toBe(0);
  const php = spawnSync('php', ['-l', 'secret-tool.php'], { cwd: SCRIPTS_DIR, encoding: 'utf8' });
  expect(php.status).toBe(0);
});

function expectHtpasswd(line: string, user: string, password: string, ok: boolean): void {
  const file = path.join(sandbox.dir, 'htpasswd');
  fs.writeFileSync(file, `${line}\n`);
  // -i: the password on stdin, as a real verifier (Apache's) reads it.
  const verify = spawnSync('htpasswd', ['-i', '-v', file, user], { input: password, encoding: 'utf8' });
  expect({ status: verify.status, ok }).toEqual({ status: ok ? 0 : 3, ok });
}
