/**
 * End to end: backups of a MySQLReplication, proven by restoring them, with real servers
 * (Debian's mariadbd, mariadb-backup, ncat, curl) and a real S3-compatible server (s3rver) on
 * loopback.
 *
 * Every container runs the command and env of the synthesized objects: the cluster's pods
 * (test/e2e/pod.ts) and the CronJobs' Jobs (test/e2e/job.ts); a claim of the backup target is a
 * directory. Three clusters run side by side, each on its own loopback network (127.x.y.1<ordinal>),
 * picked at random where its ports are free as in the replication test (freeAddressPrefix, test/e2e/pod.ts):
 * - `db` (3 members, backups from its highest ordinal to a PVC, a restore drill);
 * - `restored` (2 members), bootstrapped from db's latest backup on the PVC;
 * - `from-s3` (1 member), bootstrapped from a backup of db in S3.
 *
 * Needs mariadb-server, mariadb-backup, mariadb-client, ncat, perl and curl; without them the
 * test fails (it is never skipped). Set BACKUP_E2E_KEEP_DIRS=1 to keep the directories.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { BackupTarget, IBackupTarget, MySQLEngine, MariaDBVersion, MySQLReplication, MySQLReplicationProps, SecretKeyRef } from '../lib';
import { EmulatedJob } from './e2e/job';
import { EmulatedCluster, EmulatedPod, freeAddressPrefix } from './e2e/pod';
import { installExitGuard, killAllGroups, removeOnExit, sleep, waitUntil } from './e2e/processes';
import { Manifest, synthChart } from './support/manifests';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver: new (options: object) => { run(): Promise<{ port: number }>; close(): Promise<void> } = require('s3rver');

const KEEP = !!process.env.BACKUP_E2E_KEEP_DIRS;
const S3_SECRET = 's3-credentials';
const S3_KEYS = { [`${S3_SECRET}/access-key-id`]: 'S3RVER', [`${S3_SECRET}/secret-access-key`]: 'S3RVER' };
const s3Target = (endpoint: string, prefix: string): IBackupTarget => BackupTarget.s3({
  endpoint, bucket: 'backups', prefix, tls: false,
  accessKeyId: SecretKeyRef.of(S3_SECRET, 'access-key-id'), secretAccessKey: SecretKeyRef.of(S3_SECRET, 'secret-access-key'),
});

const COMMON: MySQLReplicationProps = {
  engine: MySQLEngine.mariadb(MariaDBVersion.V10_11), replicationMode: 'gtid', database: { name: 'app', user: 'app' }, secretName: 'db-credentials',
};

function objectsOf(name: string, props: MySQLReplicationProps): Manifest[] {
  return synthChart((chart: Chart) => { new MySQLReplication(chart, name, { ...COMMON, ...props }); });
}

function cluster(objects: Manifest[], name: string, root: string, prefix: string, claims: Record<string, string>,
  secretsFrom?: EmulatedCluster): EmulatedCluster {
  return new EmulatedCluster({
    objects, statefulSet: name, root: path.join(root, name), serverDataDir: '/var/lib/mysql', serverConfDir: '/etc/mysql/conf.d',
    mainContainer: 'mariadb', sidecarContainer: 'backup', port: 3306, addressPrefix: prefix, claims, secretValues: S3_KEYS, secretsFrom,
  });
}

/** Key=value lines of a manifest. */
function manifest(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readFileSync(path.join(dir, 'manifest'), 'utf8').trim().split('\n').map((l) => {
    const i = l.indexOf('=');
    return [l.slice(0, i), l.slice(i + 1)];
  }));
}

/** Good backups (directories with a manifest) in a repository, oldest first. */
function goodBackups(repo: string): string[] {
  return fs.existsSync(repo) ? fs.readdirSync(repo).filter((n) => fs.existsSync(path.join(repo, n, 'manifest'))).sort() : [];
}

