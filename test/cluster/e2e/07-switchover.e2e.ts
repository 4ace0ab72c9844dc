/**
 * Planned switchover of a MySQLReplication on the real node: a three-member MariaDB cluster
 * (synthesized here with `primary` declared, in its own namespace), a steady write load through the
 * write Service, the primary moved 0 -> 1 and back 1 -> 0 by applying another `primary`, every
 * acknowledged write on every member afterwards; a switchover to a replica that does not replicate
 * refused with the old primary writable; the Job's pod deleted while the target catches up, leaving
 * one writable primary, and the Job's next pod finishing the switch.
 *
 * Before each apply the finished switchover Jobs are deleted, as the release's prune command (or
 * Helm) does: a Job of the same name that is still there would not run again. The write-refused
 * windows go to the report. SQL runs inside the pods (support/db.ts); no Secret value is printed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { MariaDBVersion, MySQLEngine, MySQLReplication } from '../../../lib';
import { synthChart } from '../../support/manifests';
import { deleteNamespace, replicaStatus, sql, trySql } from '../support/db';
import { kubectl, kubectlJson, tryKubectl, waitJobComplete, waitPodReady, waitUntil } from '../support/kube';
import { phase, recordFigure } from '../support/report';

const ns = 'switchover';
const NAME = 'db';
const MEMBERS = ['db-0', 'db-1', 'db-2'];
const TABLE = 'app.items';
const WRITE_HOST = `${NAME}-primary.${ns}.svc.cluster.local`;
/** The target of the report: writes refused for less than this during a switchover. */
const REFUSED_TARGET_SECONDS = 10;

let tmp: string;

/** The cluster's manifests with `primary` declared. */
function manifests(primary: number): any[] {
  return synthChart((chart) => {
    new MySQLReplication(chart, NAME, {
      engine: MySQLEngine.mariadb(MariaDBVersion.V11_8), replicas: MEMBERS.length, primary,
      database: { name: 'app', user: 'app' }, storage: { size: '1Gi' },
      resources: { requests: { cpu: '100m', memory: '256Mi' } }, backupResources: { requests: { cpu: '10m', memory: '64Mi' } },
      switchover: { catchUpSeconds: 60 },
    });
  }, ns);
}

/** The switchover Job of `objects`. */
function switchoverJob(objects: readonly any[]): string {
  return objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith(`${NAME}-switchover-`)).metadata.name;
}

/** Deletes the finished switchover Jobs (as a prune would), then applies the manifests with `primary`; returns the new Job's name. */
function applyPrimary(primary: number): string {
  tryKubectl(['-n', ns, 'delete', 'job', '-l', 'app.kubernetes.io/component=switchover', '--wait=true', '--timeout=60s']);
  const objects = manifests(primary);
  const file = path.join(tmp, `primary-${primary}.yaml`);
  fs.writeFileSync(file, objects.map((o) => YAML.stringify(o)).join('---\n'));
  kubectl(['apply', '-f', file]);
  return switchoverJob(objects);
}

function readOnly(pod: string): boolean {
  return sql(ns, pod, 'SELECT @@read_only;') === '1';
}

/** Master_Host and thread states of a member ('' when it has no source). */
function source(pod: string): string {
  const s = replicaStatus(ns, pod);
  return s.Master_Host ? `${s.Master_Host} ${s.Slave_IO_Running}/${s.Slave_SQL_Running}` : '';
}

/** Every member's role: `primary` writable with no source, the others read-only replicas of it. */
function roles(): Array<{ pod: string; readOnly: boolean; source: string }> {
  return MEMBERS.map((pod) => ({ pod, readOnly: readOnly(pod), source: source(pod) }));
}

function expectedRoles(primary: number): Array<{ pod: string; readOnly: boolean; source: string }> {
  return MEMBERS.map((pod, n) => ({ pod, readOnly: n !== primary, source: n === primary ? '' : `${NAME}-${primary}.${NAME} Yes/Yes` }));
}

/** Waits until the roles are those of `primary` (a replica just pointed elsewhere may still be connecting), then checks them. */
async function expectRoles(primary: number): Promise<void> {
  const want = JSON.stringify(expectedRoles(primary));
  await waitUntil(`member ${primary} the primary, the others its replicas`, () => JSON.stringify(roles()) === want,
    { timeoutMs: 60_000, intervalMs: 1000, diagnose: () => JSON.stringify(roles()) }).catch(() => undefined);
  expect(roles()).toEqual(expectedRoles(primary));
}

