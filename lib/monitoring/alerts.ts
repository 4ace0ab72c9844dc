/** One alert of a PrometheusRule. */
export interface AlertRule {
  /** Alert name (CamelCase); its runbook is the section of the same name in docs/operations.md. */
  readonly alert: string;
  /** PromQL. */
  readonly expr: string;
  /** How long the expression must hold, e.g. `5m`. */
  readonly for: string;
  /** The `severity` label: `critical` pages, `warning` waits for working hours. */
  readonly severity: 'critical' | 'warning';
  /** One line, may use `{{ $labels.x }}`. */
  readonly summary: string;
  /** What it means and where to look first. */
  readonly description: string;
}

/** A PromQL label matcher list: `{a="x", b=~"y"}`; a value starting with `~` is a regular expression. */
export function matchers(labels: Readonly<Record<string, string | undefined>>): string {
  const parts = Object.entries(labels)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => (v.startsWith('~') ? `${k}=~"${v.slice(1)}"` : `${k}="${v}"`));
  return `{${parts.join(', ')}}`;
}

/**
 * `<prefix>NotReady`: a Deployment or StatefulSet with fewer available (ready) pods than it wants,
 * from kube-state-metrics, for `minutes`.
 */
export function notReadyAlert(prefix: string, what: string, namespace: string | undefined,
  workloads: readonly { kind: 'Deployment' | 'StatefulSet'; name: string }[], minutes: number): AlertRule | undefined {
  const names = (kind: string) => workloads.filter((w) => w.kind === kind).map((w) => w.name);
  const parts: string[] = [];
  const deployments = names('Deployment');
  if (deployments.length > 0) {
    const m = matchers({ namespace, deployment: `~${deployments.join('|')}` });
    parts.push(`kube_deployment_status_replicas_available${m} < kube_deployment_spec_replicas${m}`);
  }
  const statefulSets = names('StatefulSet');
  if (statefulSets.length > 0) {
    const m = matchers({ namespace, statefulset: `~${statefulSets.join('|')}` });
    parts.push(`kube_statefulset_status_replicas_ready${m} < kube_statefulset_replicas${m}`);
  }
  if (parts.length === 0) return undefined;
  return {
    alert: `${prefix}NotReady`,
    expr: parts.map((p) => (parts.length > 1 ? `(${p})` : p)).join(' or '),
    for: `${minutes}m`,
    severity: 'critical',
    summary: `${what} {{ $labels.namespace }}/{{ $labels.deployment }}{{ $labels.statefulset }} has fewer ready pods than it wants`,
    description: `Only {{ $value }} ready pods, fewer than wanted, for ${minutes} minutes (kube-state-metrics). `
      + 'Look at the pods\' events and logs (kubectl describe, kubectl logs).',
  };
}