describe('MySQLReplication backups on real MariaDB servers', () => {
  let root: string;
  let s3: InstanceType<typeof S3rver> | undefined;
  let removeGuard: (() => void) | undefined;
  let db: EmulatedCluster;
  let restored: EmulatedCluster;
  let fromS3: EmulatedCluster;
  let backupJob: EmulatedJob;
  let drillJob: EmulatedJob;
  let s3BackupJob: EmulatedJob;
  let pvcDir: string;
  let corruptDir: string;
  let failedStep: string | undefined;
  const written: number[] = [];
  let nextId = 1;

  beforeAll(async () => {
    removeGuard = installExitGuard();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-e2e-'));
    removeOnExit(root, !KEEP);
    const prefixes: string[] = [];
    for (let i = 0; i < 3; i++) prefixes.push(await freeAddressPrefix([0, 1, 2], [3306, 3307], prefixes));
    const [dbPrefix, restoredPrefix, s3Prefix] = prefixes;
    s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: path.join(root, 's3'), configureBuckets: [{ name: 'backups' }] });
    const { port } = await s3.run();
    const endpoint = `http://127.0.0.1:${port}`;
    pvcDir = path.join(root, 'nfs');
    corruptDir = path.join(root, 'nfs-corrupt');

    const pvc = BackupTarget.persistentVolumeClaim({ claimName: 'backups' });
    const dbObjects = objectsOf('db', {
      replicas: 3, backup: { schedule: '0 3 * * *', target: pvc, retention: { count: 1 } }, drill: { schedule: '0 5 * * 0', tables: ['app.items'] },
    });
    db = cluster(dbObjects, 'db', root, dbPrefix, { backups: pvcDir });
    backupJob = new EmulatedJob(db, dbObjects, 'db-backup', path.join(root, 'jobs'));
    drillJob = new EmulatedJob(db, dbObjects, 'db-restore-drill', path.join(root, 'jobs'));
    // The same cluster with its backups going to S3: the CronJob of that synth runs against db's members.
    const s3Objects = objectsOf('db', { replicas: 3, backup: { schedule: '0 4 * * *', target: s3Target(endpoint, 'db') } });
    s3BackupJob = new EmulatedJob(db, s3Objects, 'db-backup', path.join(root, 'jobs-s3'));

    const restoredObjects = objectsOf('restored', {
      replicas: 2, bootstrapFrom: { target: BackupTarget.persistentVolumeClaim({ claimName: 'backups', path: 'db' }), newCluster: true },
    });
    restored = cluster(restoredObjects, 'restored', root, restoredPrefix, { backups: pvcDir }, db);
    const fromS3Objects = objectsOf('from-s3', { replicas: 1, bootstrapFrom: { target: s3Target(endpoint, 'db'), newCluster: true } });
    fromS3 = cluster(fromS3Objects, 'from-s3', root, s3Prefix, {}, db);
  });

  afterAll(async () => {
    try {
      await Promise.all([db, restored, fromS3].filter(Boolean).map((c) => c.stopAll()));
      await s3?.close();
    } finally {
      killAllGroups();
      if (!KEEP) fs.rmSync(root, { recursive: true, force: true });
      removeOnExit(root, false);
      removeGuard?.();
    }
  }, 60000);

  const step = (name: string, body: () => Promise<void>, timeoutMs: number) => {
    test(name, async () => {
      if (failedStep) throw new Error(`not run: the earlier step "${failedStep}" failed`);
      try {
        await body();
      } catch (err) {
        failedStep = name;
        throw err;
      }
    }, timeoutMs);
  };

  const root0 = () => db.root();
  const write = async (count: number) => {
    const ids = Array.from({ length: count }, () => nextId++);
    await db.sql.query(db.pod(0).target, db.app(), `INSERT INTO items (id, note) VALUES ${ids.map((i) => `(${i}, 'row ${i}')`).join(', ')};`, 'app');
    written.push(...ids);
  };
  /** Runs `action` while the primary takes a single-row write every ~50 ms. */
  const whileWriting = async <T>(action: () => Promise<T>): Promise<T> => {
    let stop = false;
    const writer = (async () => { while (!stop) { await write(1); await sleep(50); } })();
    try {
      return await action();
    } finally {
      stop = true;
      await writer;
    }
  };
  const value = (c: EmulatedCluster, pod: EmulatedPod, sql: string) => c.sql.value(pod.target, c.root(), sql);
  const ids = async (c: EmulatedCluster, pod: EmulatedPod) =>
    (await c.sql.query(pod.target, c.root(), 'SELECT id FROM app.items ORDER BY id;')).map((r) => Number(r.id));
  const checksum = async (c: EmulatedCluster, pod: EmulatedPod) =>
    (await c.sql.query(pod.target, c.root(), 'CHECKSUM TABLE app.items;'))[0].Checksum;
  const untilSame = (c: EmulatedCluster, pod: EmulatedPod, expected: number[]) => waitUntil(`${pod.name} to have ${expected.length} rows`,
    async () => JSON.stringify(await ids(c, pod)) === JSON.stringify(expected), { timeoutMs: 20000 });

  step('db: a primary and two replicas; the backup user has only what mariadb-backup needs', async () => {
    for (const n of [0, 1, 2]) await db.pod(n).start();
    await db.sql.query(db.pod(0).target, db.app(), 'CREATE TABLE items (id INT PRIMARY KEY, note VARCHAR(64) NOT NULL);', 'app');
    await write(20);
    const grants = await value(db, db.pod(2), "SHOW GRANTS FOR 'backup'@'127.0.0.%';");
    expect(grants).toMatch(/^GRANT RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR, SLAVE MONITOR ON \*\.\* TO `backup`@`127\.0\.0\.%`/);
  }, 90000);

  let backupName = '';
  step('a backup from the highest ordinal while rows are written: complete, with manifest and coordinates; a backup killed halfway never counts, the next succeeds and retention keeps one', async () => {
    // pod-1 stops replicating, so it can later be brought to exactly the backup's GTID position.
    await db.sql.query(db.pod(1).target, root0(), 'STOP SLAVE;');
    const first = await whileWriting(() => backupJob.run());
    expect(first.map((r) => [r.container, r.status])).toEqual([['backup', 'exit status 0']]);
    const repo = path.join(pvcDir, 'db');
    const [firstName] = goodBackups(repo);
    expect(goodBackups(repo)).toEqual([firstName]);
    const m = manifest(path.join(repo, firstName));
    expect(m).toMatchObject({ format: '1', name: firstName, engine: 'mariadb', source_host: db.pod(2).address, binlog_file: expect.stringMatching(/^mysql-bin\.\d+$/) });
    expect(m.server_version).toMatch(/^10\.11\./);
    expect(m.gtid).toMatch(/^0-100-\d+$/);
    expect(m.source_gtid).toBe(m.gtid); // a replica's position in the primary's binlog, at the same point
    expect(Number(m.size)).toBe(fs.statSync(path.join(repo, firstName, 'backup.xbstream')).size);

    // Killed while the stream is being received: a work directory is left, no backup is added.
    await sleep(1100);
    const killed = whileWriting(() => backupJob.run());
    await waitUntil('the second backup to be receiving', () => {
      const incoming = fs.readdirSync(repo).find((n) => n.startsWith('.incoming-'));
      return !!incoming && fs.existsSync(path.join(repo, incoming, 'backup.xbstream'))
        && fs.statSync(path.join(repo, incoming, 'backup.xbstream')).size > 1_000_000;
    }, { timeoutMs: 20000, intervalMs: 20 });
    await backupJob.running!.stop('SIGKILL');
    expect((await killed).map((r) => r.status)).toEqual(['killed by SIGKILL']);
    expect(goodBackups(repo)).toEqual([firstName]);
    expect(fs.readdirSync(repo).filter((n) => n.startsWith('.incoming-'))).toHaveLength(1);

    await sleep(1100);
    const third = await whileWriting(() => backupJob.run());
    expect(third.map((r) => r.status)).toEqual(['exit status 0']);
    expect(third[0].log).toMatch(/removing .*\.incoming-db-\d{8}T\d{6}Z, left by a run that was cut short/);
    expect(third[0].log).toContain(`retention: deleting ${firstName}`);
    [backupName] = goodBackups(repo);
    expect(backupName > firstName).toBe(true);
    expect(fs.readdirSync(repo)).toEqual([backupName]);
  }, 90000);

  step('the restore drill restores the latest backup into a throwaway volume, checks app.items and passes', async () => {
    const r = await drillJob.run();
    expect(r.map((x) => [x.container, x.status])).toEqual([['restore', 'exit status 0'], ['drill', 'exit status 0']]);
    expect(r[0].log).toContain(`restore.sh: checksum verified`);
    expect(r[1].log).toMatch(/drill\.sh: app\.items: check OK, rows \d+, checksum \d+/);
    expect(r[1].log).toContain(`drill.sh: drill PASSED: backup ${backupName}`);
  }, 60000);

  step('a corrupted backup is refused: the restore fails loudly and leaves the data dir empty', async () => {
    fs.cpSync(pvcDir, corruptDir, { recursive: true });
    const stream = path.join(corruptDir, 'db', backupName, 'backup.xbstream');
    const fd = fs.openSync(stream, 'r+');
    fs.writeSync(fd, Buffer.from('corrupt'), 0, 7, Math.floor(fs.statSync(stream).size / 2));
    fs.closeSync(fd);
    const corrupt = cluster(restored.options.objects as Manifest[], 'restored', path.join(root, 'corrupt'), restored.addressPrefix, { backups: corruptDir }, db);
    const r = await corrupt.pod(0).runInitContainers();
    expect(r.map((x) => [x.container, x.code])).toEqual([['init-config', 0], ['restore', 1]]);
    expect(r[1].stderr).toMatch(new RegExp(`restore\\.sh: ERROR: backup ${backupName} is damaged: the sha256 of backup\\.xbstream is [0-9a-f]{64}, the manifest says [0-9a-f]{64}`));
    expect(fs.readdirSync(corrupt.pod(0).layout.dataDir)).toEqual([]);
  }, 60000);

  step('restore into a new primary: its rows are the source\'s at the backup\'s GTID position (0 rows lost); a replica of it clones and replicates', async () => {
    const m = manifest(path.join(pvcDir, 'db', backupName));
    const r0 = restored.pod(0);
    await r0.start();
    expect(r0.lastInitLog('restore')).toContain(`restore.sh: backup ${backupName} restored into`);
    expect(await value(restored, r0, 'SELECT @@read_only;')).toBe('0');

    // The source at the backup's position: pod-1, stopped before the backup, replicates up to exactly that GTID.
    const p1 = db.pod(1);
    await db.sql.query(p1.target, root0(), `START SLAVE UNTIL master_gtid_pos = '${m.gtid}';`);
    await waitUntil(`${p1.name} to reach ${m.gtid}`, async () => (await value(db, p1, 'SELECT @@gtid_slave_pos;')) === m.gtid, { timeoutMs: 20000 });
    const atBackup = await ids(db, p1);
    expect(atBackup.length).toBeGreaterThan(20);
    expect(await ids(restored, r0)).toEqual(atBackup);
    expect(await checksum(restored, r0)).toBe(await checksum(db, p1));
    expect(atBackup).toEqual(written.slice(0, atBackup.length));

    await restored.sql.query(r0.target, restored.app(), "INSERT INTO items (id, note) VALUES (100001, 'after restore');", 'app');
    const r1 = restored.pod(1);
    await r1.start();
    expect(r1.lastInitLog('restore')).toContain('ordinal 1 is a replica');
    expect(r1.lastInitLog('clone')).toContain(`clone from ${r0.address} complete`);
    await restored.sql.query(r0.target, restored.app(), "INSERT INTO items (id, note) VALUES (100002, 'replicated');", 'app');
    await untilSame(restored, r1, [...atBackup, 100001, 100002]);
    expect(await checksum(restored, r1)).toBe(await checksum(restored, r0));

    // A restart finds the restored data and leaves it alone.
    await r0.stop();
    await r0.start();
    expect(r0.lastInitLog('restore')).toContain(`DATA_DIR was restored from ${backupName} before; nothing to do`);
    await db.sql.query(p1.target, root0(), 'START SLAVE;');
  }, 120000);

  step('through S3 (s3rver, curl --aws-sigv4): a backup is uploaded, manifest last, and a new primary restores it with every row', async () => {
    await write(5);
    const end = written.slice();
    await untilSame(db, db.pod(2), end);
    const r = await s3BackupJob.run();
    expect(r.map((x) => [x.container, x.status])).toEqual([['backup', 'exit status 0'], ['upload', 'exit status 0']]);
    const name = /s3\.sh: backup (db-\d{8}T\d{6}Z) uploaded to s3:\/\/backups\/db\//.exec(r[1].log)?.[1];
    expect(name).toBeDefined();
    const uploads = [...r[1].log.matchAll(/s3\.sh: uploading (\S+)/g)].map((x) => x[1]);
    expect(uploads).toContain(`db/${name}/backup.xbstream`);

    const p0 = fromS3.pod(0);
    await p0.start();
    expect(p0.lastInitLog('restore-fetch')).toContain(`s3.sh: backup ${name} downloaded`);
    expect(p0.lastInitLog('restore')).toContain(`restore.sh: backup ${name} restored into`);
    expect(await ids(fromS3, p0)).toEqual(end);
    expect(await checksum(fromS3, p0)).toBe(await checksum(db, db.pod(0)));
  }, 90000);
});
