/**
 * The wordpress release (dist/0002-wordpress.k8s.yaml) on the real node, on top of the mysql
 * release, both applied at once as `kubectl apply -f dist/` would: credentials made in the
 * cluster, the site's first start against a database that is still starting, the install Job, the
 * site through its Service, the admin's login with the generated password, and no Secret value in
 * any log.
 *
 * The stand-in `wordpress:cli` image has no wp-cli (no registry reachable from here has it; see
 * test/cluster/images/wordpress-cli/docker-entrypoint.sh), so the install Job cannot do its work
 * here: the check asserts that it fails for exactly that reason, and the site is installed the way a
 * user without wp-cli would, through WordPress's own installer, with the generated admin password.
 */
import { deleteNamespace, generatorSpec, leakedSecrets, podSecurityFacts, releaseSnapshot, ReleaseSnapshot, secretData } from '../support/db';
import { kubectl, kubectlJson, podDiagnostics, tryKubectl, waitJobComplete, waitPodReady, waitUntil } from '../support/kube';
import { phase } from '../support/report';
import { PodWatch } from '../support/watch';
import { request } from '../support/web';

const ns = 'wordpress';
const webSelector = 'app.kubernetes.io/component=web,app.kubernetes.io/instance=wordpress';
const installSelector = 'app.kubernetes.io/component=install,app.kubernetes.io/instance=wordpress';
const generator = 'wordpress-secret-generator';

let mysqlRelease: ReleaseSnapshot;
let wordpressRelease: ReleaseSnapshot;

function jobName(release: ReleaseSnapshot, prefix: string): string {
  return release.objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith(prefix)).metadata.name;
}

function webPods(): any[] {
  return kubectlJson(['-n', ns, 'get', 'pods', '-l', webSelector]).items as any[];
}

/** The Ingress host: what the site is installed for, sent as Host to the Service's cluster IP. */
function siteHost(): string {
  return wordpressRelease.objects.find((o) => o.kind === 'Ingress').spec.rules[0].host;
}

function siteUrl(path: string): string {
  const svc = kubectlJson(['-n', ns, 'get', 'service', 'wordpress']);
  return `http://${svc.spec.clusterIP}:${svc.spec.ports[0].port}${path}`;
}

/** The admin password, in memory only. */
function adminPassword(): string {
  return Buffer.from(secretData(ns, 'wordpress-credentials')['admin-password'], 'base64').toString('utf8');
}

/** Whether an install container of the install Job ran into a missing `wp`: its exit code and log line. */
function installAttempts(): { exitCode: number; wpMissing: boolean }[] {
  const pods = kubectlJson(['-n', ns, 'get', 'pods', '-l', installSelector]).items as any[];
  const attempts: { exitCode: number; wpMissing: boolean }[] = [];
  for (const p of pods) {
    const state = (p.status.containerStatuses ?? []).find((c: any) => c.name === 'install')?.state?.terminated;
    if (!state) continue;
    const log = tryKubectl(['-n', ns, 'logs', p.metadata.name, '-c', 'install']).stdout;
    attempts.push({ exitCode: state.exitCode, wpMissing: /wp: command not found/.test(log) });
  }
  return attempts;
}

