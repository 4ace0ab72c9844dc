/**
 * The `monitoring` prop of MySQLReplication, WordPress and Harbor as synthesized: the PodMonitors
 * select pods that have the scraped port, the PrometheusRule carries every alert with its
 * thresholds and runbook, and bad options fail at construction. promtool proves the alerts
 * themselves (test/monitoring-promtool.test.ts).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Chart, Testing } from 'cdk8s';
import {
  BackupTarget, HarborExposure, HarborStack, InvalidPropError, MariaDBVersion, MySQLEngine, MySQLMonitoringOptions, MySQLReplication,
  MySQLReplicationProps, MySQLVersion, WordPressStack,
} from '../lib';
import { cronMaxGapMinutes } from '../lib/mysql/backup/cron-gap';
import { expectValid, find, Manifest, ofKind } from './support/manifests';

const BACKUP: Partial<MySQLReplicationProps> = {
  backup: { schedule: '0 2 * * *', target: BackupTarget.persistentVolumeClaim({ claimName: 'backups' }) },
  drill: { schedule: '0 5 * * 0' },
};

function mysql(props: MySQLReplicationProps): Manifest[] {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'data' });
  new MySQLReplication(chart, 'db', { engine: MySQLEngine.mariadb(MariaDBVersion.V11_8), ...props });
  return chart.toJson();
}
const rulesOf = (objects: Manifest[]): Manifest[] => ofKind(objects, 'PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: Manifest) => g.rules));
const alert = (objects: Manifest[], name: string): Manifest => {
  const found = rulesOf(objects).find((r) => r.alert === name);
  if (!found) throw new Error(`no alert ${name}`);
  return found;
};
/** The pods a PodMonitor selects, with the port it scrapes. */
function scrapedContainers(objects: Manifest[], monitor: Manifest): { pod: string; container: string }[] {
  const selector: Record<string, string> = monitor.spec.selector.matchLabels;
  const port: string = monitor.spec.podMetricsEndpoints[0].port;
  return objects.filter((o) => o.spec?.template?.metadata?.labels)
    .filter((o) => Object.entries(selector).every(([k, v]) => o.spec.template.metadata.labels[k] === v))
    .flatMap((o) => (o.spec.template.spec.containers as Manifest[])
      .filter((c) => (c.ports ?? []).some((p: Manifest) => p.name === port))
      .map((c) => ({ pod: `${o.kind}/${o.metadata.name}`, container: c.name })));
}

