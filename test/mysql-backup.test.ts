/**
 * The backup parts of MySQLReplication as synthesized: the CronJobs, the bootstrap init
 * containers, the backup user's env, the NetworkPolicy, the Secret keys, and the synth-time checks.
 */
import { Chart, Testing } from 'cdk8s';
import {
  BackupTarget, IBackupTarget, MySQLEngine, MariaDBVersion, MySQLReplication, MySQLReplicationProps, SecretKeyRef,
} from '../lib';
import { cronProblem } from '../lib/mysql/backup/checks';
import { expectValid, find, Manifest, ofKind, synthChart } from './support/manifests';

const pvc = BackupTarget.persistentVolumeClaim({ claimName: 'backups' });
const s3 = (options: Partial<Parameters<typeof BackupTarget.s3>[0]> = {}): IBackupTarget => BackupTarget.s3({
  endpoint: 'https://s3.eu-central-1.amazonaws.com', bucket: 'db-backups',
  accessKeyId: SecretKeyRef.of('s3', 'id'), secretAccessKey: SecretKeyRef.of('s3', 'secret'), ...options,
});

function synth(props: MySQLReplicationProps): Manifest[] {
  return synthChart(chart => new MySQLReplication(chart, 'db', { engine: MySQLEngine.mariadb(MariaDBVersion.V11_4), ...props }), 'data');
}
function build(props: MySQLReplicationProps): MySQLReplication {
  return new MySQLReplication(new Chart(Testing.app(), 'c', { namespace: 'data' }), 'db', { engine: MySQLEngine.mariadb(MariaDBVersion.V11_4), ...props });
}
const jobPod = (objects: Manifest[], name: string) => find(objects, 'CronJob', name).spec.jobTemplate.spec.template.spec;
const envOf = (c: Manifest) => Object.fromEntries((c.env ?? []).map((e: Manifest) => [e.name, e.value ?? e.valueFrom]));
const names = (cs: Manifest[] | undefined) => (cs ?? []).map((c) => c.name);

describe('backup to a PVC, with a drill', () => {
  const repl = build({ backup: { schedule: '0 3 * * *', target: pvc }, drill: { schedule: '0 5 * * 0', tables: ['app.items'] } });
  const objects = synth({ backup: { schedule: '0 3 * * *', target: pvc }, drill: { schedule: '0 5 * * 0', tables: ['app.items'] } });

  test('is strictly valid', () => expectValid(objects));

  test('the backup CronJob: Forbid, no retries, from the highest ordinal over the clone port, into <claim>/<name>, keeping 7', () => {
    const cron = find(objects, 'CronJob', 'db-backup');
    expect(cron.spec).toMatchObject({ schedule: '0 3 * * *', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { backoffLimit: 0 } } });
    const pod = jobPod(objects, 'db-backup');
    expect(pod.restartPolicy).toBe('Never');
    expect(names(pod.containers)).toEqual(['backup']);
    expect(pod.containers[0].command).toEqual(['bash', '/scripts/backup.sh']);
    expect(envOf(pod.containers[0])).toMatchObject({
      MYSQL_FLAVOR: 'mariadb', MYSQL_VERSION: '11.4', BACKUP_SOURCE_HOST: 'db-2.db', CLONE_PORT: '3307',
      BACKUP_REPO_DIR: '/backups/db', BACKUP_NAME_PREFIX: 'db', BACKUP_APPLY_RETENTION: 'yes', RETENTION_COUNT: '7', RETENTION_MAX_AGE_DAYS: undefined, // set and empty: the name alone
    });
    // Written (read-write) without `readOnly: false`, which the server drops: a re-apply is `unchanged`.
    expect(pod.volumes).toContainEqual({ name: 'backup-repo', persistentVolumeClaim: { claimName: 'backups' } });
    // Pod Security `restricted` refuses a pod without a seccomp profile: the Job's pod would not be created.
    expect(pod.securityContext).toEqual({
      runAsUser: 999, runAsGroup: 999, runAsNonRoot: true, fsGroup: 999, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.volumes).toContainEqual({ name: 'scripts', configMap: { name: 'db-scripts', defaultMode: 0o555 } });
  });

  test('the Job pods are not selected by the cluster\'s Services, and the NetworkPolicy admits them to the clone port only', () => {
    const labels = find(objects, 'CronJob', 'db-backup').spec.jobTemplate.spec.template.metadata.labels;
    const selector = find(objects, 'Service', 'db-read').spec.selector;
    expect(Object.entries(selector).every(([k, v]) => labels[k] === v)).toBe(false);
    const policy = find(objects, 'NetworkPolicy', 'db');
    expect(policy.spec.ingress[1].from).toEqual([{ podSelector: { matchLabels: find(objects, 'StatefulSet', 'db').spec.selector.matchLabels } },
      { podSelector: { matchLabels: labels } }]);
    expect(policy.spec.ingress[1].ports).toEqual([{ protocol: 'TCP', port: 3307 }]);
  });

  test('the backup user: create-users.sh (database container) and the sidecar get BACKUP_USER and its password by reference', () => {
    const sts = find(objects, 'StatefulSet', 'db').spec.template.spec;
    for (const c of sts.containers.filter((x: Manifest) => ['mariadb', 'backup'].includes(x.name))) {
      expect(envOf(c)).toMatchObject({ BACKUP_USER: 'backup', BACKUP_PASSWORD: { secretKeyRef: { name: 'db-credentials', key: 'backup-password' } } });
    }
    expect(repl.generatedSecrets.map(k => k.key)).toContain('backup-password');
    expect(Object.keys(find(objects, 'ConfigMap', 'db-scripts').data)).toEqual(expect.arrayContaining(['backup.sh', 'restore.sh', 'drill.sh', 's3.sh', 'xbstream-extract.pl', 'common.sh']));
  });

  test('the drill: restore (backup image) into a scratch emptyDir, then drill.sh in the server image, the claim read-only', () => {
    const pod = jobPod(objects, 'db-restore-drill');
    expect(names(pod.initContainers)).toEqual(['restore']);
    expect(pod.initContainers[0].command).toEqual(['bash', '/scripts/restore.sh', 'scratch']);
    expect(names(pod.containers)).toEqual(['drill']);
    expect(pod.containers[0].image).toBe('mariadb:11.4.8');
    expect(envOf(pod.containers[0])).toMatchObject({ DRILL_TABLES: 'app.items', BACKUP_REPO_DIR: '/backups/db', DATA_DIR: '/var/lib/mysql' });
    expect(pod.volumes).toContainEqual({ name: 'backup-repo', persistentVolumeClaim: { claimName: 'backups', readOnly: true } });
    expect(pod.volumes).toContainEqual({ name: 'scratch', emptyDir: {} });
  });

  test('without backup props nothing changes: no CronJob, no backup scripts, no backup env', () => {
    const plain = synth({});
    expect(ofKind(plain, 'CronJob')).toEqual([]);
    expect(Object.keys(find(plain, 'ConfigMap', 'db-scripts').data)).not.toContain('backup.sh');
    const sts = find(plain, 'StatefulSet', 'db').spec.template.spec;
    expect(sts.containers.flatMap((c: Manifest) => Object.keys(envOf(c)))).not.toContain('BACKUP_USER');
  });
});

