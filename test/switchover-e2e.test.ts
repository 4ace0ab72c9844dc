/**
 * End to end: the switchover Job's script (lib/mysql/scripts/switchover.sh) moves the primary of
 * a replicating MariaDB cluster, with real servers (Debian's mariadbd, mariadb-backup, ncat).
 *
 * The members are the emulated pods of test/e2e/pod.ts (the synthesized StatefulSet's scripts,
 * env and option files, each pod on its own loopback address); the Job is the synthesized
 * switchover Job, run by test/e2e/job.ts with its command and env. "Applying" another `primary`
 * swaps the objects the pods and the write endpoint are read from: the write Service selects the
 * declared primary's pod (as it does in a cluster the moment the manifests are applied), and pods
 * started afterwards read the new PRIMARY_ORDINAL from the topology ConfigMap.
 *
 * Writes go through the write endpoint all along, one every ~50 ms, and only the acknowledged ones
 * are counted: after each switchover every member has every one of them. The window during which
 * writes were refused is logged, never asserted (no timed assertions in unit tests).
 *
 * Needs mariadb-server, mariadb-backup, mariadb-client and ncat; without them the test fails.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MariaDBVersion, MySQLEngine, MySQLReplication, MySQLSwitchoverOptions } from '../lib';
import { ContainerRun, EmulatedJob } from './e2e/job';
import { chooseMemberAddresses, EmulatedCluster, EmulatedPod } from './e2e/pod';
import { installExitGuard, removeOnExit, sleep, waitUntil } from './e2e/processes';
import { SqlTarget } from './e2e/sql';
import { Manifest, ofKind, synthChart } from './support/manifests';

const NAME = 'db';
const MEMBERS = [0, 1, 2];

/** The manifests of the cluster with `primary` declared. */
function synth(primary: number, switchover: MySQLSwitchoverOptions = {}): { objects: Manifest[]; repl: MySQLReplication } {
  let repl: MySQLReplication | undefined;
  const objects = synthChart((chart) => {
    repl = new MySQLReplication(chart, NAME, {
      engine: MySQLEngine.mariadb(MariaDBVersion.V10_11), database: { name: 'app', user: 'app' }, replicas: MEMBERS.length, primary, switchover,
    });
  });
  return { objects, repl: repl! };
}