/** The ids of the table on a member. */
function ids(pod: string): Set<number> {
  return new Set(sql(ns, pod, `SELECT id FROM ${TABLE};`).split('\n').filter(Boolean).map(Number));
}

/** The writer pod's log lines: acknowledged ids and refused attempts with their times. */
function writerLog(): { acked: number[]; refused: number[]; lines: number } {
  const lines = kubectl(['-n', ns, 'logs', 'writer']).split('\n').filter(Boolean);
  const acked: number[] = [];
  const refused: number[] = [];
  for (const line of lines) {
    const [what, id, ms] = line.split(' ');
    if (what === 'ok') acked.push(Number(id));
    if (what === 'refused') refused.push(Number(ms));
  }
  return { acked, refused, lines: lines.length };
}

/** The writer pod: support/write-load.sh in the database image, as the app user, through the write Service. */
function startWriter(): void {
  kubectl(['-n', ns, 'create', 'configmap', 'write-load', `--from-file=write-load.sh=${path.join(__dirname, '..', 'support', 'write-load.sh')}`]);
  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'writer', namespace: ns },
    spec: {
      restartPolicy: 'Never',
      securityContext: { runAsUser: 999, runAsGroup: 999, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'writer', image: MariaDBVersion.V11_8.image, command: ['bash', '/load/write-load.sh'],
        env: [
          { name: 'HOST', value: WRITE_HOST }, { name: 'TABLE', value: TABLE }, { name: 'INTERVAL', value: '0.1' },
          { name: 'STOP_FILE', value: '/tmp/stop' }, { name: 'MYSQL_USER', value: 'app' },
          { name: 'MYSQL_PWD', valueFrom: { secretKeyRef: { name: `${NAME}-credentials`, key: 'password' } } },
        ],
        volumeMounts: [{ name: 'load', mountPath: '/load', readOnly: true }],
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      }],
      volumes: [{ name: 'load', configMap: { name: 'write-load' } }],
    },
  };
  kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) });
}

/** Waits until the writer has `n` more acknowledged writes than now. */
async function moreAcked(n: number): Promise<void> {
  const target = writerLog().acked.length + n;
  await waitUntil(`${n} more writes acknowledged through ${WRITE_HOST}`, () => writerLog().acked.length >= target,
    { timeoutMs: 120_000, intervalMs: 1000, diagnose: () => kubectl(['-n', ns, 'logs', 'writer', '--tail=20']) });
}

/** Waits until every member holds every acknowledged id; returns how many. */
async function everyAckedEverywhere(acked: readonly number[]): Promise<number> {
  for (const pod of MEMBERS) {
    let missing: number[] = [];
    await waitUntil(`${pod} to hold the ${acked.length} acknowledged rows`, () => {
      const have = ids(pod);
      missing = acked.filter((id) => !have.has(id));
      return missing.length === 0;
    }, { timeoutMs: 120_000, intervalMs: 1000, diagnose: () => `missing ${missing.slice(0, 20).join(',')}; ${source(pod)}` });
  }
  return acked.length;
}

/** Sets (0: clears) a replication delay on a member: both threads run, its SQL thread `seconds` behind. */
function delay(pod: string, seconds: number): void {
  sql(ns, pod, `STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=${seconds}; START SLAVE;`);
}

/** A switchover under the write load: apply `primary`, wait for the Job; returns the refused window in seconds. */
async function switchTo(primary: number): Promise<{ job: string; refusedSeconds: number; refused: number }> {
  const before = writerLog().refused.length;
  const job = applyPrimary(primary);
  await waitJobComplete(ns, job, 300_000);
  await moreAcked(20);
  const refused = writerLog().refused.slice(before);
  return { job, refused: refused.length, refusedSeconds: refused.length ? (refused[refused.length - 1] - refused[0]) / 1000 : 0 };
}

