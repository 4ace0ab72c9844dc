/**
 * The mysql release (dist/0001-mysql.k8s.yaml: MariaDB primary + replica in `wordpress`, the
 * Secret generator Job, the backup CronJob) on the real node: credentials made in the cluster once,
 * ordered start, replicas cloned from ordinal - 1, replication, read-only replicas, a replica
 * deleted and a third member added, a backup restored by the library's drill, and not one row lost.
 *
 * SQL runs inside the pods with the password from the container's env (support/db.ts); no Secret
 * value is ever printed, put in an argument list or in a title.
 */
import { deleteNamespace, generatorSpec, podSecurityFacts, releaseSnapshot, ReleaseSnapshot, replicaStatus, secretData, secretHashes, sql, trySql } from '../support/db';
import { getPod, kubectl, kubectlJson, tryKubectl, waitJobComplete, waitPodReady, waitUntil } from '../support/kube';
import { phase } from '../support/report';
import { PodWatch } from '../support/watch';

const ns = 'wordpress';
const selector = 'app.kubernetes.io/component=database,app.kubernetes.io/instance=mysql';
const generator = 'mysql-secret-generator';
const table = 'wordpress.e2e_rows';

/** The release files, copied aside once (beforeAll). */
let mysqlRelease: ReleaseSnapshot;
let wordpressRelease: ReleaseSnapshot;

/** The host WordPress writes to: WORDPRESS_DB_HOST of the wordpress release's Deployment. */
function writeHost(): string {
  const deployment = wordpressRelease.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'wordpress');
  const env = deployment.spec.template.spec.containers.find((c: any) => c.name === 'wordpress').env as any[];
  return String(env.find((e) => e.name === 'WORDPRESS_DB_HOST').value).replace(/:\d+$/, '');
}

/** Rows written so far, all through the write endpoint: every member must end up with exactly these. */
let written = 0;

/** Writes n rows labelled `step` through the write endpoint as the application user (from mysql-0's container). */
function writeRows(step: string, n: number): void {
  const values = Array.from({ length: n }, (_, i) => `('${step}', ${i}, SHA2('${step}-${i}', 256))`).join(',');
  sql(ns, 'mysql-0', `INSERT INTO ${table} (step, n, payload) VALUES ${values};`, { user: 'app', host: writeHost() });
  written += n;
}

/** Row count, highest id and CHECKSUM TABLE of the test table on one member. */
function tableState(pod: string): { rows: number; maxId: number; checksum: string } {
  const [rows, maxId] = sql(ns, pod, `SELECT COUNT(*), COALESCE(MAX(id), 0) FROM ${table};`).split('\t').map(Number);
  const checksum = sql(ns, pod, `CHECKSUM TABLE ${table};`).split('\t')[1];
  return { rows, maxId, checksum };
}

/** Waits until a member holds every row written so far; returns its state. */
async function caughtUp(pod: string, timeoutMs = 120_000) {
  return waitUntil(`${pod} to hold all ${written} rows`, () => {
    const s = tableState(pod);
    return s.rows === written ? s : undefined;
  }, { timeoutMs, intervalMs: 1000, diagnose: () => JSON.stringify(replicaStatus(ns, pod)) });
}

function logs(pod: string, container: string): string {
  return kubectl(['-n', ns, 'logs', pod, '-c', container]);
}

function members(): string[] {
  return (kubectlJson(['-n', ns, 'get', 'pods', '-l', selector]).items as any[]).map((p) => p.metadata.name).sort();
}

function generatorJobName(): string {
  const job = mysqlRelease.objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith(`${generator}-`));
  return job.metadata.name;
}

