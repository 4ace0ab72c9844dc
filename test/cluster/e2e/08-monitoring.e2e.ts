/**
 * Monitoring on the real node: a MariaDB primary and replica with `monitoring: {}` in a namespace
 * of their own; a real Prometheus (Debian's, on the node) configured from the release's PodMonitor
 * and PrometheusRule, as the Prometheus Operator would configure it, scrapes both members'
 * mysqld-exporter sidecars (the stand-in image runs Debian's exporter); stopping the replica's SQL
 * thread makes MySQLReplicaSQLThreadStopped pending, then firing once its `for` window has passed;
 * starting it again resolves the alert.
 *
 * Prometheus scrapes and evaluates every 5 s here (the PodMonitor's own interval is 30 s) to keep
 * the suite short; the alert's `for` is the synthesized one.
 */
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { MariaDBVersion, MySQLEngine, MySQLReplication } from '../../../lib';
import { Release } from '../../../lib/release';
import { deleteNamespace, sql } from '../support/db';
import { kubectl, tryKubectl, waitJobComplete, waitPodReady, waitUntil } from '../support/kube';
import { TestPrometheus } from '../support/prometheus';
import { phase } from '../support/report';

const ns = 'monitoring-e2e';
const ALERT = 'MySQLReplicaSQLThreadStopped';

/** The release: a namespace, a two-member MariaDB cluster with monitoring, its secret generator. */
function releaseObjects(): any[] {
  const release = new Release(Testing.app(), 'monitored', { namespace: ns, createNamespace: true });
  new MySQLReplication(release, 'mysql', {
    engine: MySQLEngine.mariadb(MariaDBVersion.V11_8),
    replicas: 2,
    storage: { size: '1Gi' },
    resources: { requests: { cpu: '50m', memory: '256Mi' } },
    monitoring: {},
  });
  return release.toJson();
}

const objects = releaseObjects();
const forWindowSeconds = (() => {
  const rule = objects.find((o) => o.kind === 'PrometheusRule').spec.groups[0].rules.find((r: any) => r.alert === ALERT);
  return Number(/^(\d+)m$/.exec(rule.for)![1]) * 60;
})();
let prometheus: TestPrometheus | undefined;

async function alertState(): Promise<string | undefined> {
  const alerts = (await prometheus!.alerts()).filter((a) => a.name === ALERT);
  if (alerts.length > 1) throw new Error(`more than one ${ALERT}: ${JSON.stringify(alerts)}`);
  return alerts[0]?.state;
}

describe('monitoring (PodMonitor scraped by a real Prometheus, a replication alert fires and resolves)', () => {
  beforeAll(async () => {
    if (tryKubectl(['get', 'namespace', ns]).status === 0) await deleteNamespace(ns); // a run cut short
    await phase('monitored MariaDB Ready (primary, replica, exporters)', async () => {
      kubectl(['apply', '-f', '-'], { input: objects.map((o) => YAML.stringify(o)).join('---\n') });
      const job = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('monitored-secret-generator-'));
      await waitJobComplete(ns, job.metadata.name, 180_000);
      for (const n of [0, 1]) await waitPodReady(ns, `mysql-${n}`, 300_000);
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await deleteNamespace(ns);
  });

  test('Prometheus, configured from the PodMonitor, scrapes both members\' exporters; both servers are up', async () => {
    await phase('Prometheus scrapes both exporters', async () => {
      prometheus = await TestPrometheus.start(objects, '5s');
      await waitUntil('both members scraped, mysql_up 1', async () => {
        const up = await prometheus!.query(`mysql_up{namespace="${ns}"} == 1 and on (pod) up{namespace="${ns}", job="${ns}/mysql-members"} == 1`);
        return up.map((s) => s.labels.pod).sort().join(',') === 'mysql-0,mysql-1';
      }, { timeoutMs: 120_000, intervalMs: 2000, diagnose: () => prometheus!.log() });
    });
    const running = await prometheus!.query(`mysql_slave_status_slave_sql_running{namespace="${ns}"}`);
    expect(running.map((s) => [s.labels.pod, s.value])).toEqual([['mysql-1', 1]]);
    const readOnly = await prometheus!.query(`mysql_global_variables_read_only{namespace="${ns}"}`);
    expect(Object.fromEntries(readOnly.map((s) => [s.labels.pod, s.value]))).toEqual({ 'mysql-0': 0, 'mysql-1': 1 });
    // Healthy: nothing fires. (Right after the first scrapes one rule may be pending for an evaluation or
    // two, e.g. MySQLNoWritableMember while only the replica has been scraped; its `for` keeps it silent.)
    await waitUntil('no alert pending or firing on the healthy cluster', async () => (await prometheus!.alerts()).length === 0,
      { timeoutMs: 30_000, intervalMs: 2000, diagnose: () => prometheus!.log() });
    expect(await prometheus!.alerts()).toEqual([]);
  });

  test(`stopping the replica's SQL thread fires ${ALERT} after its for window; starting it resolves it`, async () => {
    expect(prometheus).toBeDefined();
    const stopped = Date.now();
    sql(ns, 'mysql-1', 'STOP REPLICA SQL_THREAD;');
    const states: string[] = [];
    await phase(`${ALERT} pending, then firing (for ${forWindowSeconds} s)`, async () => {
      await waitUntil(`${ALERT} firing`, async () => {
        const state = await alertState();
        if (state && states[states.length - 1] !== state) states.push(state);
        return state === 'firing';
      }, { timeoutMs: (forWindowSeconds + 90) * 1000, intervalMs: 2000, diagnose: () => prometheus!.log() });
    });
    expect(states).toEqual(['pending', 'firing']);
    // Not before its window: the rule's `for` held it pending.
    expect(Date.now() - stopped).toBeGreaterThanOrEqual(forWindowSeconds * 1000);
    const [firing] = (await prometheus!.alerts()).filter((a) => a.name === ALERT);
    expect(firing.labels).toMatchObject({ severity: 'critical', namespace: ns, pod: 'mysql-1' });
    expect(firing.annotations.summary).toBe(`Replication SQL thread stopped on ${ns}/mysql-1`);

    sql(ns, 'mysql-1', 'START REPLICA SQL_THREAD;');
    await phase(`${ALERT} resolved after START REPLICA`, async () => {
      await waitUntil(`${ALERT} resolved`, async () => (await alertState()) === undefined,
        { timeoutMs: 60_000, intervalMs: 2000, diagnose: () => prometheus!.log() });
    });
  });
});
