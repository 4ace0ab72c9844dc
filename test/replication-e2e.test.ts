/**
 * End to end: the scripts inside the synthesized MySQLReplication manifests build a replicating
 * MariaDB cluster, with real servers (Debian's mariadbd, mariadb-backup, ncat).
 *
 * The scripts, the option files, every container's command and env and the readiness probe are
 * read from the synthesized objects (ConfigMaps and StatefulSet pod template); test/e2e/pod.ts
 * emulates the pods on this machine, each on its own loopback address (127.x.y.1<ordinal>, a network free for this run), and
 * lists the few env values it changes (what the kubelet and the pod network would make
 * different). The image entrypoint's first start on the primary is emulated in
 * test/e2e/server.ts; replicas get their data only from clone.sh.
 *
 * The credentials Secret is made as in the cluster: the generator's own generate-secrets.sh runs
 * (busybox sh and applets, as in its image) with the spec of the synthesized SecretGenerator
 * ConfigMap against the Secrets API stand-in (test/support/secrets-api.ts), and the pods read the
 * values it stored. In the GTID pass it makes every key; in the binlog pass the Secret already
 * holds an operator's root and app passwords with characters that break naive quoting (space,
 * quotes, backslashes, `$(...)`, a tab, a newline), and it adds only the missing keys.
 *
 * The GTID pass runs the scripts with ncat; the binlog pass hides ncat from the containers' PATH,
 * so clone.sh receives through bash's /dev/tcp and sidecar.sh serves with serve-backup.pl (perl).
 *
 * Needs mariadb-server, mariadb-backup, mariadb-client, ncat and perl, and for the generator curl,
 * openssl, php-cli and busybox; without them the test fails (it is never skipped). Set
 * REPLICATION_E2E_KEEP_DIRS=1 to keep the pods' directories.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MySQLEngine, MariaDBVersion, MySQLReplication } from '../lib';
import { ReplicationMode } from '../lib/mysql/config-files';
import { awkwardPassword, chooseMemberAddresses, EmulatedCluster, EmulatedPod } from './e2e/pod';
import { installExitGuard, removeOnExit, sleep, waitUntil } from './e2e/processes';
import { SqlTarget } from './e2e/sql';
import { ScriptSandbox, SCRIPTS_DIR } from './support/credentials';
import { find, Manifest, synthChart } from './support/manifests';
import { SecretsApi } from './support/secrets-api';

const NAME = 'db';
const MEMBERS = [0, 1, 2, 3];
/** Init container env for the failure case: give up fast (defaults: 3 attempts, 5 s apart). */
const IMPATIENT_CLONE = {
  PEER_WAIT_SECONDS: '2', CLONE_CONNECT_ATTEMPTS: '2', CLONE_RETRY_DELAY_SECONDS: '1', CLONE_CONNECT_TIMEOUT_SECONDS: '2',
};

/**
 * The credentials Secret as the SecretGenerator Job leaves it: generate-secrets.sh from the
 * synthesized ConfigMap's spec, run against the Secrets API stand-in, which already holds
 * `existing` (what an operator put there). Returns the stored values, decoded.
 */
async function generateSecret(objects: readonly Manifest[], secretName: string, existing: Record<string, string>): Promise<Record<string, string>> {
  const configMap = find(objects, 'ConfigMap', 'secret-generator');
  expect(configMap.data['generate-secrets.sh']).toBe(fs.readFileSync(path.join(SCRIPTS_DIR, 'generate-secrets.sh'), 'utf8'));
  const api = await SecretsApi.start(configMap.metadata.namespace);
  const sandbox = new ScriptSandbox();
  try {
    if (Object.keys(existing).length) api.put(secretName, existing);
    const run = await sandbox.generate(api, configMap.data.spec, { busybox: true });
    if (run.code !== 0) throw new Error(`generate-secrets.sh failed (${run.code}):\n${run.stderr}`);
    return api.values(secretName);
  } finally {
    sandbox.cleanup();
    await api.stop();
  }
}

/** A cluster of emulated pods of a freshly synthesized MariaDB 10.11 MySQLReplication. */
class Harness {
  /** Synthesizes the cluster, generates its Secret (keeping `existing` keys) and lays out the pods. */
  public static async create(mode: ReplicationMode, withoutNcat: boolean, existing: Record<string, string> = {}): Promise<Harness> {
    let repl: MySQLReplication | undefined;
    const objects = synthChart((chart) => {
      repl = new MySQLReplication(chart, NAME, {
        engine: MySQLEngine.mariadb(MariaDBVersion.V10_11),
        replicationMode: mode,
        database: { name: 'app', user: 'app' },
        exporter: {},
      });
    });
    const secretName = repl!.rootPassword.secretName;
    const values = await generateSecret(objects, secretName, existing);
    return new Harness(mode, withoutNcat, repl!, objects, { [secretName]: values });
  }

