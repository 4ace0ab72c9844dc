import type { Construct } from 'constructs';
import { checkInteger } from '../common/checks';
import { matchers, notReadyAlert } from '../monitoring/alerts';
import type { AlertRule } from '../monitoring/alerts';
import { checkMonitoringOptions, Monitoring, namespaceOf } from '../monitoring/monitoring';
import type { MySQLMonitoringOptions } from '../monitoring/props';
import { cronMaxGapMinutes } from './backup/cron-gap';

/** What the alerts of a MySQLReplication need to know. */
export interface MySQLMonitoringContext {
  /** The StatefulSet's name (pods `<name>-<ordinal>`, claims `data-<name>-<ordinal>`). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly selector: Readonly<Record<string, string>>;
  /** The exporter's named port. */
  readonly port: string;
  /** The backup CronJob's name and schedule, when backups are on. */
  readonly backup?: { readonly cronJob: string; readonly schedule: string };
  /** The restore drill CronJob's name, when the drill is on. */
  readonly drillCronJob?: string;
}

/** The PodMonitor of the members' exporters and the database's alerts (`monitoring` of a MySQLReplication). */
export function createMySQLMonitoring(scope: Construct, options: MySQLMonitoringOptions, ctx: MySQLMonitoringContext): Monitoring {
  checkMonitoringOptions(scope, 'monitoring', options);
  const lag = options.replicationLagSeconds ?? 300;
  checkInteger(scope, 'monitoring.replicationLagSeconds', lag, 1);
  const connections = options.connectionsPercent ?? 80;
  checkInteger(scope, 'monitoring.connectionsPercent', connections, 1, 100);
  const volume = options.volumeFullPercent ?? 85;
  checkInteger(scope, 'monitoring.volumeFullPercent', volume, 1, 100);
  const slack = options.backupSlackMinutes ?? 120;
  checkInteger(scope, 'monitoring.backupSlackMinutes', slack, 0);
  const ns = namespaceOf(scope);
  const alerts = mysqlAlerts(ns, ctx, { lag, connections, volume, slack, notReady: options.notReadyMinutes ?? 10 });
  return new Monitoring(scope, 'monitoring', {
    name: ctx.name, labels: ctx.labels, options,
    targets: [{ id: 'members', selector: ctx.selector, port: ctx.port, path: '/metrics' }],
    alerts,
  });
}

interface Thresholds { lag: number; connections: number; volume: number; slack: number; notReady: number }