class Harness {
  public readonly cluster: EmulatedCluster;
  /** Ids of acknowledged writes. */
  public readonly acked: number[] = [];
  private nextId = 1;
  private jobs = 0;
  private readonly root: string;
  private repl: MySQLReplication;

  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchover-e2e-'));
    removeOnExit(this.root, !process.env.REPLICATION_E2E_KEEP_DIRS);
    const { objects, repl } = synth(0);
    this.repl = repl;
    this.cluster = new EmulatedCluster({
      objects, statefulSet: NAME, root: this.root, serverDataDir: repl.engine.dataDir, serverConfDir: repl.engine.confDir,
      mainContainer: repl.engine.flavor, sidecarContainer: 'backup', port: repl.endpoint.port,
    });
  }

  public pod(n: number): EmulatedPod {
    return this.cluster.pod(n);
  }

  /** Applies the manifests with `primary` declared; returns them. */
  public apply(primary: number, switchover: MySQLSwitchoverOptions = {}): Manifest[] {
    const { objects, repl } = synth(primary, switchover);
    this.cluster.apply(objects);
    this.repl = repl;
    return objects;
  }

  /** The write endpoint, resolved as the write Service of the applied manifests routes it. */
  public get writeTarget(): SqlTarget {
    return { host: this.cluster.resolve(this.repl.endpoint.host), port: this.repl.endpoint.port };
  }

  /** One write through the write endpoint; true when acknowledged. */
  public async tryWrite(): Promise<boolean> {
    const id = this.nextId++;
    const r = await this.cluster.sql.attempt(this.writeTarget, this.cluster.app(), `INSERT INTO items (id, note) VALUES (${id}, 'row ${id}');`, 'app');
    if (r.ok) this.acked.push(id);
    return r.ok;
  }

  /**
   * Runs `action` under a steady write load through the write endpoint; returns how many writes
   * were refused and for how long (first to last refusal).
   */
  public async whileWriting(action: () => Promise<void>): Promise<{ refused: number; windowMs: number }> {
    let stop = false;
    const refusedAt: number[] = [];
    const writer = (async () => {
      while (!stop) {
        if (!await this.tryWrite()) refusedAt.push(Date.now());
        await sleep(50);
      }
    })();
    try {
      await action();
      // A few writes after the switch, to the new primary.
      const until = this.acked.length + 5;
      await waitUntil('writes acknowledged by the new primary', () => this.acked.length >= until, { timeoutMs: 30000 });
    } finally {
      stop = true;
      await writer;
    }
    return { refused: refusedAt.length, windowMs: refusedAt.length ? refusedAt[refusedAt.length - 1] - refusedAt[0] : 0 };
  }

  /** The switchover Job of `objects`, emulated. */
  public job(objects: readonly Manifest[]): EmulatedJob {
    const [job] = ofKind(objects, 'Job').filter((j) => j.metadata.name.startsWith(`${NAME}-switchover-`));
    this.jobs += 1;
    return new EmulatedJob(this.cluster, objects, job.metadata.name, path.join(this.root, `jobs-${this.jobs}`), 'Job');
  }

  public async root_(pod: number, sql: string): Promise<string> {
    return this.cluster.sql.value(this.pod(pod).target, this.cluster.root(), sql);
  }

  public async readOnly(pod: number): Promise<boolean> {
    return (await this.root_(pod, 'SELECT @@read_only;')) === '1';
  }

  /** Master_Host and the two thread states of a member ('' when it has no source). */
  public async source(pod: number): Promise<string> {
    const rows = await this.cluster.sql.query(this.pod(pod).target, this.cluster.root(), 'SHOW SLAVE STATUS;');
    return rows.length ? `${rows[0].Master_Host} ${rows[0].Slave_IO_Running}/${rows[0].Slave_SQL_Running}` : '';
  }

  /** Waits until every member has every acknowledged row. */
  public async expectAllRowsEverywhere(): Promise<void> {
    const expected = [...this.acked].sort((a, b) => a - b);
    for (const n of MEMBERS) {
      let missing: number[] = [];
      await waitUntil(`${this.pod(n).name} to have the ${expected.length} acknowledged rows`, async () => {
        const rows = await this.cluster.sql.query(this.pod(n).target, this.cluster.root(), 'SELECT id FROM app.items;');
        const seen = new Set(rows.map((r) => Number(r.id)));
        missing = expected.filter((id) => !seen.has(id));
        return missing.length === 0;
      }, { timeoutMs: 30000, detail: async () => `missing ${missing.join(',')}\n${await this.source(n)}` });
    }
  }

  /** `primary` writable with no source; every other member read-only, replicating from it. */
  public async expectPrimary(primary: number): Promise<void> {
    const states = [];
    for (const n of MEMBERS) states.push({ n, readOnly: await this.readOnly(n), source: await this.source(n) });
    expect(states).toEqual(MEMBERS.map((n) => ({
      n, readOnly: n !== primary, source: n === primary ? '' : `${this.pod(primary).address} Yes/Yes`,
    })));
  }

  public async stop(): Promise<void> {
    try {
      await this.cluster.stopAll();
    } finally {
      if (!process.env.REPLICATION_E2E_KEEP_DIRS) {
        fs.rmSync(this.root, { recursive: true, force: true });
        removeOnExit(this.root, false);
      }
    }
  }
}

/** The end of a Job's log, for failure messages. */
function logOf(runs: readonly ContainerRun[]): string {
  return runs.map((r) => `${r.container}: ${r.status}\n${r.log}`).join('\n');
}