  public readonly cluster: EmulatedCluster;
  /** Ids written to app.items on the primary, in order. */
  public readonly written: number[] = [];
  private nextId = 1;

  private constructor(public readonly mode: ReplicationMode, public readonly withoutNcat: boolean, public readonly repl: MySQLReplication,
    objects: readonly Manifest[], public readonly secrets: Record<string, Record<string, string>>) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `replication-e2e-${mode}-`));
    removeOnExit(root, !process.env.REPLICATION_E2E_KEEP_DIRS);
    try {
      this.cluster = new EmulatedCluster({
        objects,
        statefulSet: NAME,
        root,
        serverDataDir: this.repl.engine.dataDir,
        serverConfDir: this.repl.engine.confDir,
        mainContainer: this.repl.engine.flavor,
        sidecarContainer: 'backup',
        port: this.repl.endpoint.port,
        hideTools: withoutNcat ? ['ncat'] : [],
        secrets,
      });
    } catch (err) {
      fs.rmSync(root, { recursive: true, force: true });
      throw err;
    }
  }

  public pod(n: number): EmulatedPod {
    return this.cluster.pod(n);
  }

  /** The primary, reached through the construct's write endpoint (pod 0's DNS name). */
  public get writeTarget(): SqlTarget {
    return { host: this.cluster.resolve(this.repl.endpoint.host), port: this.repl.endpoint.port };
  }

  /** Inserts `count` new rows on the primary as the app user, in one statement; returns their ids. */
  public async write(count: number): Promise<number[]> {
    const ids = Array.from({ length: count }, () => this.nextId++);
    const values = ids.map((id) => `(${id}, 'row ${id}')`).join(', ');
    await this.cluster.sql.query(this.writeTarget, this.cluster.app(), `INSERT INTO items (id, note) VALUES ${values};`, 'app');
    this.written.push(...ids);
    return ids;
  }

  /**
   * Runs `action` while the primary takes a stream of single-row writes (one every ~100 ms), as
   * a live primary would while a replica is being cloned from it or from another replica.
   */
  public async whileWriting(action: () => Promise<void>): Promise<void> {
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        await this.write(1);
        await sleep(100);
      }
    })();
    try {
      await action();
    } finally {
      stop = true;
      await writer;
    }
  }

  /** The ids in app.items on member `pod`, read as the app user. */
  public async ids(pod: EmulatedPod): Promise<number[]> {
    const rows = await this.cluster.sql.query(pod.target, this.cluster.app(), 'SELECT id FROM items ORDER BY id;', 'app');
    return rows.map((r) => Number(r.id));
  }

  public async rootValue(pod: EmulatedPod, sql: string): Promise<string> {
    return this.cluster.sql.value(pod.target, this.cluster.root(), sql);
  }

  /** SHOW SLAVE STATUS of a replica, as column → value. */
  public async replicaStatus(pod: EmulatedPod): Promise<Record<string, string>> {
    const rows = await this.cluster.sql.query(pod.target, this.cluster.root(), 'SHOW SLAVE STATUS;');
    if (rows.length !== 1) throw new Error(`${pod.name} is not a replica (SHOW SLAVE STATUS returned ${rows.length} rows)`);
    return rows[0];
  }

  /** Waits until member `pod` has exactly the rows written so far. */
  public async waitForRows(pod: EmulatedPod, timeoutMs = 30000): Promise<void> {
    const expected = [...this.written].sort((a, b) => a - b);
    let seen: number[] = [];
    await waitUntil(`${pod.name} to have the ${expected.length} rows written on the primary`, async () => {
      seen = await this.ids(pod);
      return JSON.stringify(seen) === JSON.stringify(expected);
    }, {
      timeoutMs,
      detail: async () => {
        let status = '';
        try {
          const s = await this.replicaStatus(pod);
          status = ['Slave_IO_Running', 'Slave_SQL_Running', 'Last_IO_Error', 'Last_SQL_Error', 'Gtid_IO_Pos']
            .map((k) => `${k}: ${s[k]}`).join('\n');
        } catch (err) {
          status = (err as Error).message;
        }
        return `expected ids ${expected.join(',')}\nseen ids ${seen.join(',')}\n${status}\n${pod.describe()}`;
      },
    });
  }

  /** Replication on `pod` runs from the primary's address, in this harness's mode. */
  public async expectReplicating(pod: EmulatedPod): Promise<void> {
    const s = await this.replicaStatus(pod);
    expect({
      Master_Host: s.Master_Host, Slave_IO_Running: s.Slave_IO_Running, Slave_SQL_Running: s.Slave_SQL_Running, Using_Gtid: s.Using_Gtid,
    }).toEqual({
      Master_Host: this.pod(0).address, Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes', Using_Gtid: this.mode === 'gtid' ? 'Slave_Pos' : 'No',
    });
  }

  /** Files of a member's data dir (the data claim). */
  public dataFile(pod: EmulatedPod, name: string): string {
    return path.join(pod.layout.dataDir, name);
  }

  public async stop(): Promise<void> {
    try {
      await this.cluster.stopAll();
    } finally {
      if (!process.env.REPLICATION_E2E_KEEP_DIRS) {
        this.cluster.removeFiles();
        removeOnExit(this.cluster.options.root, false);
      }
    }
  }
}