function mysqlAlerts(ns: string | undefined, ctx: MySQLMonitoringContext, t: Thresholds): AlertRule[] {
  const members = matchers({ namespace: ns, pod: `~${ctx.name}-[0-9]+` });
  // mysqld-exporter names the SHOW REPLICA STATUS columns as the server does: Slave_* (MariaDB,
  // MySQL 8.0) or Replica_* (MySQL 8.4 and later).
  const either = (a: string, b: string) => `(mysql_slave_status_${a}${members} or mysql_slave_status_${b}${members})`;
  const sqlRunning = either('slave_sql_running', 'replica_sql_running');
  const ioRunning = either('slave_io_running', 'replica_io_running');
  const readOnly = `mysql_global_variables_read_only${members}`;
  const alerts: AlertRule[] = [
    {
      alert: 'MySQLReplicaSQLThreadStopped', expr: `${sqlRunning} == 0`, for: '2m', severity: 'critical',
      summary: 'Replication SQL thread stopped on {{ $labels.namespace }}/{{ $labels.pod }}',
      description: 'The replica applies no more changes from the primary: its data gets older with every write. SHOW REPLICA STATUS shows the last SQL error.',
    },
    {
      alert: 'MySQLReplicaIOThreadStopped', expr: `${ioRunning} == 0`, for: '2m', severity: 'critical',
      summary: 'Replication IO thread stopped on {{ $labels.namespace }}/{{ $labels.pod }}',
      description: 'The replica receives no more changes from the primary (network, credentials or a purged binary log). SHOW REPLICA STATUS shows the last IO error.',
    },
    {
      alert: 'MySQLReplicaNotReplicating', expr: `${readOnly} == 1 unless on (namespace, pod) ${sqlRunning}`, for: '5m', severity: 'critical',
      summary: 'Read-only member {{ $labels.namespace }}/{{ $labels.pod }} has no replication configured',
      description: 'A replica without any replication channel serves data that never changes again (replication was reset or never started).',
    },
    {
      alert: 'MySQLReplicationLag', expr: `${either('seconds_behind_master', 'seconds_behind_source')} > ${t.lag}`, for: '5m', severity: 'warning',
      summary: 'Replica {{ $labels.namespace }}/{{ $labels.pod }} is {{ $value }}s behind the primary',
      description: `The replica has been more than ${t.lag} seconds behind the primary for 5 minutes: reads from it are stale, and a switchover to it would wait.`,
    },
    {
      alert: 'MySQLMemberDown', expr: `mysql_up${members} == 0 or up${members} == 0`, for: '1m', severity: 'critical',
      summary: 'Database member {{ $labels.namespace }}/{{ $labels.pod }} is down',
      description: 'The exporter cannot reach the server (mysql_up 0), or Prometheus cannot scrape the member (up 0).',
    },
    {
      alert: 'MySQLNoWritableMember',
      expr: `count by (namespace) (${readOnly} == 1) unless on (namespace) count by (namespace) (${readOnly} == 0)`,
      for: '2m', severity: 'critical',
      summary: 'No writable member in {{ $labels.namespace }}: the primary is read-only',
      description: 'Every member that reports is read-only: every write fails.',
    },
    {
      alert: 'MySQLMultipleWritableMembers', expr: `count by (namespace) (${readOnly} == 0) > 1`, for: '1m', severity: 'critical',
      summary: '{{ $value }} writable members in {{ $labels.namespace }}',
      description: 'More than one member accepts writes: the members diverge (split brain). Stop writes to all but the primary now.',
    },
    {
      alert: 'MySQLConnectionsNearMax',
      expr: `100 * mysql_global_status_threads_connected${members} / mysql_global_variables_max_connections${members} > ${t.connections}`,
      for: '5m', severity: 'warning',
      summary: '{{ $labels.namespace }}/{{ $labels.pod }} uses {{ $value | printf "%.0f" }}% of max_connections',
      description: `More than ${t.connections}% of max_connections are in use: new clients are refused when it is reached.`,
    },
    notReadyAlert('MySQLMembers', 'Database members', ns, [{ kind: 'StatefulSet', name: ctx.name }], t.notReady)!,
  ];
  const claims = matchers({ namespace: ns, persistentvolumeclaim: `~data-${ctx.name}-[0-9]+` });
  alerts.push({
    alert: 'MySQLDataVolumeFull',
    expr: `100 * kubelet_volume_stats_used_bytes${claims} / kubelet_volume_stats_capacity_bytes${claims} > ${t.volume}`,
    for: '5m', severity: 'warning',
    summary: 'Data claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | printf "%.0f" }}% full',
    description: `The member's data claim is more than ${t.volume}% full: the server stops writing when it is full.`,
  });
  if (ctx.backup) {
    const maxAge = (cronMaxGapMinutes(ctx.backup.schedule) + t.slack) * 60;
    const cron = matchers({ namespace: ns, cronjob: ctx.backup.cronJob });
    const last = `kube_cronjob_status_last_successful_time${cron}`;
    alerts.push({
      alert: 'MySQLBackupMissing',
      expr: `time() - ${last} > ${maxAge} or (time() - kube_cronjob_created${cron} > ${maxAge} unless on (namespace, cronjob) ${last})`,
      for: '10m', severity: 'critical',
      summary: 'No successful backup of {{ $labels.namespace }}/{{ $labels.cronjob }} for too long',
      description: `No backup Job of the CronJob has succeeded within the longest interval of its schedule (${ctx.backup.schedule}) plus ${t.slack} minutes.`,
    });
  }
  if (ctx.drillCronJob) {
    const owned = `kube_job_owner${matchers({ namespace: ns, owner_kind: 'CronJob', owner_name: ctx.drillCronJob })}`;
    const started = `kube_job_status_start_time${matchers({ namespace: ns })}`;
    alerts.push({
      alert: 'MySQLRestoreDrillFailed',
      expr: `kube_job_failed${matchers({ namespace: ns, condition: 'true' })} == 1 and on (namespace, job_name) ${owned}`
        + ` and on (namespace, job_name) (${started} == on (namespace) group_left () max by (namespace) (${started} and on (namespace, job_name) ${owned}))`,
      for: '1m', severity: 'critical',
      summary: 'The latest restore drill {{ $labels.namespace }}/{{ $labels.job_name }} failed',
      description: 'The newest backup could not be restored, or its tables did not check: the backups may not be usable.',
    });
  }
  return alerts;
}
