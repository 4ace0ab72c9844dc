import { Chart, Testing } from 'cdk8s';
import { DeploymentApp, DeploymentAppProps, Probe } from '../lib';
import { expectValid, find, Manifest, ofKind, synthChart } from './support/manifests';

const container = { name: 'web', image: 'nginx:1.27.2', ports: [{ name: 'http', port: 8080 }] };

function synth(props: Partial<DeploymentAppProps> = {}): Manifest[] {
  return synthChart(chart => new DeploymentApp(chart, 'web', { container, ...props }));
}

function build(props: Partial<DeploymentAppProps> = {}): DeploymentApp {
  return new DeploymentApp(new Chart(Testing.app(), 'test', { namespace: 'prod' }), 'web', { container, ...props });
}

describe('DeploymentApp', () => {
  test('defaults: one replica rolling with surge, a ClusterIP Service on the named ports, no PDB', () => {
    const objects = synth();
    const deployment = find(objects, 'Deployment', 'web');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(find(objects, 'Service', 'web').spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(0);
    expectValid(objects);
  });

  test('a ReadWriteOnce claim makes the Deployment Recreate (a rolling update would hang on Multi-Attach)', () => {
    const objects = synth({ volumeClaims: [{ name: 'data', size: '5Gi', mountPath: '/data' }] });
    expect(find(objects, 'Deployment', 'web').spec.strategy).toEqual({ type: 'Recreate' });
    expect(find(objects, 'PersistentVolumeClaim', 'web-data').spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } });
    expect(find(objects, 'Deployment', 'web').spec.template.spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'web-data' } }]);
    expectValid(objects);
  });

  test('ReadWriteMany claims scale and roll; an existing claim is mounted, not created', () => {
    const objects = synth({
      replicas: 3,
      volumeClaims: [{ name: 'shared', size: '5Gi', accessModes: ['ReadWriteMany'], mountPath: '/shared' }, { name: 'old', existingClaim: 'legacy', accessModes: ['ReadOnlyMany'], mountPath: '/old' }],
    });
    expect(find(objects, 'Deployment', 'web').spec.strategy.type).toBe('RollingUpdate');
    expect(ofKind(objects, 'PersistentVolumeClaim').map(c => c.metadata.name)).toEqual(['web-shared']);
    expect(find(objects, 'PodDisruptionBudget', 'web').spec.maxUnavailable).toBe(1);
    expectValid(objects);
  });

  test('autoscaling: an HPA on CPU at 80% by default, the Deployment leaves replicas to it, a PDB', () => {
    const objects = synth({ autoscaling: { minReplicas: 2, maxReplicas: 5 } });
    expect(find(objects, 'Deployment', 'web').spec.replicas).toBeUndefined();
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'web');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 5, scaleTargetRef: { kind: 'Deployment', name: 'web' } });
    expect(hpa.spec.metrics[0].resource.target).toEqual({ type: 'Utilization', averageUtilization: 80 });
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(1);
    expectValid(objects);
  });

  test('no Service without ports, or when disabled; endpoint of the Service', () => {
    const noPorts = synth({ container: { name: 'worker', image: 'busybox:1.37.0' } });
    expect(ofKind(noPorts, 'Service')).toHaveLength(0);
    expect(ofKind(synth({ service: false }), 'Service')).toHaveLength(0);
    expect(build().serviceEndpoint('http')).toEqual({ host: 'web.prod.svc.cluster.local', port: 8080 });
    expect(() => build({ service: false }).serviceEndpoint('http')).toThrow(/an endpoint needs the Service/);
  });

  const bad: Array<[string, Partial<DeploymentAppProps>, RegExp]> = [
    ['two replicas on a ReadWriteOnce claim', { replicas: 2, volumeClaims: [{ name: 'data', size: '1Gi' }] },
      /test\/web: replicas 2 is invalid: must be at most 1 because claim "data" is ReadWriteOnce: a second pod would hang on Multi-Attach/],
    ['autoscaling beyond one replica on a ReadWriteOnce claim', { autoscaling: { minReplicas: 1, maxReplicas: 3 }, volumeClaims: [{ name: 'data', size: '1Gi' }] },
      /autoscaling.maxReplicas 3 is invalid: must be at most 1/],
    ['replicas together with autoscaling', { replicas: 2, autoscaling: { minReplicas: 1, maxReplicas: 3 } }, /replicas 2 is invalid: must be left unset with autoscaling/],
    ['a claim without size', { volumeClaims: [{ name: 'data' }] }, /volumeClaims\[0\].size \(unset\) is invalid: is required unless existingClaim is set/],
    ['an empty access mode list', { volumeClaims: [{ name: 'data', size: '1Gi', accessModes: [] }] }, /volumeClaims\[0\].accessModes \[\] is invalid: must list at least one access mode/],
    ['a subPath without mountPath', { volumeClaims: [{ name: 'data', size: '1Gi', subPath: 'x' }] }, /volumeClaims\[0\].subPath "x" is invalid: needs a mountPath/],
    ['a Service without ports', { container: { name: 'worker', image: 'busybox:1.37.0' }, service: {} }, /a Service needs at least one port/],
    ['a probe on a port the container does not have', { container: { ...container, readinessProbe: Probe.http('/', 'metrics') } },
      /container.readinessProbe.port "metrics" is invalid: must name a port of this container \(known: http\)/],
  ];
  test.each(bad)('rejects %s', (_, props, message) => expect(() => build(props)).toThrow(message));
});
