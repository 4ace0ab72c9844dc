import { buildApp, MySQLChart } from '../main';
import { App, Chart, Testing, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { CredentialSource, DatabaseConnection, InvalidPropError, MySQLReplication, MYSQL_SECRET_KEYS, Probe, SecretKeyRef } from '../lib';
import {
  WORDPRESS_CLI_IMAGE, WORDPRESS_IMAGE, WORDPRESS_SECRET_KEYS, WordPress, WordPressStack, WordPressStackProps, WordPressDatabase,
} from '../lib/wordpress';
import { WORDPRESS_KEY_AND_SALT_ENV } from '../lib/wordpress/props';
import { EnvValue } from '../lib/common/env';
import { podSecurityLabels } from '../lib/release/namespace';
import { appObjects, expectValid, find, Manifest, ofKind } from './support/manifests';

// ---- helpers ---------------------------------------------------------------------------------

interface Built { readonly app: App; readonly chart: WordPressStack; readonly stack: WordPress; readonly objects: Manifest[] }

/** A WordPressStack alone in an app, with its objects (validated strictly). */
function build(props: WordPressStackProps = {}, validate = true): Built {
  const app = Testing.app();
  const chart = new WordPressStack(app, 'wordpress', props);
  const objects = chart.toJson();
  if (validate) expectValid(appObjects(app));
  return { app, chart, stack: chart.wordpress, objects };
}

/** A database server the app does not manage. */
const externalDb = (host: string, password: SecretKeyRef, port?: number) => WordPressDatabase.external(DatabaseConnection.fromAttributes({
  host, port, databaseName: 'wordpress', user: 'wordpress', password, engineFamily: 'mysql',
}));

/** The error message of building a stack with `props`. */
function errorOf(props: WordPressStackProps): string {
  try {
    build(props, false);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidPropError);
    return (e as Error).message;
  }
  throw new Error('expected an InvalidPropError');
}