/**
 * Creates a harness for `mode` in beforeAll and stops everything it started in afterAll (also
 * when a test failed). Returns `step`, which declares one test of the describe's ordered
 * scenario; once a step fails, the later ones fail at once (naming it) instead of waiting on a
 * broken cluster.
 */
function useHarness(mode: ReplicationMode, withoutNcat = false, existing: Record<string, string> = {}) {
  let harness: Harness | undefined;
  let removeGuard: (() => void) | undefined;
  let failedStep: string | undefined;
  beforeAll(async () => {
    removeGuard = installExitGuard();
    await chooseMemberAddresses(MEMBERS, [3306, 3307]);
    harness = await Harness.create(mode, withoutNcat, existing);
  });
  afterAll(async () => {
    try {
      await harness?.stop();
    } finally {
      removeGuard?.();
    }
  }, 90000);
  const step = (name: string, body: (h: Harness) => Promise<void>, timeoutMs: number) => {
    test(name, async () => {
      if (!harness) throw new Error('the harness was not set up (see the beforeAll error)');
      if (failedStep) throw new Error(`not run: the earlier step "${failedStep}" failed`);
      try {
        await body(harness);
      } catch (err) {
        failedStep = name;
        throw err;
      }
    }, timeoutMs);
  };
  return step;
}

/** Starts pod 0 and creates app.items with rows 1..5 through the write endpoint. */
async function startPrimary(h: Harness): Promise<void> {
  const p0 = h.pod(0);
  await p0.start();
  expect(await h.rootValue(p0, 'SELECT @@server_id;')).toBe('100');
  expect(await h.rootValue(p0, 'SELECT @@read_only;')).toBe('0');
  const replUser = h.cluster.mainEnv().REPLICATION_USER;
  expect(await h.rootValue(p0, `SELECT COUNT(*) FROM mysql.user WHERE user = '${replUser}' AND host = '%';`)).toBe('1');
  // The metrics user: local only, with nothing but what mysqld-exporter needs.
  const grants = await h.rootValue(p0, "SHOW GRANTS FOR 'exporter'@'127.0.0.1';");
  expect(grants).toMatch(/^GRANT SELECT, PROCESS, BINLOG MONITOR, SLAVE MONITOR ON \*\.\* TO `exporter`@`127\.0\.0\.1`/);
  await h.cluster.sql.query(h.writeTarget, h.cluster.app(), 'CREATE TABLE items (id INT PRIMARY KEY, note VARCHAR(64) NOT NULL);', 'app');
  await h.write(5);
}

/**
 * Starts pods 1 and 2 (OrderedReady: each start returns once the pod is ready) while the primary
 * takes writes, and checks where each cloned from.
 */