describe('switchover (MySQLReplication primary 0 -> 1 -> 0 under writes, refusal, a killed Job)', () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-e2e-switchover-'));
    if (tryKubectl(['get', 'namespace', ns]).status === 0) await deleteNamespace(ns); // a run cut short
    await phase('switchover cluster Ready', async () => {
      kubectl(['create', 'namespace', ns]);
      const job = applyPrimary(0);
      for (const pod of MEMBERS) await waitPodReady(ns, pod, 300_000);
      await waitJobComplete(ns, job, 300_000);
    });
    sql(ns, 'db-0', `CREATE TABLE ${TABLE} (id INT PRIMARY KEY);`, { user: 'app', host: WRITE_HOST });
  }, 900_000);

  afterAll(async () => {
    await phase('switchover cleanup', () => deleteNamespace(ns));
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 300_000);

  test('the Job of the declared primary 0 at install finds it the primary and changes nothing', async () => {
    const job = switchoverJob(manifests(0));
    expect(kubectl(['-n', ns, 'logs', `job/${job}`])).toMatch(/member 0 is already the primary/);
    await expectRoles(0);
  });

  test('under a steady write load through the write Service, 0 -> 1 and back 1 -> 0: every acknowledged write on every member, replicas read-only', async () => {
    startWriter();
    await waitPodReady(ns, 'writer', 120_000).catch(() => undefined);
    await moreAcked(20);
    const toOne = await phase('switchover 0 -> 1 under writes', () => switchTo(1));
    await expectRoles(1);
    const toZero = await phase('switchover 1 -> 0 under writes', () => switchTo(0));
    await expectRoles(0);
    kubectl(['-n', ns, 'exec', 'writer', '--', 'touch', '/tmp/stop']);
    await waitUntil('the writer to stop', () => kubectl(['-n', ns, 'logs', 'writer', '--tail=1']).trim() === 'done', { timeoutMs: 60_000 });
    const { acked } = writerLog();
    const rows = await everyAckedEverywhere(acked);
    for (const [name, s] of [['0 -> 1', toOne], ['1 -> 0', toZero]] as const) {
      recordFigure(`switchover ${name}: writes refused`, s.refusedSeconds, s.refusedSeconds < REFUSED_TARGET_SECONDS ? 'passed' : 'failed',
        `${s.refused} writes refused (one every ~0.1 s) over ${s.refusedSeconds.toFixed(1)} s; ${rows} acknowledged rows on every member, 0 lost`);
    }
    for (const pod of ['db-1', 'db-2']) {
      const r = trySql(ns, pod, `INSERT INTO ${TABLE} (id) VALUES (-1);`, { user: 'app' });
      expect({ pod, refused: r.status !== 0 }).toEqual({ pod, refused: true });
    }
  });

  test('a switchover to a replica that does not replicate is refused, and the old primary stays writable', async () => {
    sql(ns, 'db-2', 'STOP SLAVE;');
    const job = applyPrimary(2);
    await waitUntil(`a pod of ${job} to fail`, () => (kubectlJson(['-n', ns, 'get', 'pods', '-l', `job-name=${job}`]).items as any[])
      .some((p) => p.status?.phase === 'Failed'), { timeoutMs: 180_000, intervalMs: 1000 });
    const log = kubectl(['-n', ns, 'logs', `job/${job}`]);
    expect(log).toMatch(/ERROR: member 2 is not a healthy replica \(Slave_IO_Running: No, Slave_SQL_Running: No/);
    expect({ db0ReadOnly: readOnly('db-0'), db2: source('db-2') }).toEqual({ db0ReadOnly: false, db2: `${NAME}-0.${NAME} No/No` });
    expect(trySql(ns, 'db-0', `INSERT INTO ${TABLE} (id) VALUES (1000001);`, { user: 'app' }).status).toBe(0);
    // Back to 0: its Job finds member 0 the primary and starts db-2's replication again.
    const back = applyPrimary(0);
    await waitJobComplete(ns, back, 180_000);
    await expectRoles(0);
    await everyAckedEverywhere([1000001]);
  });

  test('the Job\'s pod deleted while the target catches up: one writable primary (the old one); the Job\'s next pod finishes', async () => {
    delay('db-1', 600);
    sql(ns, 'db-0', `INSERT INTO ${TABLE} (id) VALUES (1000002);`, { user: 'app', host: WRITE_HOST });
    const job = applyPrimary(1);
    const first = await waitUntil(`${job} to wait for member 1`, () => {
      const pods = kubectlJson(['-n', ns, 'get', 'pods', '-l', `job-name=${job}`]).items as any[];
      const running = pods.find((p) => p.status?.phase === 'Running');
      if (!running) return undefined;
      const log = tryKubectl(['-n', ns, 'logs', running.metadata.name]).stdout;
      return log.includes('waiting up to 60s for member 1') ? running.metadata.name as string : undefined;
    }, { timeoutMs: 180_000, intervalMs: 500 });
    kubectl(['-n', ns, 'delete', 'pod', first, '--wait=true', '--timeout=60s']);
    expect(MEMBERS.map((pod) => ({ pod, writable: !readOnly(pod) }))).toEqual(MEMBERS.map((pod, n) => ({ pod, writable: n === 0 })));
    delay('db-1', 0);
    await waitJobComplete(ns, job, 300_000);
    await expectRoles(1);
    await everyAckedEverywhere([1000001, 1000002]);
  });
});