const deployment = (objects: Manifest[], name = 'wordpress') => find(objects, 'Deployment', name);
const podSpec = (workload: Manifest) => workload.spec.template.spec;
const container = (workload: Manifest, name: string) => {
  const spec = podSpec(workload);
  const found = [...(spec.initContainers ?? []), ...spec.containers].find((c: Manifest) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
};
const env = (c: Manifest): Record<string, Manifest> => Object.fromEntries((c.env ?? []).map((e: Manifest) => [e.name, e]));
const envValue = (c: Manifest, name: string) => env(c)[name]?.value;
const secretRef = (c: Manifest, name: string) => env(c)[name]?.valueFrom?.secretKeyRef;
/** The install Jobs (a built-in database with generated credentials adds the namespace's generator Job). */
const installJobs = (objects: Manifest[]) => ofKind(objects, 'Job').filter(j => j.metadata.labels['app.kubernetes.io/component'] === 'install');
const installJob = (objects: Manifest[]) => {
  const jobs = installJobs(objects);
  expect(jobs).toHaveLength(1);
  return jobs[0];
};
const allContainers = (objects: readonly Manifest[]): Manifest[] => objects.flatMap(o => {
  const spec = o.spec?.template?.spec;
  return spec ? [...(spec.initContainers ?? []), ...spec.containers] : [];
});

/** The seed's two releases as main.ts builds them: MySQL in its own chart `mysql`, WordPress using it. */
function seedApp(app: App = Testing.app()): { app: App; mysql: MySQLReplication; stack: WordPress; chart: WordPressStack } {
  buildApp(app);
  // By id: cdk8s makes `instanceof` true for any Chart subclass.
  const chart = app.node.findChild('wordpress') as WordPressStack;
  return { app, mysql: (app.node.findChild('mysql') as MySQLChart).mysql, stack: chart.wordpress, chart };
}

// ---- defaults --------------------------------------------------------------------------------

describe('WordPress defaults (a built-in MySQLReplication)', () => {
  const { chart, stack, objects } = build();
  const dep = deployment(objects);
  const wp = container(dep, 'wordpress');

  test('one release in namespace "wordpress", Namespace object first and cluster-scoped', () => {
    expect(stack.namespace).toBe('wordpress');
    // Every pod meets Pod Security `restricted` (no volumePermissions here): the Namespace says so.
    expect(objects[0]).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wordpress', labels: { 'cdk8s-stateful/release': 'wordpress', ...podSecurityLabels('restricted') } } });
    for (const o of objects.slice(1)) expect(o.metadata.namespace).toBe('wordpress');
    expect(chart.namespaceObject).toBeDefined();
  });

  test('owns a MySQLReplication with 2 members and the wordpress database and user, written before WordPress', () => {
    expect(stack.databaseKind).toBe('builtIn');
    const sts = find(objects, 'StatefulSet', 'wordpress-mysql');
    expect(sts.spec.replicas).toBe(2);
    const db = sts.spec.template.spec.containers[0];
    expect(envValue(db, 'MYSQL_DATABASE')).toBe('wordpress');
    expect(envValue(db, 'MYSQL_USER')).toBe('wordpress');
    expect(stack.builtInDatabase!.node.path).toBe('wordpress/wordpress/mysql');
    expect(objects.indexOf(sts)).toBeLessThan(objects.indexOf(dep));
    expect(sts.metadata.labels['app.kubernetes.io/part-of']).toBe('wordpress');
  });

  test('WordPress connects to the primary through the MySQLReplication handles', () => {
    const mysql = stack.builtInDatabase!;
    expect(stack.database).toBe(mysql);
    expect(mysql.endpoint).toEqual({ host: 'wordpress-mysql-primary.wordpress.svc.cluster.local', port: 3306 });
    expect(envValue(wp, 'WORDPRESS_DB_HOST')).toBe('wordpress-mysql-primary.wordpress.svc.cluster.local:3306');
    expect(envValue(wp, 'WORDPRESS_DB_NAME')).toBe('wordpress');
    expect(envValue(wp, 'WORDPRESS_DB_USER')).toBe('wordpress');
    expect(secretRef(wp, 'WORDPRESS_DB_PASSWORD')).toEqual({ name: 'wordpress-mysql-credentials', key: MYSQL_SECRET_KEYS.userPassword });
  });

  test('official image, pinned, on port 8080 as www-data (uid/gid 33, fsGroup 33, non-root)', () => {
    expect(wp.image).toBe(WORDPRESS_IMAGE);
    expect(WORDPRESS_IMAGE).toMatch(/^wordpress:\d+\.\d+\.\d+-php\d\.\d-apache$/);
    expect(wp.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(podSpec(dep).securityContext).toMatchObject({ runAsUser: 33, runAsGroup: 33, fsGroup: 33, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(wp.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(podSpec(dep).automountServiceAccountToken).toBe(false);
  });

  test('Apache is reconfigured to listen on 8080, file by file', () => {
    const cm = find(objects, 'ConfigMap', 'wordpress-apache');
    expect(cm.data['ports.conf']).toMatch(/^Listen 8080$/m);
    expect(cm.data['000-default.conf']).toContain('<VirtualHost *:8080>');
    expect(cm.data['000-default.conf']).toContain('DocumentRoot /var/www/html');
    expect(wp.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'apache', mountPath: '/etc/apache2/ports.conf', subPath: 'ports.conf', readOnly: true },
      { name: 'apache', mountPath: '/etc/apache2/sites-available/000-default.conf', subPath: '000-default.conf', readOnly: true },
    ]));
  });

  test('a 10Gi ReadWriteOnce wp-content claim at /var/www/html/wp-content, under an emptyDir document root; Recreate', () => {
    const pvc = find(objects, 'PersistentVolumeClaim', 'wordpress-wp-content');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } });
    expect(stack.claimName).toBe('wordpress-wp-content');
    expect(wp.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'html', mountPath: '/var/www/html' },
      { name: 'wp-content', mountPath: '/var/www/html/wp-content' },
    ]));
    expect(podSpec(dep).volumes).toEqual(expect.arrayContaining([
      { name: 'wp-content', persistentVolumeClaim: { claimName: 'wordpress-wp-content' } },
      { name: 'html', emptyDir: {} },
    ]));
    expect(dep.spec.strategy).toEqual({ type: 'Recreate' });
    expect(dep.spec.replicas).toBe(1);
  });

  test('init containers copy WordPress into the document root, then wait for the database with a bounded TCP retry', () => {
    const init = podSpec(dep).initContainers;
    expect(init.map((c: Manifest) => c.name)).toEqual(['copy-wordpress', 'wait-for-database']);
    expect(init[0].command).toEqual(['bash', '/scripts/copy-wordpress.sh']);
    expect(init[1].command).toEqual(['bash', '/scripts/wait-for-tcp.sh']);
    expect(env(init[1])).toMatchObject({
      WAIT_HOST: { value: 'wordpress-mysql-primary.wordpress.svc.cluster.local' },
      WAIT_PORT: { value: '3306' },
      WAIT_TIMEOUT_SECONDS: { value: '300' },
    });
    expect(find(objects, 'ConfigMap', 'wordpress-scripts').data['wait-for-tcp.sh']).toContain('giving up');
  });

  test('probes on by default, HTTP on the Apache port; liveness does not depend on the database', () => {
    // The installer page answers 200 before and after the install, never a redirect: wp-login.php
    // redirects to the installer (https behind X-Forwarded-Proto: https) until the site is installed,
    // and the kubelet follows it to https on the plain-HTTP port, so the site never got Ready.
    const httpGet = { path: '/wp-admin/install.php', port: 'http' };
    expect(wp.startupProbe).toEqual({ httpGet, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 });
    expect(wp.readinessProbe).toEqual({ httpGet, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(wp.livenessProbe).toMatchObject({ httpGet: { path: '/wp-includes/images/blank.gif', port: 'http' } });
  });

  test('keys and salts come from the WordPress Secret, under the documented keys', () => {
    expect(Object.keys(WORDPRESS_KEY_AND_SALT_ENV)).toHaveLength(8);
    for (const [name, key] of Object.entries(WORDPRESS_KEY_AND_SALT_ENV)) {
      expect(secretRef(wp, name)).toEqual({ name: 'wordpress-credentials', key });
    }
  });

  test('a ClusterIP Service and an nginx Ingress for wordpress.local, Prefix /', () => {
    const svc = find(objects, 'Service', 'wordpress');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 'http' }]);
    const ing = find(objects, 'Ingress', 'wordpress');
    expect(ing.spec).toEqual({
      ingressClassName: 'nginx',
      rules: [{ host: 'wordpress.local', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'wordpress', port: { name: 'http' } } } }] } }],
    });
    expect(stack.siteUrl).toBe('http://wordpress.local');
  });

  test('resources, no PDB and no HPA with one replica', () => {
    expect(wp.resources).toEqual({ requests: { cpu: '300m', memory: '512Mi' }, limits: { memory: '1Gi' } });
    expect(ofKind(objects, 'PodDisruptionBudget').map(p => p.metadata.name)).toEqual(['wordpress-mysql']);
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
  });

  test('the install Job: wp-cli, waits for the database, copies the core, never mounts wp-content', () => {
    const job = installJob(objects);
    expect(job.metadata.name).toMatch(/^wordpress-install-[0-9a-f]{8}$/);
    const spec = podSpec(job);
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.initContainers.map((c: Manifest) => c.name)).toEqual(['wait-for-database', 'copy-wordpress']);
    expect(spec.initContainers[1].image).toBe(WORDPRESS_IMAGE);
    expect(spec.volumes.map((v: Manifest) => v.persistentVolumeClaim)).toEqual([undefined, undefined]);
    const install = container(job, 'install');
    expect(install.image).toBe(WORDPRESS_CLI_IMAGE);
    expect(install.command).toEqual(['bash', '/scripts/install.sh']);
    expect(env(install)).toMatchObject({
      SITE_URL: { value: 'http://wordpress.local' },
      SITE_TITLE: { value: 'WordPress' },
      ADMIN_USER: { value: 'user' },
      ADMIN_EMAIL: { value: 'user@example.com' },
      WORDPRESS_DB_HOST: { value: 'wordpress-mysql-primary.wordpress.svc.cluster.local:3306' },
    });
    expect(secretRef(install, 'WORDPRESS_ADMIN_PASSWORD')).toEqual({ name: 'wordpress-credentials', key: 'admin-password' });
    expect(spec.securityContext).toMatchObject({ runAsUser: 33, runAsNonRoot: true });
    const script = find(objects, 'ConfigMap', 'wordpress-scripts').data['install.sh'];
    expect(script).toContain('wp --path="$path" core is-installed');
    expect(script).toContain('eval-file "${scripts}/set-admin-password.php"');
    expect(script).not.toMatch(/^[^#]*--prompt/m);
    // Job pods are not selected by the WordPress Service.
    expect(spec.containers[0].ports).toBeUndefined();
    expect(job.spec.template.metadata.labels['app.kubernetes.io/component']).toBe('install');
  });

  test('no Secret to create by hand: the generator Job makes the WordPress Secret and the database\'s, each key listed with its purpose and readers', () => {
    expect(stack.requiredSecrets).toEqual([]);
    const keys = stack.generatedSecrets.map(s => `${s.namespace}/${s.secretName}/${s.key}`);
    expect(keys).toEqual([
      ...Object.values(WORDPRESS_SECRET_KEYS).sort().map(k => `wordpress/wordpress-credentials/${k}`),
      ...['password', 'replication-password', 'root-password'].map(k => `wordpress/wordpress-mysql-credentials/${k}`),
    ]);
    const byKey = (secretName: string, key: string) => stack.generatedSecrets.find(s => s.secretName === secretName && s.key === key)!;
    expect(byKey('wordpress-credentials', 'admin-password')).toEqual({
      secretName: 'wordpress-credentials', key: 'admin-password', namespace: 'wordpress',
      purpose: 'password of the WordPress admin user user', usedBy: ['wordpress/wordpress/install'],
      shape: 'password of 24 characters of alphanumeric, with at least one digit, one lower, one upper', generatedBy: 'wordpress/SecretGenerator-wordpress',
    });
    expect(byKey('wordpress-credentials', 'auth-key')).toMatchObject({ purpose: 'WordPress auth key', usedBy: ['wordpress/wordpress/app'] });
  });
});