describe('wordpress (on the mysql release)', () => {
  let webWatch: PodWatch;

  beforeAll(async () => {
    mysqlRelease = await releaseSnapshot('mysql');
    wordpressRelease = await releaseSnapshot('wordpress');
    if (tryKubectl(['get', 'namespace', ns]).status === 0) await deleteNamespace(ns); // a run cut short
    webWatch = new PodWatch(ns, webSelector);
    await phase('wordpress Ready (with mysql, applied together)', async () => {
      kubectl(['apply', '-f', mysqlRelease.file]);
      kubectl(['apply', '-f', wordpressRelease.file]);
      await waitJobComplete(ns, jobName(mysqlRelease, 'mysql-secret-generator-'), 180_000);
      await waitJobComplete(ns, jobName(wordpressRelease, `${generator}-`), 180_000);
      for (const n of [0, 1]) await waitPodReady(ns, `mysql-${n}`, 300_000);
      const pod = await waitUntil('a Ready WordPress pod', () => webPods().find((p) =>
        (p.status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')), {
        timeoutMs: 300_000, intervalMs: 1000, diagnose: () => podDiagnostics(ns, webSelector),
      });
      return pod;
    });
  }, 600_000);

  afterAll(async () => {
    webWatch?.stop();
    await phase('wordpress cleanup', () => deleteNamespace(ns));
  }, 300_000);

  test('the wordpress-secret-generator Job, as its own ServiceAccount, creates wordpress-credentials with every key of its spec', () => {
    const job = jobName(wordpressRelease, `${generator}-`);
    const pods = kubectlJson(['-n', ns, 'get', 'pods', '-l', `job-name=${job}`]).items as any[];
    expect(pods.length).toBeGreaterThanOrEqual(1);
    for (const p of pods) expect(p.spec.serviceAccountName).toBe(generator);
    const secret = kubectlJson(['-n', ns, 'get', 'secret', 'wordpress-credentials', '--show-managed-fields']);
    expect(secret.metadata.labels?.['app.kubernetes.io/created-by']).toBe(generator);
    expect(secret.metadata.managedFields.map((f: any) => f.manager)).toEqual(['curl']);
    const wanted = generatorSpec(ns, generator).filter((l) => l[0] === 'wordpress-credentials');
    const data = secretData(ns, 'wordpress-credentials');
    expect(Object.keys(data).sort()).toEqual(wanted.map((l) => l[1]).sort());
    for (const [, key, , length] of wanted) {
      expect({ key, lengthOk: Buffer.from(data[key], 'base64').toString('utf8').length === Number(length) }).toEqual({ key, lengthOk: true });
    }
    expect(kubectl(['-n', ns, 'logs', `job/${job}`])).toMatch(/Secret wordpress-credentials: created with keys/);
  });

  test('the WordPress pod starts on its first try against the mysql release: it waits for mysql-primary.wordpress.svc.cluster.local:3306, then is Ready with no restart', () => {
    const pods = webPods();
    expect(pods.map((p) => p.metadata.name)).toHaveLength(1);
    const pod = pods[0];
    // The only WordPress pod ever created is the one that became Ready.
    const added = webWatch.events.filter((e) => e.type === 'ADDED').map((e) => e.pod);
    expect({ added, events: webWatch.toString() }).toMatchObject({ added: [pod.metadata.name] });
    const restarts = [...pod.status.initContainerStatuses, ...pod.status.containerStatuses].map((c: any) => [c.name, c.restartCount]);
    expect(restarts).toEqual([['volume-permissions', 0], ['copy-wordpress', 0], ['wait-for-database', 0], ['wordpress', 0]]);
    const wait = kubectl(['-n', ns, 'logs', pod.metadata.name, '-c', 'wait-for-database']);
    expect(wait).toMatch(/wait-for-tcp: database mysql-primary\.wordpress\.svc\.cluster\.local:3306 accepts connections/);
  });

  test('the install Job completes where wp-cli exists; in the stand-in wordpress:cli image (no wp) its install container fails only with "wp: command not found" (exit 127)', async () => {
    const job = jobName(wordpressRelease, 'wordpress-install-');
    const outcome = await phase('wordpress install Job', () => waitUntil('the install Job to complete or an install attempt to end', () => {
      const j = kubectlJson(['-n', ns, 'get', 'job', job]);
      if ((j.status?.conditions ?? []).some((c: any) => c.type === 'Complete' && c.status === 'True')) return 'complete';
      return installAttempts().length > 0 ? 'attempted' : undefined;
    }, { timeoutMs: 240_000, diagnose: () => podDiagnostics(ns, installSelector) }));
    if (outcome === 'complete') return;
    const attempts = installAttempts();
    expect(attempts.length).toBeGreaterThan(0);
    // Every attempt that ended failed because the image has no wp, and for no other reason.
    expect(attempts).toEqual(attempts.map(() => ({ exitCode: 127, wpMissing: true })));
    const image = wordpressRelease.objects.find((o) => o.kind === 'Job' && o.metadata.name === job).spec.template.spec.containers[0].image;
    expect(image).toBe('wordpress:cli-2.12.0-php8.3');
  });

  test('without the install Job, WordPress\'s own installer (wp-admin/install.php, through the Service) installs the site for admin with the generated password', async () => {
    const host = siteHost();
    const page = await request(siteUrl('/wp-admin/install.php'), { headers: { Host: host } });
    expect(page.status).toBe(200);
    if (/Already Installed/.test(page.body)) return; // the install Job did it (wp-cli present)
    expect(page.body).toMatch(/name="admin_password"/);
    const answer = await request(siteUrl('/wp-admin/install.php?step=2'), {
      headers: { Host: host },
      form: {
        weblog_title: 'WordPress', user_name: 'admin', admin_password: adminPassword(), admin_password2: adminPassword(),
        admin_email: 'user@example.com', blog_public: '0', Submit: 'Install WordPress', language: '',
      },
      timeoutMs: 120_000,
    });
    expect({ status: answer.status, success: /<h1>Success!<\/h1>/.test(answer.body) }).toEqual({ status: 200, success: true });
    const again = await request(siteUrl('/wp-admin/install.php'), { headers: { Host: host } });
    expect(again.body).toMatch(/Already Installed/);
  });

  test('the site answers HTTP 200 with its front page through the Service\'s cluster IP', async () => {
    const front = await request(siteUrl('/'), { headers: { Host: siteHost() } });
    expect(front.status).toBe(200);
    expect(front.body).toMatch(/<title>[^<]*WordPress[^<]*<\/title>/);
    expect(front.body).not.toMatch(/Error establishing a database connection/);
  });

  test('admin logs in with the generated password (302 to wp-admin/ with a wordpress_logged_in cookie, then the dashboard); a wrong password gets no cookie', async () => {
    const host = siteHost();
    const login = (pwd: string) => request(siteUrl('/wp-login.php'), {
      headers: { Host: host, Cookie: 'wordpress_test_cookie=WP%20Cookie%20check' },
      form: { log: 'admin', pwd, 'wp-submit': 'Log In', redirect_to: `http://${host}/wp-admin/`, testcookie: '1' },
    });
    const wrong = await login('not-the-password');
    expect(wrong.status).toBe(200);
    expect(wrong.cookieNames.some((n) => n.startsWith('wordpress_logged_in_'))).toBe(false);
    const ok = await login(adminPassword());
    expect({ status: ok.status, location: ok.headers.location, loggedIn: ok.cookieNames.some((n) => n.startsWith('wordpress_logged_in_')) })
      .toEqual({ status: 302, location: `http://${host}/wp-admin/`, loggedIn: true });
    const dashboard = await request(siteUrl('/wp-admin/'), { headers: { Host: host, Cookie: ok.cookies } });
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toMatch(/<title>Dashboard/);
  });

  test('no value of any Secret of the namespace appears in the log of any container (init containers and restarts included)', () => {
    const { checkedLogs, checkedValues, leaks } = leakedSecrets(ns);
    // mysql-credentials (4 keys) and wordpress-credentials (9 keys), and the logs of every pod.
    expect(checkedValues).toBeGreaterThanOrEqual(13);
    expect(checkedLogs).toBeGreaterThanOrEqual(10);
    expect(leaks).toEqual([]);
  });

  test('the namespace carries Pod Security enforce labels and no pod creation in it was refused by PodSecurity', () => {
    const { labels, refusals } = podSecurityFacts(ns);
    expect(labels['pod-security.kubernetes.io/enforce']).toMatch(/^(baseline|restricted)$/);
    expect(refusals).toEqual([]);
  });
});