describe('mysql (MariaDB primary + replica, credentials, backups)', () => {
  let startWatch: PodWatch;

  beforeAll(async () => {
    mysqlRelease = await releaseSnapshot('mysql');
    wordpressRelease = await releaseSnapshot('wordpress');
    if (tryKubectl(['get', 'namespace', ns]).status === 0) await deleteNamespace(ns); // a run cut short
    startWatch = new PodWatch(ns, selector);
    await phase('mysql Ready', async () => {
      kubectl(['apply', '-f', mysqlRelease.file]);
      await waitJobComplete(ns, generatorJobName(), 180_000);
      for (const n of [0, 1]) await waitPodReady(ns, `mysql-${n}`, 300_000);
    });
    startWatch.stop();
  }, 600_000);

  afterAll(async () => {
    startWatch?.stop();
    await phase('mysql cleanup', () => deleteNamespace(ns));
  }, 300_000);

  test('the mysql-secret-generator Job, as its own ServiceAccount, creates mysql-credentials with every key of its spec through the API', () => {
    const job = generatorJobName();
    const pods = kubectlJson(['-n', ns, 'get', 'pods', '-l', `job-name=${job}`]).items as any[];
    expect(pods.length).toBeGreaterThanOrEqual(1);
    for (const p of pods) expect(p.spec.serviceAccountName).toBe(generator);
    const secret = kubectlJson(['-n', ns, 'get', 'secret', 'mysql-credentials', '--show-managed-fields']);
    expect(secret.metadata.labels?.['app.kubernetes.io/created-by']).toBe(generator);
    // Written by the Job's curl against the API (field manager "curl"), not by kubectl.
    expect(secret.metadata.managedFields.map((f: any) => f.manager)).toEqual(['curl']);
    const wanted = generatorSpec(ns, generator).filter((l) => l[0] === 'mysql-credentials');
    const data = secretData(ns, 'mysql-credentials');
    expect(Object.keys(data).sort()).toEqual(wanted.map((l) => l[1]).sort());
    for (const [, key, shape, length, alphabet] of wanted) {
      const value = Buffer.from(data[key], 'base64').toString('utf8');
      // Compared as booleans: a failure shows which key, never the value.
      expect({ key, shape, lengthOk: value.length === Number(length), alphabetOk: [...value].every((c) => alphabet.includes(c)) })
        .toEqual({ key, shape: 'random', lengthOk: true, alphabetOk: true });
    }
    const log = kubectl(['-n', ns, 'logs', `job/${job}`]);
    expect(log).toMatch(/Secret mysql-credentials: created with keys/);
    // The Role grants exactly create, and get/patch on this Secret only.
    const can = (verb: string, what: string) => tryKubectl(['-n', ns, 'auth', 'can-i', verb, what, `--as=system:serviceaccount:${ns}:${generator}`]).stdout.trim();
    expect({ getOwn: can('get', 'secret/mysql-credentials'), getOther: can('get', 'secret/wordpress-credentials'), list: can('list', 'secrets'), remove: can('delete', 'secret/mysql-credentials') })
      .toEqual({ getOwn: 'yes', getOther: 'no', list: 'no', remove: 'no' });
  });

  test('a second run of the generator Job (the completed Job deleted, the release re-applied) completes and changes no value', async () => {
    const job = generatorJobName();
    const before = secretHashes(ns, 'mysql-credentials');
    const firstPods = (kubectlJson(['-n', ns, 'get', 'pods', '-l', `job-name=${job}`]).items as any[]).map((p) => p.metadata.uid);
    await phase('mysql secret generator second run', async () => {
      kubectl(['-n', ns, 'delete', 'job', job, '--wait=true', '--cascade=foreground', '--timeout=60s']);
      kubectl(['apply', '-f', mysqlRelease.file]);
      await waitJobComplete(ns, job, 180_000);
    });
    const secondPods = (kubectlJson(['-n', ns, 'get', 'pods', '-l', `job-name=${job}`]).items as any[]).map((p) => p.metadata.uid);
    expect(secondPods.length).toBeGreaterThanOrEqual(1);
    expect(secondPods.filter((uid) => firstPods.includes(uid))).toEqual([]);
    const keys = generatorSpec(ns, generator).filter((l) => l[0] === 'mysql-credentials').length;
    expect(kubectl(['-n', ns, 'logs', `job/${job}`])).toContain(`Secret mysql-credentials: has all ${keys} keys; nothing to change`);
    expect(secretHashes(ns, 'mysql-credentials')).toEqual(before);
  });

  test('mysql-0 is Ready before mysql-1 is created (OrderedReady start)', () => {
    const ready0 = startWatch.firstReady('mysql-0');
    const added1 = startWatch.added('mysql-1');
    expect({ ready0: ready0 >= 0, added1: added1 >= 0, mysql1AfterMysql0Ready: added1 > ready0, events: startWatch.toString() })
      .toMatchObject({ ready0: true, added1: true, mysql1AfterMysql0Ready: true });
  });

  test('mysql-0 starts as the primary without cloning; mysql-1 is cloned from mysql-0 and replicates from it by GTID', () => {
    expect(logs('mysql-0', 'clone')).toMatch(/ordinal 0 is the declared primary; nothing to clone/);
    const clone = logs('mysql-1', 'clone');
    expect(clone).toMatch(/receiving backup from mysql-0\.mysql:3307/);
    expect(clone).toMatch(/clone from mysql-0\.mysql complete/);
    const sidecar = logs('mysql-1', 'backup');
    expect(sidecar).toMatch(/replication coordinates from mariadb_backup_binlog_info/);
    expect(sidecar).toMatch(/replication configured and started/);
    const status = replicaStatus(ns, 'mysql-1');
    expect({ host: status.Master_Host, io: status.Slave_IO_Running, sql: status.Slave_SQL_Running, gtid: status.Using_Gtid })
      .toEqual({ host: 'mysql-0.mysql', io: 'Yes', sql: 'Yes', gtid: 'Slave_Pos' });
    expect(sql(ns, 'mysql-0', 'SELECT @@read_only;')).toBe('0');
    expect(sql(ns, 'mysql-1', 'SELECT @@read_only;')).toBe('1');
  });

  test('rows written as the app user through WordPress\'s DB host (the write Service mysql-primary.wordpress.svc.cluster.local) appear on every replica', async () => {
    expect(writeHost()).toBe('mysql-primary.wordpress.svc.cluster.local');
    sql(ns, 'mysql-0', `CREATE TABLE ${table} (id INT AUTO_INCREMENT PRIMARY KEY, step VARCHAR(32) NOT NULL, n INT NOT NULL, payload CHAR(64) NOT NULL);`,
      { user: 'app', host: writeHost() });
    writeRows('initial', 200);
    const primary = tableState('mysql-0');
    expect(primary).toMatchObject({ rows: written, maxId: written });
    expect(await caughtUp('mysql-1')).toEqual(primary);
  });

  test('the replica refuses writes: the app user\'s INSERT on mysql-1 fails with ERROR 1290 (--read-only)', async () => {
    const r = trySql(ns, 'mysql-1', `INSERT INTO ${table} (step, n, payload) VALUES ('must-fail', 0, '');`, { user: 'app' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ERROR 1290 .*--read-only/);
    expect(tableState('mysql-1').rows).toBe(written);
    expect(tableState('mysql-0').rows).toBe(written);
  });

  test('mysql-1, deleted, stops within 20 s, comes back with its data (no new clone), resumes replication and catches up with rows written meanwhile', async () => {
    const oldUid = getPod(ns, 'mysql-1').metadata.uid;
    let stoppedAfter = 0;
    await phase('mysql replica restart', async () => {
      const start = Date.now();
      kubectl(['-n', ns, 'delete', 'pod', 'mysql-1', '--wait=false']);
      writeRows('while-mysql-1-deleted', 100);
      await waitUntil('the old mysql-1 gone', () => getPod(ns, 'mysql-1')?.metadata.uid !== oldUid, { timeoutMs: 120_000, intervalMs: 250 });
      stoppedAfter = (Date.now() - start) / 1000;
      await waitPodReady(ns, 'mysql-1', 300_000);
    });
    // Its grace period is 60 s: a container that ignores SIGTERM (PID 1 without a handler) waits it out.
    expect(stoppedAfter).toBeLessThan(20);
    writeRows('after-mysql-1-back', 50);
    expect(logs('mysql-1', 'clone')).toMatch(/data already present in \/var\/lib\/mysql \(mysql\/ exists\); skipping clone/);
    expect(logs('mysql-1', 'backup')).toMatch(/replication was configured before/);
    expect(await caughtUp('mysql-1')).toEqual(tableState('mysql-0'));
    const status = replicaStatus(ns, 'mysql-1');
    expect({ io: status.Slave_IO_Running, sql: status.Slave_SQL_Running }).toEqual({ io: 'Yes', sql: 'Yes' });
  });

  test('scaled to 3, mysql-2 is cloned from mysql-1 (a replica) and catches up with rows written during its start; scaled back to 2, it goes', async () => {
    const watch = new PodWatch(ns, selector);
    try {
      await phase('mysql scale to 3', async () => {
        kubectl(['-n', ns, 'scale', 'statefulset', 'mysql', '--replicas=3']);
        await waitUntil('mysql-2 created', () => getPod(ns, 'mysql-2') !== undefined, { timeoutMs: 60_000 });
        writeRows('while-mysql-2-starts', 100);
        await waitPodReady(ns, 'mysql-2', 300_000);
      });
      writeRows('after-mysql-2-ready', 50);
      const clone = logs('mysql-2', 'clone');
      expect(clone).toMatch(/receiving backup from mysql-1\.mysql:3307/);
      expect(clone).toMatch(/clone from mysql-1\.mysql complete/);
      // Cloned from a replica: the primary's coordinates come from the donor's slave info.
      expect(logs('mysql-2', 'backup')).toMatch(/replication coordinates from mariadb_backup_slave_info/);
      const status = replicaStatus(ns, 'mysql-2');
      expect({ host: status.Master_Host, io: status.Slave_IO_Running, sql: status.Slave_SQL_Running }).toEqual({ host: 'mysql-0.mysql', io: 'Yes', sql: 'Yes' });
      const primary = tableState('mysql-0');
      expect(await caughtUp('mysql-2')).toEqual(primary);
      expect(await caughtUp('mysql-1')).toEqual(primary);
      expect(sql(ns, 'mysql-2', 'SELECT @@read_only;')).toBe('1');
    } finally {
      await phase('mysql scale back to 2', async () => {
        kubectl(['-n', ns, 'scale', 'statefulset', 'mysql', '--replicas=2']);
        await waitUntil('mysql-2 gone', () => getPod(ns, 'mysql-2') === undefined, { timeoutMs: 120_000, intervalMs: 250 });
      });
      await waitUntil('the watch to see mysql-2 deleted', () => watch.deleted('mysql-2') >= 0, { timeoutMs: 10_000 }).catch(() => undefined);
      watch.stop();
    }
    expect(members()).toEqual(['mysql-0', 'mysql-1']);
    expect({ mysql2DeletedAfterReady: watch.deleted('mysql-2') > watch.firstReady('mysql-2'), events: watch.toString() })
      .toMatchObject({ mysql2DeletedAfterReady: true });
  });

  let backupName = '';
  let atBackup = { rows: 0, maxId: 0, checksum: '' };

  test('the backup CronJob, started by hand, stores a complete backup of mysql-1 holding every row written so far', async () => {
    writeRows('before-backup', 50);
    atBackup = tableState('mysql-0');
    expect(await caughtUp('mysql-1')).toEqual(atBackup);
    await phase('mysql backup', async () => {
      kubectl(['-n', ns, 'create', 'job', '--from=cronjob/mysql-backup', 'e2e-backup']);
      await waitJobComplete(ns, 'e2e-backup', 300_000);
    });
    const log = kubectl(['-n', ns, 'logs', 'job/e2e-backup']);
    expect(log).toMatch(/receiving a backup of mysql-1\.mysql:3307/);
    const done = /backup (mysql-\d{8}T\d{6}Z) complete: (\d+) bytes, sha256 ([0-9a-f]{64})/.exec(log);
    expect(done).not.toBeNull();
    backupName = done![1];
    expect(Number(done![2])).toBeGreaterThan(0);
  });

  test('the release\'s restore drill restores that backup: CHECK TABLE OK, same row count and CHECKSUM TABLE as mysql-0', async () => {
    expect(backupName).not.toBe('');
    // The release's own weekly drill, started by hand like the backup.
    expect(mysqlRelease.objects.some((o) => o.kind === 'CronJob' && o.metadata.name === 'mysql-restore-drill')).toBe(true);
    await phase('mysql restore drill', async () => {
      kubectl(['-n', ns, 'create', 'job', '--from=cronjob/mysql-restore-drill', 'e2e-drill']);
      await waitJobComplete(ns, 'e2e-drill', 300_000);
    });
    const log = kubectl(['-n', ns, 'logs', 'job/e2e-drill', '-c', 'drill']);
    expect(log).toMatch(new RegExp(`drill PASSED: backup ${backupName} `));
    const reported = new RegExp(`${table.replace('.', '\\.')}: check OK, rows (\\d+), checksum (\\d+)`).exec(log);
    expect(reported).not.toBeNull();
    expect({ rows: Number(reported![1]), checksum: reported![2] }).toEqual({ rows: atBackup.rows, checksum: atBackup.checksum });
  });

  test('no row was lost: mysql-0 and mysql-1 each hold every row written through all the steps, with equal checksums', async () => {
    const primary = tableState('mysql-0');
    expect(primary).toMatchObject({ rows: written, maxId: written });
    expect(await caughtUp('mysql-1')).toEqual(primary);
    const steps = sql(ns, 'mysql-0', `SELECT step, COUNT(*) FROM ${table} GROUP BY step ORDER BY MIN(id);`);
    expect(steps.split('\n').map((l) => l.split('\t'))).toEqual([
      ['initial', '200'], ['while-mysql-1-deleted', '100'], ['after-mysql-1-back', '50'],
      ['while-mysql-2-starts', '100'], ['after-mysql-2-ready', '50'], ['before-backup', '50'],
    ]);
  });

  test('the namespace carries Pod Security enforce labels and no pod creation in it was refused by PodSecurity', () => {
    const { labels, refusals } = podSecurityFacts(ns);
    expect(labels['pod-security.kubernetes.io/enforce']).toMatch(/^(baseline|restricted)$/);
    expect(refusals).toEqual([]);
  });
});