// ---- every prop -------------------------------------------------------------------------------

describe('WordPress props', () => {
  test('namespace: everything follows, including the database endpoint', () => {
    const { stack, objects } = build({ namespace: 'blog' });
    expect(objects[0].metadata.name).toBe('blog');
    for (const o of objects.slice(1)) expect(o.metadata.namespace).toBe('blog');
    expect(stack.database.endpoint.host).toBe('wordpress-mysql-primary.blog.svc.cluster.local');
    expect(stack.requiredSecrets.every(s => s.namespace === 'blog')).toBe(true);
  });

  test('createNamespace: false leaves the Namespace out', () => {
    const { chart, objects } = build({ createNamespace: false });
    expect(ofKind(objects, 'Namespace')).toEqual([]);
    expect(chart.namespaceObject).toBeUndefined();
  });

  test('the Namespace is explicit: created by default (true), never discovered from other charts', () => {
    const app = Testing.app();
    const base = new Chart(app, 'base');
    new k8s.KubeNamespace(base, 'ns', { metadata: { name: 'elsewhere' } });
    const chart = new WordPressStack(app, 'wordpress', { database: externalDb('db.example.com', SecretKeyRef.of('db', 'password')) });
    expect(ofKind(chart.toJson(), 'Namespace')).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wordpress', labels: { 'cdk8s-stateful/release': 'wordpress', ...podSecurityLabels('restricted') } } }]);
  });

  test('name: prefixes every object, the owned database and the Secret', () => {
    const { stack, objects } = build({ name: 'blog' });
    expect(deployment(objects, 'blog')).toBeDefined();
    find(objects, 'Service', 'blog');
    find(objects, 'Ingress', 'blog');
    find(objects, 'PersistentVolumeClaim', 'blog-wp-content');
    find(objects, 'StatefulSet', 'blog-mysql');
    expect(installJob(objects).metadata.name).toMatch(/^blog-install-/);
    expect(stack.secretName).toBe('blog-credentials');
    expect(secretRef(container(deployment(objects, 'blog'), 'wordpress'), 'WORDPRESS_AUTH_KEY')!.name).toBe('blog-credentials');
  });

  test('image and cliImage', () => {
    const { objects } = build({ image: 'registry.example.com/wordpress:6.7.2-php8.2-apache', cliImage: 'wordpress:cli-2.11.0-php8.2' });
    const dep = deployment(objects);
    expect(container(dep, 'wordpress').image).toBe('registry.example.com/wordpress:6.7.2-php8.2-apache');
    expect(container(dep, 'wait-for-database').image).toBe('registry.example.com/wordpress:6.7.2-php8.2-apache');
    expect(dep.metadata.labels['app.kubernetes.io/version']).toBe('6.7.2-php8.2-apache');
    expect(container(installJob(objects), 'install').image).toBe('wordpress:cli-2.11.0-php8.2');
  });

  test('replicas with ReadWriteMany: RollingUpdate, replicas, a PodDisruptionBudget', () => {
    const { objects } = build({ replicas: 3, storage: { accessModes: ['ReadWriteMany'], storageClassName: 'nfs' } });
    const dep = deployment(objects);
    expect(dep.spec.replicas).toBe(3);
    expect(dep.spec.strategy.type).toBe('RollingUpdate');
    expect(find(objects, 'PodDisruptionBudget', 'wordpress').spec.maxUnavailable).toBe(1);
  });

  test('autoscaling with ReadWriteMany: a HorizontalPodAutoscaler on the Deployment', () => {
    const { objects } = build({ autoscaling: { minReplicas: 2, maxReplicas: 5, targetCpuUtilization: 70 }, storage: { accessModes: ['ReadWriteMany'] } });
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'wordpress');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 5, scaleTargetRef: { kind: 'Deployment', name: 'wordpress' } });
    expect(deployment(objects).spec.replicas).toBeUndefined();
    find(objects, 'PodDisruptionBudget', 'wordpress');
  });

  test('disruptionBudget', () => {
    const { objects } = build({ replicas: 4, storage: { accessModes: ['ReadWriteMany'] }, disruptionBudget: { maxUnavailable: '50%' } });
    expect(find(objects, 'PodDisruptionBudget', 'wordpress').spec.maxUnavailable).toBe('50%');
  });

  test('databaseWaitSeconds bounds both waits', () => {
    const { objects } = build({ databaseWaitSeconds: 60 });
    expect(envValue(container(deployment(objects), 'wait-for-database'), 'WAIT_TIMEOUT_SECONDS')).toBe('60');
    expect(envValue(container(installJob(objects), 'wait-for-database'), 'WAIT_TIMEOUT_SECONDS')).toBe('60');
  });

  test('secretName, adminUser, adminPassword, adminEmail, blogName, siteUrl', () => {
    const { stack, objects } = build({
      secretName: 'wp-keys',
      adminUser: 'admin',
      adminPassword: SecretKeyRef.of('wp-admin', 'pw'),
      adminEmail: 'ops@mystical.org',
      blogName: "Mystical's blog",
      siteUrl: 'https://blog.mystical.org',
    });
    const install = container(installJob(objects), 'install');
    expect(env(install)).toMatchObject({
      ADMIN_USER: { value: 'admin' }, ADMIN_EMAIL: { value: 'ops@mystical.org' },
      SITE_TITLE: { value: "Mystical's blog" }, SITE_URL: { value: 'https://blog.mystical.org' },
    });
    expect(secretRef(install, 'WORDPRESS_ADMIN_PASSWORD')).toEqual({ name: 'wp-admin', key: 'pw' });
    expect(secretRef(container(deployment(objects), 'wordpress'), 'WORDPRESS_NONCE_SALT')).toEqual({ name: 'wp-keys', key: 'nonce-salt' });
    // The keys and salts of wp-keys are generated; an admin password in another Secret is that Secret's business.
    expect(stack.credentials.generatedSecrets.map(s => `${s.secretName}/${s.key}`)).toEqual(
      Object.values(WORDPRESS_KEY_AND_SALT_ENV).sort().map(k => `wp-keys/${k}`));
    expect(stack.requiredSecrets).toEqual([{
      secretName: 'wp-admin', key: 'pw', namespace: 'wordpress', purpose: 'password of the WordPress admin user admin', usedBy: ['wordpress/wordpress/install'],
    }]);
  });

  test('skipInstall: no Job, and no admin password required', () => {
    const { stack, objects } = build({ skipInstall: true, ingress: false });
    expect(installJobs(objects)).toEqual([]);
    expect(stack.installJob).toBeUndefined();
    expect(stack.credentials.generatedSecrets.map(s => s.key)).toEqual(Object.values(WORDPRESS_KEY_AND_SALT_ENV).sort());
    const existing = build({ skipInstall: true, ingress: false, credentials: CredentialSource.existing() }).stack;
    expect(existing.requiredSecrets.map(s => s.key)).toEqual(Object.values(WORDPRESS_KEY_AND_SALT_ENV));
  });

  test('storage: size, storage class (inherited by the owned database), access modes', () => {
    const { objects } = build({ storage: { size: '20Gi', storageClassName: 'sc-nfs', accessModes: ['ReadWriteMany'] } });
    expect(find(objects, 'PersistentVolumeClaim', 'wordpress-wp-content').spec).toEqual({
      accessModes: ['ReadWriteMany'], storageClassName: 'sc-nfs', resources: { requests: { storage: '20Gi' } },
    });
    expect(find(objects, 'StatefulSet', 'wordpress-mysql').spec.volumeClaimTemplates[0].spec.storageClassName).toBe('sc-nfs');
  });

  test('storage.existingClaim: no claim created, the pods mount the existing one', () => {
    const { stack, objects } = build({ storage: { existingClaim: 'old-wp-content' } });
    expect(ofKind(objects, 'PersistentVolumeClaim')).toEqual([]);
    expect(stack.claimName).toBe('old-wp-content');
    expect(podSpec(deployment(objects)).volumes).toContainEqual({ name: 'wp-content', persistentVolumeClaim: { claimName: 'old-wp-content' } });
  });

  test('networkPolicy (on by default): Apache only from the Ingress controller, egress to DNS and the database pods only', () => {
    const { objects } = build();
    const policy = find(objects, 'NetworkPolicy', 'wordpress');
    const web = deployment(objects).spec.selector.matchLabels;
    expect(policy.spec.podSelector).toEqual({ matchLabels: web });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    }]);
    const mysqlPods = find(objects, 'StatefulSet', 'wordpress-mysql').spec.selector.matchLabels;
    expect(policy.spec.egress).toEqual([
      { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
      {
        // The built-in database is in the policy's namespace: a podSelector alone.
        to: [{ podSelector: { matchLabels: mysqlPods } }],
        ports: [{ protocol: 'TCP', port: 3306 }],
      },
    ]);
    // The install Job's pods are not selected (they are not web pods).
    const jobLabels = installJob(objects).spec.template.metadata.labels;
    expect(Object.entries(web).every(([k, v]) => jobLabels[k] === v)).toBe(false);
  });

  test('networkPolicy options: named clients, CIDRs, Internet egress, an external database by port; false for none', () => {
    const { objects } = build({
      database: externalDb('db.example.com', SecretKeyRef.of('db', 'password'), 3307),
      serviceType: 'LoadBalancer',
      networkPolicy: {
        ingressControllerNamespace: 'traefik',
        allowedClients: [{ podLabels: { app: 'monitor' }, namespace: 'monitoring' }, { podLabels: { app: 'varnish' } }],
        allowedCidrs: ['0.0.0.0/0'],
        allowInternetEgress: true,
      },
    });
    const spec = find(objects, 'NetworkPolicy', 'wordpress').spec;
    expect(spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } },
      { podSelector: { matchLabels: { app: 'monitor' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
      { podSelector: { matchLabels: { app: 'varnish' } } },
      { ipBlock: { cidr: '0.0.0.0/0' } },
    ]);
    expect(spec.egress.slice(1)).toEqual([
      { ports: [{ protocol: 'TCP', port: 3307 }] },
      { ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 443 }] },
    ]);
    expect(ofKind(build({ networkPolicy: false }).objects, 'NetworkPolicy').map(p => p.metadata.name)).toEqual(['wordpress-mysql']);
    expect(errorOf({ serviceType: 'NodePort' })).toMatch(/networkPolicy.allowedCidrs.*while serviceType is NodePort/);
    expect(errorOf({ networkPolicy: { allowedCidrs: ['10.0.0.0'] } })).toContain('networkPolicy.allowedCidrs[0]');
    expect(errorOf({ networkPolicy: { allowedClients: [{ podLabels: {} }] } })).toContain('networkPolicy.allowedClients[0].podLabels');
  });

  test('placement and extension props reach the WordPress pods; serviceAccount creates one', () => {
    const { objects } = build({
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'web', operator: 'Exists', effect: 'NoSchedule' }],
      priorityClassName: 'sites',
      imagePullSecrets: ['mirror'],
      podLabels: { team: 'blog' },
      podAnnotations: { 'example.com/owner': 'blog' },
      extraEnv: { WP_ENVIRONMENT_TYPE: EnvValue.fromValue('production') },
      serviceAccount: { name: 'wordpress-web' },
    });
    const spec = podSpec(deployment(objects));
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(spec.tolerations).toEqual([{ key: 'web', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(spec.priorityClassName).toBe('sites');
    expect(spec.imagePullSecrets).toEqual([{ name: 'mirror' }]);
    expect(spec.serviceAccountName).toBe('wordpress-web');
    find(objects, 'ServiceAccount', 'wordpress-web');
    const meta = deployment(objects).spec.template.metadata;
    expect(meta.labels.team).toBe('blog');
    expect(meta.annotations['example.com/owner']).toBe('blog');
  });

  test('errors of the inner workload name the WordPress props: resources', () => {
    expect(errorOf({ resources: { requests: { memory: '1GB' } } })).toMatch(/^wordpress\/wordpress: resources.requests.memory "1GB" is invalid/);
  });

  test('installJob.ttlSecondsAfterFinished: a day by default, settable, checked, and only with the Job', () => {
    expect(installJob(build().objects).spec.ttlSecondsAfterFinished).toBe(86400);
    expect(installJob(build({ installJob: { ttlSecondsAfterFinished: 0 } }).objects).spec.ttlSecondsAfterFinished).toBe(0);
    expect(errorOf({ installJob: { ttlSecondsAfterFinished: -1 } })).toContain('installJob.ttlSecondsAfterFinished');
    expect(errorOf({ skipInstall: true, siteUrl: 'https://a.example', installJob: {} })).toMatch(/installJob.*only applies without skipInstall/);
  });

  test('tablePrefix and extraConfig reach wp-config.php in the site and in wp-cli (WORDPRESS_TABLE_PREFIX, WORDPRESS_CONFIG_EXTRA)', () => {
    const defaults = build().objects;
    expect(envValue(container(deployment(defaults), 'wordpress'), 'WORDPRESS_TABLE_PREFIX')).toBeUndefined();
    expect(envValue(container(deployment(defaults), 'wordpress'), 'WORDPRESS_CONFIG_EXTRA')).toBeUndefined();
    const extraConfig = "define('WP_MEMORY_LIMIT', '256M');\ndefine('DISALLOW_FILE_EDIT', true);";
    const { objects } = build({ tablePrefix: 'blog_', extraConfig });
    for (const c of [container(deployment(objects), 'wordpress'), container(installJob(objects), 'install')]) {
      expect(envValue(c, 'WORDPRESS_TABLE_PREFIX')).toBe('blog_');
      expect(envValue(c, 'WORDPRESS_CONFIG_EXTRA')).toBe(extraConfig);
    }
    expect(errorOf({ tablePrefix: '' })).toContain('tablePrefix');
    expect(errorOf({ tablePrefix: 'wp-' })).toContain("letters, digits or '_'");
    expect(errorOf({ extraConfig: "<?php define('A', 1);" })).toContain('without <?php');
    expect(errorOf({ extraConfig: ' ' })).toContain('extraConfig');
  });

  test('volumePermissions: a root init container with CHOWN, DAC_OVERRIDE and FOWNER, before the database wait', () => {
    const { objects } = build({ volumePermissions: true });
    const init = podSpec(deployment(objects)).initContainers;
    expect(init.map((c: Manifest) => c.name)).toEqual(['volume-permissions', 'copy-wordpress', 'wait-for-database']);
    expect(init[0].securityContext).toEqual({
      runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'] },
    });
    expect(init[0].volumeMounts).toContainEqual({ name: 'wp-content', mountPath: '/wp-content' });
    expect(env(init[0])).toMatchObject({ OWNER_UID: { value: '33' }, OWNER_GID: { value: '33' } });
  });

  test('ingress: class, host, path, pathType, TLS Secret (https site URL), annotations', () => {
    const { stack, objects } = build({
      ingress: {
        className: 'traefik', host: 'wordpress.mystical.org', path: '/', pathType: 'ImplementationSpecific',
        tlsSecretName: 'wordpress-tls', annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
      },
    });
    const ing = find(objects, 'Ingress', 'wordpress');
    expect(ing.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(ing.spec.ingressClassName).toBe('traefik');
    expect(ing.spec.tls).toEqual([{ hosts: ['wordpress.mystical.org'], secretName: 'wordpress-tls' }]);
    expect(ing.spec.rules[0].host).toBe('wordpress.mystical.org');
    expect(ing.spec.rules[0].http.paths[0].pathType).toBe('ImplementationSpecific');
    expect(stack.siteUrl).toBe('https://wordpress.mystical.org');
    expect(envValue(container(installJob(objects), 'install'), 'SITE_URL')).toBe('https://wordpress.mystical.org');
  });

  test('ingress: false, with a siteUrl', () => {
    const { stack, objects } = build({ ingress: false, siteUrl: 'http://wordpress.wordpress.svc:8080' });
    expect(ofKind(objects, 'Ingress')).toEqual([]);
    expect(stack.ingress).toBeUndefined();
  });

  test('serviceType', () => {
    const { objects } = build({ serviceType: 'LoadBalancer', networkPolicy: false });
    expect(find(objects, 'Service', 'wordpress').spec.type).toBe('LoadBalancer');
  });

  test('each probe can be switched off (like the seed) or replaced', () => {
    const off = container(deployment(build({ livenessProbe: false, readinessProbe: false, startupProbe: false }).objects), 'wordpress');
    expect(off.livenessProbe).toBeUndefined();
    expect(off.readinessProbe).toBeUndefined();
    expect(off.startupProbe).toBeUndefined();
    const one = container(deployment(build({ readinessProbe: false }).objects), 'wordpress');
    expect(one.livenessProbe).toBeDefined();
    expect(one.startupProbe).toBeDefined();
    expect(one.readinessProbe).toBeUndefined();
    const custom = container(deployment(build({ livenessProbe: Probe.tcp('http', { periodSeconds: 30 }) }).objects), 'wordpress');
    expect(custom.livenessProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 30 });
  });

  test('resources, podSecurity, containerSecurity', () => {
    const { objects } = build({
      resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '2Gi' } },
      podSecurity: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, runAsNonRoot: true },
      containerSecurity: { readOnlyRootFilesystem: true },
      volumePermissions: true,
    });
    const dep = deployment(objects);
    const wp = container(dep, 'wordpress');
    expect(wp.resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '2Gi' } });
    expect(wp.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(podSpec(dep).securityContext).toMatchObject({ runAsUser: 1000, fsGroup: 1000 });
    expect(env(container(dep, 'volume-permissions'))).toMatchObject({ OWNER_UID: { value: '1000' }, OWNER_GID: { value: '1000' } });
    expect(podSpec(installJob(objects)).securityContext).toMatchObject({ runAsUser: 1000 });
  });

  test('a changed install Job gets a new name (its pod template is immutable)', () => {
    const a = installJob(build().objects).metadata.name;
    expect(installJob(build().objects).metadata.name).toBe(a);
    expect(installJob(build({ adminUser: 'admin' }).objects).metadata.name).not.toBe(a);
  });
});