async function startReplicas(h: Harness): Promise<void> {
  for (const n of [1, 2]) {
    const pod = h.pod(n);
    await h.whileWriting(() => pod.start());
    expect(pod.lastInitLog('clone')).toContain(`clone from ${h.pod(n - 1).address} complete`);
    await pod.waitForSidecarLog('serving backups on');
    // The transport: ncat, or bash's /dev/tcp and serve-backup.pl when ncat is hidden.
    const fallback = [pod.lastInitLog('clone').includes("ncat not found; receiving through bash's /dev/tcp"),
      pod.sidecar!.log().includes('(ncat not found; using serve-backup.pl)')];
    expect(fallback).toEqual([h.withoutNcat, h.withoutNcat]);
    if (h.withoutNcat) {
      await h.pod(n - 1).waitForSidecarLog('(mariadb-backup exit status 0)');
      expect(h.pod(n - 1).sidecar!.log()).toMatch(/serve-backup\.pl: sent a backup to [\d.]+:\d+ \(mariadb-backup exit status 0\)/);
    }
    expect(pod.sidecar!.log()).toContain(`pointing replication at ${h.pod(0).address}:3306 (${h.mode} mode)`);
    expect(fs.existsSync(h.dataFile(pod, 'change-source.in'))).toBe(false);
    // pod-1 starts from the primary's binlog position, pod-2 from pod-1's position in the primary's binlog
    const from = n === 1 ? 'xtrabackup_binlog_info' : 'xtrabackup_slave_info';
    expect(fs.readFileSync(h.dataFile(pod, 'change-source.done'), 'utf8')).toMatch(new RegExp(`^from=${from}$`, 'm'));
    expect(await h.rootValue(pod, 'SELECT @@server_id;')).toBe(String(100 + n));
    expect(await h.rootValue(pod, 'SELECT @@read_only;')).toBe('1');
  }
  for (const n of [1, 2]) {
    await h.waitForRows(h.pod(n));
    await h.expectReplicating(h.pod(n));
  }
  // The metrics user sees what mysqld-exporter reads for the replication alerts.
  const exporter = { user: 'exporter', password: h.cluster.mainEnv().EXPORTER_PASSWORD };
  const seen = await h.cluster.sql.query(h.pod(1).target, exporter, 'SHOW SLAVE STATUS;');
  expect(seen.map((r) => [r.Slave_IO_Running, r.Slave_SQL_Running])).toEqual([['Yes', 'Yes']]);
}

/** Members `ordinals` have server-ids 100 + ordinal and identical app.items (CHECKSUM TABLE). */
async function expectSameContents(h: Harness, ordinals: readonly number[]): Promise<void> {
  const serverIds: string[] = [];
  const checksums: string[] = [];
  for (const n of ordinals) {
    serverIds.push(await h.rootValue(h.pod(n), 'SELECT @@server_id;'));
    const rows = await h.cluster.sql.query(h.pod(n).target, h.cluster.root(), 'CHECKSUM TABLE app.items;');
    checksums.push(rows[0].Checksum);
  }
  expect(serverIds).toEqual(ordinals.map((n) => String(100 + n)));
  expect(new Set(checksums).size).toBe(1);
}

/** The keys the generator made are 32 alphanumerics, each its own; the main container reads the stored values. */
function expectGenerated(h: Harness, generated: readonly string[]): void {
  const values = h.secrets[h.repl.rootPassword.secretName];
  for (const key of generated) expect({ key, value: values[key] }).toEqual({ key, value: expect.stringMatching(/^[A-Za-z0-9]{32}$/) });
  expect(new Set(generated.map(k => values[k])).size).toBe(generated.length);
  const env = h.cluster.mainEnv();
  expect([env.MYSQL_ROOT_PASSWORD, env.REPLICATION_PASSWORD, env.MYSQL_PASSWORD, env.EXPORTER_PASSWORD])
    .toEqual([values['root-password'], values['replication-password'], values.password, values['exporter-password']]);
}

