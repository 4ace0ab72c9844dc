/**
 * Monitoring of one construct: the Prometheus Operator objects that scrape its metrics
 * (`PodMonitor`) and a `PrometheusRule` with its alerts. Each alert's thresholds are props; the
 * alerts and their runbooks are in docs/operations.md ("Monitoring and alerts").
 */
export interface MonitoringOptions {
  /**
   * Labels on every PodMonitor and PrometheusRule, for the `podMonitorSelector` and
   * `ruleSelector` of your Prometheus (e.g. `{ release: 'kube-prometheus-stack' }`).
   * @default {}
   */
  readonly labels?: Record<string, string>;
  /** Scrape interval of the PodMonitors (a Prometheus duration such as `30s`). @default '30s' */
  readonly interval?: string;
  /** The PrometheusRule with the alerts; `false` for the scrape objects only. @default true */
  readonly alerts?: boolean;
  /**
   * Where the runbooks are published: each alert's `runbook_url` annotation is this plus
   * `#<alert name in lower case>`.
   * @default 'docs/operations.md' - the runbooks shipped with this package
   */
  readonly runbookUrl?: string;
  /** Minutes a workload may have fewer ready pods than it wants before its `...NotReady` alert fires. @default 10 */
  readonly notReadyMinutes?: number;
}

/** Monitoring of a MySQLReplication: the common options and the database's thresholds. */
export interface MySQLMonitoringOptions extends MonitoringOptions {
  /** A replica further behind the primary than this many seconds (for 5 minutes) alerts. @default 300 */
  readonly replicationLagSeconds?: number;
  /** Connections above this percentage of `max_connections` (for 5 minutes) alert. @default 80 */
  readonly connectionsPercent?: number;
  /** A data claim fuller than this percentage (for 5 minutes) alerts. @default 85 */
  readonly volumeFullPercent?: number;
  /**
   * Minutes added to the longest interval of the backup schedule before "no successful backup"
   * alerts (a backup's own run time, a controller that was down). @default 120
   */
  readonly backupSlackMinutes?: number;
}