// ---- secrets ----------------------------------------------------------------------------------

describe('no credential in the manifests', () => {
  const variants: Record<string, () => Manifest[]> = {
    owned: () => build({ volumePermissions: true }).objects,
    replication: () => { const { mysql, chart } = seedApp(); return [...Chart.of(mysql).toJson(), ...chart.toJson()]; },
    external: () => build({ database: externalDb('db.example.com', SecretKeyRef.of('wp-db', 'password')) }).objects,
  };
  test.each(Object.keys(variants))('%s: credential env vars are Secret references, no literal in args', name => {
    const objects = variants[name]();
    const containers = allContainers(objects);
    expect(containers.length).toBeGreaterThan(3);
    for (const c of containers) {
      for (const e of c.env ?? []) {
        if (/PASSWORD|_KEY$|_SALT$|SECRET|TOKEN/.test(e.name)) {
          expect({ container: c.name, name: e.name, value: e.value }).toEqual({ container: c.name, name: e.name, value: undefined });
          expect(e.valueFrom.secretKeyRef).toBeDefined();
        }
      }
      for (const arg of [...(c.command ?? []), ...(c.args ?? [])]) expect(arg).not.toMatch(/password=|pass=/i);
    }
    expect(ofKind(objects, 'Secret')).toEqual([]);
    expect(Yaml.stringify(...objects)).not.toMatch(/admin_password=/);
  });
});

