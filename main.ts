import { App, Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Probe, StatefulApp } from './lib';

/** The seed's `myapp`: three replicas, each with its own `data` claim kept on scale-down. */
export class MyAppChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new k8s.KubeNamespace(this, 'namespace', { metadata: { name: this.namespace! } });
    new StatefulApp(this, 'myapp', {
      replicas: 3,
      container: {
        name: 'myapp',
        image: 'registry.k8s.io/e2e-test-images/agnhost:2.47',
        args: ['netexec', '--http-port=8080'],
        ports: [{ name: 'http', port: 8080 }],
        readinessProbe: Probe.http('/healthz', 'http'),
        livenessProbe: Probe.http('/healthz', 'http'),
        resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '64Mi' } },
        securityContext: { runAsNonRoot: true, runAsUser: 65534, readOnlyRootFilesystem: true },
      },
      podSecurity: { fsGroup: 65534 },
      volumeClaims: [{ name: 'data', size: '1Gi', mountPath: '/data' }],
      clientService: {},
    });
  }
}

/** Builds the default app. */
export function buildApp(app: App = new App()): App {
  new MyAppChart(app, 'myapp', { namespace: 'myapp' });
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