describe('MySQLReplication on real MariaDB servers, GTID mode', () => {
  const step = useHarness('gtid');

  step('the members read the Secret generate-secrets.sh made from the ConfigMap\'s spec: every key, 32 alphanumerics', async (h) => {
    expect(Object.keys(h.secrets[h.repl.rootPassword.secretName]).sort()).toEqual(['exporter-password', 'password', 'replication-password', 'root-password']);
    expectGenerated(h, ['exporter-password', 'password', 'replication-password', 'root-password']);
  }, 5000);

  step('pod-0 starts as the writable primary (server-id 100) with the app database and the replication user', startPrimary, 90000);

  step('pod-1 clones pod-0, pod-2 clones pod-1 (OrderedReady) while the primary takes writes; both replicate from the primary',
    startReplicas, 120000);

  step('rows written through the write endpoint reach both replicas, at the same GTID position', async (h) => {
    await h.write(5);
    for (const n of [1, 2]) await h.waitForRows(h.pod(n));
    const primaryPos = await h.rootValue(h.pod(0), 'SELECT @@gtid_binlog_pos;');
    expect(primaryPos).toMatch(/^0-100-\d+$/);
    for (const n of [1, 2]) expect(await h.rootValue(h.pod(n), 'SELECT @@gtid_slave_pos;')).toBe(primaryPos);
  }, 60000);

  step('replicas refuse writes from the app user (read_only)', async (h) => {
    for (const n of [1, 2]) {
      const r = await h.cluster.sql.attempt(h.pod(n).target, h.cluster.app(), "INSERT INTO items (id, note) VALUES (999, 'replica');", 'app');
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(/--read-only/);
      expect(await h.ids(h.pod(n))).not.toContain(999);
    }
  }, 60000);

  step('a killed replica restarts without a second clone, keeps its data and catches up', async (h) => {
    const p1 = h.pod(1);
    const guard = h.dataFile(p1, 'change-source.done');
    const coordinates = fs.readFileSync(guard, 'utf8');
    const before = await h.ids(p1);

    await p1.stop('SIGKILL');
    await h.write(5);
    await p1.start();

    expect(p1.lastInitLog('clone')).toMatch(/data already present in .* skipping clone/);
    expect(p1.lastInitLog('clone')).not.toMatch(/receiving backup/);
    await p1.waitForSidecarLog('serving backups on');
    expect(p1.sidecar!.log()).toContain('replication was configured before');
    expect(p1.sidecar!.log()).not.toContain('pointing replication at');
    expect(fs.readFileSync(guard, 'utf8')).toBe(coordinates);
    expect(fs.existsSync(h.dataFile(p1, 'change-source.in'))).toBe(false);
    const afterRestart = await h.ids(p1);
    expect(before.filter((id) => !afterRestart.includes(id))).toEqual([]);
    await h.waitForRows(p1);
    await h.expectReplicating(p1);
  }, 90000);

  step('pod-3 cannot clone while pod-2\'s sidecar is down: clear error, nothing left behind; with the sidecar back it clones and catches up', async (h) => {
    const [p2, p3] = [h.pod(2), h.pod(3)];
    await p2.sidecar!.stop('SIGKILL');

    const failed = await p3.runInitContainers(IMPATIENT_CLONE);
    expect(failed.map((r) => [r.container, r.code === 0])).toEqual([['init-config', true], ['clone', false]]);
    expect(failed[1].stderr).toContain(`clone.sh: ERROR: could not clone from ${p2.address}:3307 after 2 attempt(s); is its sidecar serving backups?`);
    expect(fs.readdirSync(p3.layout.dataDir)).toEqual([]);

    await h.write(5);
    p2.startSidecar();
    await h.whileWriting(() => p3.start());
    expect(p3.lastInitLog('clone')).toContain(`clone from ${p2.address} complete`);
    await p3.waitForSidecarLog('serving backups on');
    expect(p2.sidecar!.log()).toContain('replication was configured before');
    expect(p2.sidecar!.log()).not.toContain('pointing replication at');
    expect(await h.rootValue(p3, 'SELECT @@server_id;')).toBe('103');
    await h.waitForRows(p3);
    await h.expectReplicating(p3);

    await h.write(5);
    for (const n of [1, 2, 3]) await h.waitForRows(h.pod(n));
  }, 120000);

  step('every member has its own server-id and the same table contents', (h) => expectSameContents(h, MEMBERS), 60000);
});

describe('MySQLReplication on real MariaDB servers, binlog (file/position) mode, without ncat', () => {
  const operatorMade = { 'root-password': awkwardPassword(), 'password': awkwardPassword() };
  const step = useHarness('binlog', true, operatorMade);

  step('pod-0 primary, pod-1 cloned from it, pod-2 cloned from pod-1: rows replicate, replicas are read-only', async (h) => {
    // The generator kept the operator's awkward passwords and added only the missing keys.
    expect(h.secrets[h.repl.rootPassword.secretName]).toMatchObject(operatorMade);
    expectGenerated(h, ['exporter-password', 'replication-password']);
    await startPrimary(h);
    await startReplicas(h);
    const done = fs.readFileSync(h.dataFile(h.pod(2), 'change-source.done'), 'utf8');
    expect(done).toMatch(/^file=mysql-bin\.\d+$/m);
    expect(done).toMatch(/^pos=\d+$/m);
    await h.write(5);
    for (const n of [1, 2]) await h.waitForRows(h.pod(n));
    const r = await h.cluster.sql.attempt(h.pod(2).target, h.cluster.app(), "INSERT INTO items (id, note) VALUES (999, 'replica');", 'app');
    expect(r.error).toMatch(/--read-only/);
    await expectSameContents(h, [0, 1, 2]);
  }, 150000);
});