// ---- bad inputs -------------------------------------------------------------------------------

describe('bad inputs fail with errors naming the prop, the value and the rule', () => {
  test('replicas > 1 with ReadWriteOnce', () => {
    const msg = errorOf({ replicas: 2 });
    expect(msg).toMatch(/^wordpress\/wordpress: replicas 2 is invalid: must be at most 1 while storage.accessModes is \["ReadWriteOnce"\]/);
    expect(msg).toContain('Multi-Attach');
    expect(msg).toContain("accessModes: ['ReadWriteMany']");
  });

  test('autoscaling beyond one pod with ReadWriteOnce', () => {
    expect(errorOf({ autoscaling: { minReplicas: 1, maxReplicas: 3 } })).toMatch(/autoscaling.maxReplicas 3 is invalid: must be at most 1 while/);
  });

  test('read-only storage', () => {
    expect(errorOf({ storage: { accessModes: ['ReadOnlyMany'] } })).toMatch(/storage.accessModes \["ReadOnlyMany"\] is invalid: must include a writable mode/);
  });

  test.each([
    ['Wordpress.Mystical.org', /must be lower-case: did you mean "wordpress.mystical.org"\?/],
    ['https://wordpress.mystical.org', /no scheme or path/],
    ['wordpress.mystical.org/blog', /no scheme or path/],
    ['wordpress.mystical.org:8443', /no port/],
    ['10.0.0.7', /not an IP address/],
    ['word_press.org', /DNS-1123 subdomain/],
    ['-wordpress.org', /DNS-1123 subdomain/],
  ])('bad hostname %s', (host, rule) => {
    const msg = errorOf({ ingress: { host } });
    expect(msg).toContain(`ingress.host ${JSON.stringify(host)} is invalid`);
    expect(msg).toMatch(rule);
  });

  test('a wildcard host is fine', () => {
    expect(find(build({ ingress: { host: '*.mystical.org' }, siteUrl: 'https://www.mystical.org' }).objects, 'Ingress', 'wordpress').spec.rules[0].host).toBe('*.mystical.org');
  });

  test('other Ingress options', () => {
    expect(errorOf({ ingress: { path: 'blog' } })).toMatch(/ingress.path "blog" is invalid/);
    expect(errorOf({ ingress: { pathType: 'Regex' as any } })).toMatch(/ingress.pathType "Regex" is invalid/);
    expect(errorOf({ ingress: { tlsSecretName: 'TLS' } })).toMatch(/ingress.tlsSecretName "TLS" is invalid/);
    expect(errorOf({ ingress: { className: 'Nginx' } })).toMatch(/ingress.className "Nginx" is invalid/);
  });

  test('no Ingress and no siteUrl', () => {
    expect(errorOf({ ingress: false })).toMatch(/siteUrl \(unset\) is invalid: is required when there is no Ingress/);
  });

  test.each(['wordpress.example.com', 'https://example.com/', 'ftp://example.com', 'https://example.com?x=1'])('bad siteUrl %s', url => {
    expect(errorOf({ siteUrl: url })).toMatch(/siteUrl .* is invalid: must be an http:\/\/ or https:\/\/ URL/);
  });

  test('names, images, namespace', () => {
    expect(errorOf({ name: '1press' })).toMatch(/name "1press" is invalid: must be a DNS-1035 label/);
    expect(errorOf({ name: 'a'.repeat(41) })).toMatch(/at most 40 characters/);
    expect(errorOf({ namespace: 'Word_Press' })).toMatch(/namespace "Word_Press" is invalid/);
    expect(errorOf({ image: 'wordpress' })).toMatch(/image "wordpress" is invalid: must name a pinned tag/);
    expect(errorOf({ image: 'wordpress:latest' })).toMatch(/image "wordpress:latest" is invalid/);
    expect(errorOf({ cliImage: 'wordpress' })).toMatch(/cliImage "wordpress" is invalid: must name a pinned tag/);
    expect(errorOf({ secretName: 'WP' })).toMatch(/secretName "WP" is invalid/);
  });

  test('admin user, e-mail, title, password', () => {
    expect(errorOf({ adminUser: 'admin user' })).toMatch(/adminUser "admin user" is invalid/);
    expect(errorOf({ adminEmail: 'nobody' })).toMatch(/adminEmail "nobody" is invalid: must be an e-mail address/);
    expect(errorOf({ blogName: ' ' })).toMatch(/blogName " " is invalid/);
    const msg = errorOf({ adminPassword: 'hunter2' as any });
    expect(msg).toMatch(/adminPassword "\(a string, not shown\)" is invalid: must be a SecretKeyRef/);
    expect(msg).not.toContain('hunter2');
  });

  test('sizes and waits', () => {
    expect(errorOf({ storage: { size: '10GB' } })).toMatch(/^wordpress\/wordpress: storage.size "10GB" is invalid: must be a Kubernetes quantity: did you mean "10Gi"\?/);
    expect(errorOf({ databaseWaitSeconds: 0 })).toMatch(/databaseWaitSeconds 0 is invalid/);
    expect(errorOf({ replicas: -1 })).toMatch(/replicas -1 is invalid/);
  });

  test('a database that is not a WordPressDatabase', () => {
    expect(errorOf({ database: { host: 'db' } as any })).toMatch(/database "object" is invalid: must be WordPressDatabase.builtIn/);
  });
});

// ---- snapshot ---------------------------------------------------------------------------------

test('snapshot: the seed release (WordPress release of main.ts, mode 2)', () => {
  const { app, chart } = seedApp();
  expectValid(appObjects(app));
  expect(chart.toJson()).toMatchSnapshot();
});