/** Sets (or clears, 0) a replication delay on member `pod`: its SQL thread runs, `seconds` behind. */
async function delayReplica(h: Harness, pod: number, seconds: number): Promise<void> {
  await h.cluster.sql.query(h.pod(pod).target, h.cluster.root(), `STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=${seconds}; START SLAVE;`);
}

describe('switchover.sh on real MariaDB servers (GTID)', () => {
  let h: Harness | undefined;
  let removeGuard: (() => void) | undefined;
  let failed: string | undefined;
  beforeAll(async () => {
    removeGuard = installExitGuard();
    await chooseMemberAddresses(MEMBERS, [3306, 3307]);
    h = new Harness();
  });
  afterAll(async () => {
    try {
      await h?.stop();
    } finally {
      removeGuard?.();
    }
  }, 90000);
  const step = (name: string, body: (h: Harness) => Promise<void>, timeoutMs: number) => test(name, async () => {
    if (!h) throw new Error('the harness was not set up (see the beforeAll error)');
    if (failed) throw new Error(`not run: the earlier step "${failed}" failed`);
    try {
      await body(h);
    } catch (err) {
      failed = name;
      throw err;
    }
  }, timeoutMs);

  step('three members, pod-0 the primary, rows written through the write endpoint', async (h) => {
    for (const n of MEMBERS) await h.pod(n).start();
    await h.cluster.sql.query(h.writeTarget, h.cluster.app(), 'CREATE TABLE items (id INT PRIMARY KEY, note VARCHAR(64) NOT NULL);', 'app');
    for (let i = 0; i < 5; i++) expect(await h.tryWrite()).toBe(true);
    await h.expectAllRowsEverywhere();
    await h.expectPrimary(0);
  }, 180000);

  step('a target that does not replicate is refused: nothing changes, the old primary stays writable', async (h) => {
    await h.cluster.sql.query(h.pod(1).target, h.cluster.root(), 'STOP SLAVE;');
    const objects = h.apply(1);
    const runs = await h.job(objects).run();
    expect(runs.map((r) => r.status)).toEqual(['exit status 1']);
    expect(runs[0].log).toContain('switchover.sh: ERROR: member 1 is not a healthy replica (Slave_IO_Running: No, Slave_SQL_Running: No');
    expect(await h.readOnly(0)).toBe(false);
    expect(await h.source(1)).toMatch(/ No\/No$/);
    h.apply(0);
    expect(h.writeTarget.host).toBe(h.pod(0).address);
    expect(await h.tryWrite()).toBe(true);
    await h.cluster.sql.query(h.pod(1).target, h.cluster.root(), 'START SLAVE;');
    await h.expectAllRowsEverywhere();
    await h.expectPrimary(0);
  }, 60000);

  step('a target that does not catch up in time: the old primary is writable again, nothing is switched', async (h) => {
    await delayReplica(h, 1, 60);
    expect(await h.tryWrite()).toBe(true);
    const objects = h.apply(1, { catchUpSeconds: 2 });
    const runs = await h.job(objects).run();
    expect(runs.map((r) => r.status)).toEqual(['exit status 1']);
    expect(runs[0].log).toContain('switchover.sh: ERROR: member 1 did not apply every transaction of member 0 within 2s: switchover abandoned');
    expect(runs[0].log).toContain('switchover.sh: member 0 is writable again: it stays the primary, nothing was switched');
    h.apply(0);
    expect(await h.tryWrite()).toBe(true);
    await delayReplica(h, 1, 0);
    await h.expectAllRowsEverywhere();
    await h.expectPrimary(0);
  }, 60000);

  step('a Job stopped (its pod deleted: SIGTERM) while the target catches up: the old primary is writable again at once', async (h) => {
    await delayReplica(h, 1, 60);
    expect(await h.tryWrite()).toBe(true);
    const objects = h.apply(1, { catchUpSeconds: 50 });
    const job = h.job(objects);
    const run = job.run();
    await waitUntil('the Job to wait for the target', () => job.running?.log().includes('waiting up to 50s for member 1') ?? false, { timeoutMs: 30000 });
    await job.running!.stop('SIGTERM', 5000);
    const runs = await run;
    expect(runs.map((r) => r.status)).toEqual(['exit status 143']);
    expect(runs[0].log).toContain('switchover.sh: member 0 is writable again: it stays the primary, nothing was switched');
    h.apply(0);
    expect(await h.tryWrite()).toBe(true);
    await delayReplica(h, 1, 0);
    await h.expectAllRowsEverywhere();
    await h.expectPrimary(0);
  }, 60000);

  step('a Job killed while the target catches up: the old primary is read-only with no writable member; run again, it finishes', async (h) => {
    await delayReplica(h, 1, 3);
    expect(await h.tryWrite()).toBe(true);
    const objects = h.apply(1, { catchUpSeconds: 30 });
    const job = h.job(objects);
    const first = job.run();
    await waitUntil('the Job to wait for the target', () => job.running?.log().includes('waiting up to 30s for member 1') ?? false, { timeoutMs: 30000 });
    await job.running!.stop('SIGKILL');
    expect((await first).map((r) => r.status)).toEqual(['killed by SIGKILL']);
    // Killed between demotion and promotion: no member accepts writes; none is half-promoted.
    expect([await h.readOnly(0), await h.readOnly(1), await h.readOnly(2)]).toEqual([true, true, true]);
    expect(await h.source(1)).toMatch(new RegExp(`^${h.pod(0).address.replace(/\./g, '\\.')} Yes/Yes$`));
    expect(await h.tryWrite()).toBe(false);
    await delayReplica(h, 1, 0);
    const rerun = await h.job(objects).run();
    expect(rerun.map((r) => r.status)).toEqual(['exit status 0']);
    expect(rerun[0].log).toContain('switchover.sh: switchover complete: member 1 is the primary');
    await h.expectPrimary(1);
    expect(await h.tryWrite()).toBe(true);
    await h.expectAllRowsEverywhere();
  }, 120000);

  step('running the Job again changes nothing', async (h) => {
    const before = await h.root_(1, 'SELECT @@gtid_binlog_pos;');
    const runs = await h.job(h.apply(1, { catchUpSeconds: 30 })).run();
    expect(runs.map((r) => r.status)).toEqual(['exit status 0']);
    expect(runs[0].log).toContain('switchover.sh: member 1 is already the primary');
    expect(runs[0].log).not.toContain('read-only;');
    expect(await h.root_(1, 'SELECT @@gtid_binlog_pos;')).toBe(before);
    await h.expectPrimary(1);
  }, 60000);

  step('the old primary restarted takes its role from the declared primary: a read-only replica of pod-1', async (h) => {
    await h.pod(0).stop();
    expect(await h.tryWrite()).toBe(true);
    await h.pod(0).start();
    await h.pod(0).waitForSidecarLog('serving backups on');
    expect(fs.readFileSync(path.join(h.pod(0).layout.confDir, 'replica.cnf'), 'utf8')).toMatch(/^read_only=ON$/m);
    expect(fs.existsSync(path.join(h.pod(0).layout.confDir, 'primary.cnf'))).toBe(false);
    await h.expectAllRowsEverywhere();
    await h.expectPrimary(1);
  }, 120000);

  step('under steady writes through the write endpoint, 1 -> 0 and 0 -> 1: every acknowledged write on every member', async (h) => {
    for (const target of [0, 1]) {
      const objects = h.apply(target);
      let runs: ContainerRun[] = [];
      const load = await h.whileWriting(async () => {
        runs = await h.job(objects).run();
      });
      expect({ target, status: runs.map((r) => r.status) }).toEqual({ target, status: ['exit status 0'] });
      await h.expectAllRowsEverywhere();
      await h.expectPrimary(target);
      // A number for the report, not an assertion.
      console.log(`switchover to ${target}: ${load.refused} writes refused over ${load.windowMs} ms; ${h.acked.length} acknowledged in all\n${logOf(runs)}`);
    }
  }, 180000);
});
