import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { PodMonitor, PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';
import { checkInteger, checkLabels } from '../common/checks';
import { check } from '../common/errors';
import { notReadyAlert } from './alerts';
import type { AlertRule } from './alerts';
import type { MonitoringOptions } from './props';

/** Where the runbooks are unless `runbookUrl` says otherwise: the file shipped with this package. */
export const DEFAULT_RUNBOOK_URL = 'docs/operations.md';

/** Pods to scrape: one PodMonitor. */
export interface ScrapeTarget {
  /** Object id under the monitoring construct and suffix of the PodMonitor's name. */
  readonly id: string;
  /** Labels selecting the pods. */
  readonly selector: Readonly<Record<string, string>>;
  /** The named container port of the metrics. */
  readonly port: string;
  /** HTTP path of the metrics. */
  readonly path: string;
}

/** What {@link Monitoring} makes for one construct. */
export interface MonitoringSpec {
  /** The construct's name: the objects are `<name>-<target id>` and `<name>-alerts`. */
  readonly name: string;
  /** The construct's labels, put on the monitoring objects (with the user's `labels`). */
  readonly labels: Readonly<Record<string, string>>;
  /** The user's options (already checked by {@link checkMonitoringOptions}). */
  readonly options: MonitoringOptions;
  /** Pods to scrape. */
  readonly targets: readonly ScrapeTarget[];
  /** The alerts (left out when `alerts: false`). */
  readonly alerts: readonly AlertRule[];
}

/** The PodMonitors and PrometheusRule of one construct (its `monitoring` prop). */
export class Monitoring extends Construct {
  /** The PodMonitors (`monitoring.coreos.com/v1`), one per scraped workload (escape hatch). */
  public readonly podMonitors: readonly ApiObject[];
  /** The PrometheusRule with the alerts, unless `alerts: false` (escape hatch). */
  public readonly prometheusRule?: ApiObject;

  constructor(scope: Construct, id: string, spec: MonitoringSpec) {
    super(scope, id);
    const labels = { ...spec.labels, ...(spec.options.labels ?? {}) };
    const interval = spec.options.interval ?? '30s';
    this.podMonitors = spec.targets.map((t) => new PodMonitor(this, t.id, {
      metadata: { name: `${spec.name}-${t.id}`, labels },
      spec: {
        selector: { matchLabels: { ...t.selector } },
        podMetricsEndpoints: [{ port: t.port, path: t.path, interval }],
      },
    }));
    if ((spec.options.alerts ?? true) && spec.alerts.length > 0) {
      const runbook = spec.options.runbookUrl ?? DEFAULT_RUNBOOK_URL;
      this.prometheusRule = new PrometheusRule(this, 'alerts', {
        metadata: { name: `${spec.name}-alerts`, labels },
        spec: {
          groups: [{
            name: `${spec.name}.alerts`,
            rules: spec.alerts.map((a) => ({
              alert: a.alert,
              expr: PrometheusRuleSpecGroupsRulesExpr.fromString(a.expr),
              for: a.for,
              labels: { severity: a.severity },
              annotations: { summary: a.summary, description: a.description, runbook_url: `${runbook}#${a.alert.toLowerCase()}` },
            })),
          }],
        },
      });
    }
  }
}

/** Checks the common monitoring options, reported under `prop` (e.g. `monitoring`). */
export function checkMonitoringOptions(scope: IConstruct, prop: string, options: MonitoringOptions): void {
  checkLabels(scope, `${prop}.labels`, options.labels);
  if (options.interval !== undefined) {
    check(/^(\d+(ms|s|m|h|d|w|y))+$/.test(options.interval), scope, `${prop}.interval`, options.interval,
      "must be a Prometheus duration such as '30s' or '1m'");
  }
  if (options.runbookUrl !== undefined) {
    check(typeof options.runbookUrl === 'string' && /^\S+$/.test(options.runbookUrl) && !options.runbookUrl.includes('#'),
      scope, `${prop}.runbookUrl`, options.runbookUrl, "must be a URL or path without spaces or '#' (the alert's anchor is added)");
  }
  if (options.notReadyMinutes !== undefined) checkInteger(scope, `${prop}.notReadyMinutes`, options.notReadyMinutes, 1);
}

/** Every Deployment and StatefulSet under `scope`, sorted by kind and name. */
export function workloadsIn(scope: IConstruct): { kind: 'Deployment' | 'StatefulSet'; name: string }[] {
  return scope.node.findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && (c.kind === 'Deployment' || c.kind === 'StatefulSet'))
    .map((o) => ({ kind: o.kind as 'Deployment' | 'StatefulSet', name: o.name }))
    .sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));
}

/** The namespace of the construct's chart, when it has one (the alerts then match only it). */
export function namespaceOf(scope: IConstruct): string | undefined {
  return Chart.of(scope).namespace;
}

/** What {@link createWorkloadMonitoring} needs: the construct's name and labels, and its alerts' prefix. */
export interface WorkloadMonitoringSpec {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Prefix of the not-ready alert's name, e.g. `WordPress` gives `WordPressNotReady`. */
  readonly alertPrefix: string;
  /** What the workloads are, for the alert's text. */
  readonly what: string;
  readonly targets: readonly ScrapeTarget[];
  /** Alerts besides the not-ready one. */
  readonly alerts: readonly AlertRule[];
}

/**
 * The monitoring of a construct made of workloads (`monitoring` of WordPress and Harbor): its
 * PodMonitors and a not-ready alert over every Deployment and StatefulSet under `scope`. Call it
 * last in the constructor, once every workload exists.
 */
export function createWorkloadMonitoring(scope: Construct, options: MonitoringOptions, spec: WorkloadMonitoringSpec): Monitoring {
  checkMonitoringOptions(scope, 'monitoring', options);
  const notReady = notReadyAlert(spec.alertPrefix, spec.what, namespaceOf(scope), workloadsIn(scope), options.notReadyMinutes ?? 10);
  return new Monitoring(scope, 'monitoring', {
    name: spec.name, labels: spec.labels, options, targets: spec.targets,
    alerts: [...(notReady ? [notReady] : []), ...spec.alerts],
  });
}
