/**
 * A workload kind of one's own on the library's base, as one would write it in another project
 * (there the import is `from 'cdk8s-stateful'`): a DaemonSet, one agent pod per node. It gets the
 * base's pod, labels, ConfigMaps with their checksum, ServiceAccount, Services, endpoints and checks
 * by giving `renderWorkload` the one thing that differs: the workload object around the pod template.
 */
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppVolume, ClientServiceOptions, InvalidPropError, Probe, WorkloadBase, WorkloadProps } from '../lib';

/** Props of {@link NodeAgent}. */
export interface NodeAgentProps extends WorkloadProps {
  /** Nodes whose agent may be down at once during a rolling update (number or percentage). @default 1 */
  readonly maxUnavailable?: number | string;
  /** A Service in front of the agents; `false` for none. @default - a ClusterIP Service named after the agent */
  readonly service?: ClientServiceOptions | false;
}

/** One pod per node: a DaemonSet with an optional Service. Claims must be `existingClaim`s (shared by every node). */
export class NodeAgent extends WorkloadBase {
  /** The DaemonSet (escape hatch). */
  public readonly daemonSet: k8s.KubeDaemonSet;
  /** The Service, unless switched off. */
  public readonly service?: k8s.KubeService;

  constructor(scope: Construct, id: string, props: NodeAgentProps) {
    super(scope, id, props);
    // Props are checked first; the construct path, prop, value and rule go into the error.
    this.volumeClaims.forEach((c, i) => {
      if (c.existingClaim === undefined) {
        throw new InvalidPropError(this, `volumeClaims[${i}].existingClaim`, c.existingClaim, 'must be set: a DaemonSet makes no claims, its pods share an existing one');
      }
    });
    const maxUnavailable = props.maxUnavailable ?? 1;

    // The one hook: the base makes the ConfigMaps and the ServiceAccount, checks the pod, then asks
    // for the workload object around the pod template, and claims the names of what was made.
    this.daemonSet = this.renderWorkload({
      claimVolumes: this.volumeClaims.map(c => AppVolume.persistentVolumeClaim(c.name, c.existingClaim!)),
      workload: template => new k8s.KubeDaemonSet(this, 'daemonset', {
        metadata: { name: this.name, labels: this.labels },
        spec: {
          selector: { matchLabels: this.selectorLabels },
          updateStrategy: {
            type: 'RollingUpdate',
            rollingUpdate: {
              maxUnavailable: typeof maxUnavailable === 'number' ? k8s.IntOrString.fromNumber(maxUnavailable) : k8s.IntOrString.fromString(maxUnavailable),
            },
          },
          template,
        },
      }),
    });

    // Objects made after the hook follow the workload in the output.
    if (props.service !== false) this.service = this.createService('service', 'service', this.name, props.service ?? {});
  }
}

/** The example app: a metrics agent on every node of the `monitoring` namespace. */
export function buildNodeAgentApp(app: App = new App()): App {
  const chart = new Chart(app, 'monitoring', { namespace: 'monitoring' });
  new NodeAgent(chart, 'node-exporter', {
    appName: 'node-exporter',
    component: 'metrics',
    container: {
      name: 'exporter',
      image: 'quay.io/prometheus/node-exporter:v1.8.2',
      args: ['--web.config.file=/etc/exporter/web.yml'],
      ports: [{ name: 'metrics', port: 9100 }],
      readinessProbe: Probe.http('/metrics', 'metrics'),
      resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '64Mi' } },
      securityContext: { runAsNonRoot: true, runAsUser: 65534, readOnlyRootFilesystem: true },
    },
    configMaps: [{ name: 'web', files: { 'web.yml': 'http_server_config:\n  http2: true\n' }, mountPath: '/etc/exporter' }],
    tolerations: [{ operator: 'Exists' }],
    antiAffinity: 'none',
  });
  return app;
}