describe('MySQLReplication monitoring', () => {
  const objects = mysql({ monitoring: {}, ...BACKUP });

  test('is valid, implies the exporter, and its PodMonitor scrapes exactly the members\' exporter', () => {
    expectValid(objects);
    const monitor = find(objects, 'PodMonitor', 'db-members');
    expect(scrapedContainers(objects, monitor)).toEqual([{ pod: 'StatefulSet/db', container: 'exporter' }]);
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
    const policy = find(objects, 'NetworkPolicy', 'db');
    expect(policy.spec.ingress[0].ports.map((p: Manifest) => p.port)).toContain(9104);
  });

  test('one PrometheusRule with every alert, each with severity, summary and its runbook anchor', () => {
    expect(ofKind(objects, 'PrometheusRule').map((r) => r.metadata.name)).toEqual(['db-alerts']);
    expect(rulesOf(objects).map((r) => r.alert)).toEqual([
      'MySQLReplicaSQLThreadStopped', 'MySQLReplicaIOThreadStopped', 'MySQLReplicaNotReplicating', 'MySQLReplicationLag',
      'MySQLMemberDown', 'MySQLNoWritableMember', 'MySQLMultipleWritableMembers', 'MySQLConnectionsNearMax', 'MySQLMembersNotReady',
      'MySQLDataVolumeFull', 'MySQLBackupMissing', 'MySQLRestoreDrillFailed',
    ]);
    for (const r of rulesOf(objects)) {
      expect(['critical', 'warning']).toContain(r.labels.severity);
      expect(r.annotations.summary).toBeTruthy();
      expect(r.annotations.runbook_url).toBe(`docs/operations.md#${r.alert.toLowerCase()}`);
      expect(r.expr).toContain('namespace="data"');
    }
  });

  test('the thresholds are the defaults, and each prop changes its own', () => {
    expect(alert(objects, 'MySQLReplicationLag').expr).toMatch(/> 300$/);
    expect(alert(objects, 'MySQLConnectionsNearMax').expr).toMatch(/> 80$/);
    expect(alert(objects, 'MySQLDataVolumeFull').expr).toMatch(/persistentvolumeclaim=~"data-db-\[0-9\]\+".* > 85$/);
    // A daily backup: 24 hours plus the default slack of 120 minutes.
    expect(alert(objects, 'MySQLBackupMissing').expr).toContain(`> ${(1440 + 120) * 60}`);
    expect(alert(objects, 'MySQLBackupMissing').expr).toContain('cronjob="db-backup"');
    expect(alert(objects, 'MySQLRestoreDrillFailed').expr).toContain('owner_name="db-restore-drill"');
    const tuned = mysql({
      monitoring: { replicationLagSeconds: 30, connectionsPercent: 90, volumeFullPercent: 70, backupSlackMinutes: 0, notReadyMinutes: 3 },
      ...BACKUP, backup: { ...BACKUP.backup!, schedule: '0 3 * * 1,4' },
    });
    expect(alert(tuned, 'MySQLReplicationLag').expr).toMatch(/> 30$/);
    expect(alert(tuned, 'MySQLConnectionsNearMax').expr).toMatch(/> 90$/);
    expect(alert(tuned, 'MySQLDataVolumeFull').expr).toMatch(/> 70$/);
    expect(alert(tuned, 'MySQLBackupMissing').expr).toContain(`> ${4 * 1440 * 60}`);
    expect(alert(tuned, 'MySQLMembersNotReady').for).toBe('3m');
  });

  test('labels, interval and runbookUrl go where Prometheus and the receivers read them; alerts: false leaves the scrape only', () => {
    const o = mysql({ monitoring: { labels: { release: 'kube-prometheus-stack' }, interval: '1m', runbookUrl: 'https://wiki.example.com/db' } });
    for (const kind of ['PodMonitor', 'PrometheusRule']) expect(ofKind(o, kind)[0].metadata.labels.release).toBe('kube-prometheus-stack');
    expect(ofKind(o, 'PodMonitor')[0].spec.podMetricsEndpoints[0].interval).toBe('1m');
    expect(alert(o, 'MySQLMemberDown').annotations.runbook_url).toBe('https://wiki.example.com/db#mysqlmemberdown');
    // Without backups there is no backup or drill alert.
    expect(rulesOf(o).map((r) => r.alert)).not.toContain('MySQLBackupMissing');
    const scrapeOnly = mysql({ monitoring: { alerts: false } });
    expect(ofKind(scrapeOnly, 'PrometheusRule')).toEqual([]);
    expect(ofKind(scrapeOnly, 'PodMonitor')).toHaveLength(1);
  });

  test('an explicit exporter keeps its image under monitoring; MySQL 8.4 gets the same alerts', () => {
    const o = mysql({ monitoring: {}, exporter: { image: 'registry.example.com/mysqld-exporter:v0.17.2' } });
    const sts = find(o, 'StatefulSet', 'db');
    expect(sts.spec.template.spec.containers.find((c: Manifest) => c.name === 'exporter').image).toBe('registry.example.com/mysqld-exporter:v0.17.2');
    const chart = new Chart(Testing.app(), 'c', { namespace: 'data' });
    new MySQLReplication(chart, 'db', { engine: MySQLEngine.mysql(MySQLVersion.V8_4), monitoring: {} });
    expect(rulesOf(chart.toJson()).map((r) => r.alert)).toEqual(rulesOf(o).map((r) => r.alert));
  });

  test.each<[string, MySQLMonitoringOptions, RegExp]>([
    ['a percentage over 100', { connectionsPercent: 150 }, /monitoring\.connectionsPercent 150 is invalid: must be between 1 and 100/],
    ['a lag of 0', { replicationLagSeconds: 0 }, /monitoring\.replicationLagSeconds 0 is invalid: must be at least 1/],
    ['an interval that is no duration', { interval: 'often' }, /monitoring\.interval "often" is invalid: must be a Prometheus duration/],
    ['a runbook URL with an anchor', { runbookUrl: 'https://x/y#z' }, /monitoring\.runbookUrl "https:\/\/x\/y#z" is invalid/],
    ['a label that is no label', { labels: { 'bad key!': 'x' } }, /monitoring\.labels/],
    ['notReadyMinutes 0', { notReadyMinutes: 0 }, /monitoring\.notReadyMinutes 0 is invalid/],
  ])('%s fails with InvalidPropError naming the path and prop', (_name, monitoring, message) => {
    let error: unknown;
    try { mysql({ monitoring }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(InvalidPropError);
    expect((error as Error).message).toMatch(/^c\/db: /);
    expect((error as Error).message).toMatch(message);
  });
});

describe('WordPress and Harbor monitoring', () => {
  test('WordPress: a not-ready alert over its Deployment and its built-in database, no PodMonitor (it has no metrics)', () => {
    const stack = new WordPressStack(Testing.app(), 'wordpress', { monitoring: {} });
    const objects = stack.toJson();
    expectValid(objects);
    expect(ofKind(objects, 'PodMonitor')).toEqual([]);
    const rule = alert(objects, 'WordPressNotReady');
    expect(rule.expr).toBe('(kube_deployment_status_replicas_available{namespace="wordpress", deployment=~"wordpress"}'
      + ' < kube_deployment_spec_replicas{namespace="wordpress", deployment=~"wordpress"})'
      + ' or (kube_statefulset_status_replicas_ready{namespace="wordpress", statefulset=~"wordpress-mysql"}'
      + ' < kube_statefulset_replicas{namespace="wordpress", statefulset=~"wordpress-mysql"})');
    expect(rule.for).toBe('10m');
  });

  test('Harbor: monitoring implies metrics; the PodMonitor scrapes core, jobservice, registry and the exporter; every workload is in the not-ready alert', () => {
    const stack = new HarborStack(Testing.app(), 'harbor', {
      exposure: HarborExposure.ingress({ className: 'nginx', hosts: { core: 'registry.example.com' } }), monitoring: {},
    });
    const objects = stack.toJson();
    expectValid(objects);
    const scraped = scrapedContainers(objects, find(objects, 'PodMonitor', 'harbor-metrics'));
    expect(scraped.map((s) => s.pod).sort()).toEqual(
      ['Deployment/harbor-core', 'Deployment/harbor-exporter', 'Deployment/harbor-jobservice', 'Deployment/harbor-registry']);
    const expr: string = alert(objects, 'HarborComponentNotReady').expr;
    for (const o of [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'StatefulSet')]) {
      expect(expr).toMatch(new RegExp(`${o.kind === 'Deployment' ? 'deployment' : 'statefulset'}=~"[^"]*\\b${o.metadata.name}\\b`));
    }
    expect(alert(objects, 'HarborComponentDown').expr).toBe('harbor_up{namespace="harbor"} == 0');
  });
});

describe('runbooks', () => {
  test('every alert has its section in docs/operations.md', () => {
    const doc = readFileSync(join(__dirname, '..', 'docs', 'operations.md'), 'utf8');
    const headings = new Set([...doc.matchAll(/^#{2,4} (\S+)$/gm)].map((m) => m[1].toLowerCase()));
    const all = [
      ...mysql({ monitoring: {}, ...BACKUP }),
      ...new WordPressStack(Testing.app(), 'wordpress', { monitoring: {} }).toJson(),
      ...new HarborStack(Testing.app(), 'harbor', { exposure: HarborExposure.clusterIP({ host: 'h.example.com' }), monitoring: {} }).toJson(),
    ];
    const anchors = rulesOf(all).map((r) => r.annotations.runbook_url.split('#')[1]);
    expect(anchors.length).toBeGreaterThan(12);
    expect(anchors.filter((a) => !headings.has(a))).toEqual([]);
  });
});

describe('cronMaxGapMinutes', () => {
  test.each<[string, number]>([
    ['0 2 * * *', 1440], ['@daily', 1440], ['@hourly', 60], ['*/15 * * * *', 15], ['0 3 * * 1,4', 5760],
    ['0 5 * * 0', 10080], ['0 5 * * 7', 10080], ['30 1,13 * * *', 720], ['0 0 1 * *', 31 * 1440], ['@yearly', 366 * 1440],
    // cron runs a day that matches either restricted day field: the 1st, the 15th, and every Monday.
    ['0 0 1,15 * 1', 7 * 1440], ['0 0 29 2 *', 1461 * 1440], ['0 9-17 * * 1-5', 3 * 1440 - 8 * 60],
  ])('%s: %i minutes', (cron, minutes) => {
    expect(cronMaxGapMinutes(cron)).toBe(minutes);
  });
});
