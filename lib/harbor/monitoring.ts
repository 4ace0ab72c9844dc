import type { Construct } from 'constructs';
import { recommendedLabels, selectorLabels } from '../common/labels';
import { matchers } from '../monitoring/alerts';
import { createWorkloadMonitoring, namespaceOf } from '../monitoring/monitoring';
import type { Monitoring } from '../monitoring/monitoring';
import type { MonitoringOptions } from '../monitoring/props';

/**
 * Harbor's monitoring: one PodMonitor over every Harbor pod with an `http-metrics` port (core,
 * jobservice, registry, exporter), a not-ready alert over every component and the exporter's
 * `harbor_up` per component.
 */
export function createHarborMonitoring(scope: Construct, options: MonitoringOptions, name: string, version: string): Monitoring {
  const ns = matchers({ namespace: namespaceOf(scope) });
  return createWorkloadMonitoring(scope, options, {
    name,
    labels: recommendedLabels({ name: 'harbor', instance: name, component: 'monitoring', partOf: 'harbor', version }),
    alertPrefix: 'HarborComponent',
    what: 'Harbor component',
    targets: [{ id: 'metrics', selector: selectorLabels({ name: 'harbor', instance: name }), port: 'http-metrics', path: '/metrics' }],
    alerts: [{
      alert: 'HarborComponentDown',
      expr: `harbor_up${ns} == 0`,
      for: '5m',
      severity: 'critical',
      summary: 'Harbor reports its {{ $labels.component }} down in {{ $labels.namespace }}',
      description: "Harbor's own health check (the exporter's harbor_up) finds the component unhealthy.",
    }],
  });
}