describe('S3 target and bootstrap', () => {
  test('backup to S3: backup.sh stages in an emptyDir, s3.sh push uploads it with the keys by reference', () => {
    const objects = synth({ replicas: 1, backup: { schedule: '@daily', target: s3({ prefix: 'prod/db' }), retention: { maxAgeDays: 14 } } });
    expectValid(objects);
    const pod = jobPod(objects, 'db-backup');
    expect(names(pod.initContainers)).toEqual(['backup']);
    expect(envOf(pod.initContainers[0])).toMatchObject({ BACKUP_SOURCE_HOST: 'db-0.db', BACKUP_APPLY_RETENTION: 'no', BACKUP_REPO_DIR: '/work/repo' });
    expect(names(pod.containers)).toEqual(['upload']);
    expect(pod.containers[0].image).toBe('buildpack-deps:bookworm-curl');
    expect(envOf(pod.containers[0])).toMatchObject({
      S3_ENDPOINT: 'https://s3.eu-central-1.amazonaws.com', S3_BUCKET: 'db-backups', S3_PREFIX: 'prod/db', S3_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: { secretKeyRef: { name: 's3', key: 'id' } }, AWS_SECRET_ACCESS_KEY: { secretKeyRef: { name: 's3', key: 'secret' } },
      RETENTION_COUNT: undefined, RETENTION_MAX_AGE_DAYS: '14', // RETENTION_COUNT set and empty: the name alone
    });
  });

  test('bootstrapFrom S3: restore-fetch (reads the data dir to skip) and restore run between init-config and clone', () => {
    const objects = synth({ bootstrapFrom: { target: s3({ prefix: 'old' }), backup: 'old-20260101T030000Z', newCluster: true } });
    expectValid(objects);
    const sts = find(objects, 'StatefulSet', 'db').spec.template.spec;
    expect(names(sts.initContainers)).toEqual(['init-config', 'restore-fetch', 'restore', 'clone']);
    const [fetch, restore] = sts.initContainers.slice(1, 3);
    expect(fetch.command).toEqual(['bash', '/scripts/s3.sh', 'fetch']);
    expect(envOf(fetch)).toMatchObject({ FETCH_FOR: 'bootstrap', RESTORE_BACKUP: 'old-20260101T030000Z', S3_PREFIX: 'old' });
    expect(fetch.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/mysql', subPath: 'mysql', readOnly: true });
    expect(restore.command).toEqual(['bash', '/scripts/restore.sh', 'bootstrap']);
    expect(envOf(restore)).toMatchObject({ BACKUP_REPO_DIR: '/work/repo', DATA_DIR: '/var/lib/mysql', MYSQL_VERSION: '11.4' });
    expect(sts.volumes).toContainEqual({ name: 'restore-repo', emptyDir: {} });
  });

  test('bootstrapFrom a PVC: one restore container reading <claim>/<path> read-only', () => {
    const objects = synth({ bootstrapFrom: { target: BackupTarget.persistentVolumeClaim({ claimName: 'nfs', path: 'old-db' }), newCluster: true } });
    const sts = find(objects, 'StatefulSet', 'db').spec.template.spec;
    expect(names(sts.initContainers)).toEqual(['init-config', 'restore', 'clone']);
    expect(envOf(sts.initContainers[1])).toMatchObject({ BACKUP_REPO_DIR: '/backups/old-db', RESTORE_BACKUP: 'latest' });
    expect(sts.volumes).toContainEqual({ name: 'restore-repo', persistentVolumeClaim: { claimName: 'nfs', readOnly: true } });
  });
});

describe('synth-time checks', () => {
  const backup = (o: object) => ({ backup: { schedule: '0 3 * * *', target: pvc, ...o } });
  const cases: [string, MySQLReplicationProps, RegExp][] = [
    ['a schedule that is not a cron expression', backup({ schedule: 'every night' }), /c\/db\/backups: backup.schedule "every night" is invalid: must be a cron expression .*5 fields/],
    ['a cron field out of range', backup({ schedule: '0 25 * * *' }), /hour field "25" is outside 0-23/],
    ['retention count 0', backup({ retention: { count: 0 } }), /backup.retention.count 0 is invalid: must be at least 1/],
    ['retention maxAgeDays 0', backup({ retention: { maxAgeDays: 0 } }), /backup.retention.maxAgeDays 0 is invalid/],
    ['empty retention', backup({ retention: {} }), /backup.retention \{\} is invalid: must set count or maxAgeDays/],
    ['an S3 endpoint without scheme', backup({ target: s3({ endpoint: 's3.example.com' }) }), /backup.target.s3.endpoint "s3.example.com" is invalid: must be a URL with a scheme/],
    ['http while TLS is on', backup({ target: s3({ endpoint: 'http://minio:9000' }) }), /must be https:\/\/ while tls is on/],
    ['a PVC and an S3 target both', backup({ target: { ...pvc, ...s3() } }), /backup.target .* is invalid: must be one target/],
    ['no target', backup({ target: {} }), /must be BackupTarget.persistentVolumeClaim/],
    ['a source ordinal past the members', backup({ sourceOrdinal: 3 }), /backup.sourceOrdinal 3 is invalid: must be between 0 and 2/],
    ['a drill without backups', { drill: { schedule: '@weekly' } }, /drill .* is invalid: needs backup/],
    ['a drill table that is not db.table', { ...backup({}), drill: { schedule: '@weekly', tables: ['items'] } }, /drill.tables\[0\] "items"/],
    ['bootstrapFrom on a cluster that may have data', { bootstrapFrom: { target: pvc, newCluster: false } }, /bootstrapFrom.newCluster false is invalid: must be true/],
    ['a bad backup name', { bootstrapFrom: { target: pvc, backup: 'yesterday', newCluster: true } }, /bootstrapFrom.backup "yesterday" is invalid/],
    ['an S3 key given as a literal', backup({ target: s3({ secretAccessKey: 'hunter2' as unknown as SecretKeyRef }) }), /secretAccessKey "\(a string, not shown\)" is invalid/],
  ];
  test.each(cases)('%s', (_, props, message) => expect(() => build({ replicas: 3, ...props })).toThrow(message));

  test('cron expressions the controller accepts', () => {
    for (const ok of ['0 3 * * *', '*/15 * * * *', '0 2 1-7 * MON', '30 4 * JAN,JUL 0-6/2', '@daily', '@hourly']) expect(cronProblem(ok)).toBeUndefined();
  });

  test.each([
    ['0 3 * *', 'must have 5 fields (minute hour day-of-month month day-of-week), it has 4'],
    ['60 * * * *', 'minute field "60" is outside 0-59'],
    ['* * 0 * *', 'day of month field "0" is outside 1-31'],
    ['*/0 * * * *', 'minute field "*/0" has a step of 0'],
    ['5-1 * * * *', 'minute field "5-1" has a range that runs backwards'],
    ['@sometimes', 'unknown macro (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)'],
  ])('a cron expression the controller refuses: %s', (bad, problem) => {
    expect(cronProblem(bad)).toBe(problem);
  });
});
