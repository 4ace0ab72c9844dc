/**
 * The floor of `npm run bench`: the objects of the bench's StatefulApps built directly from
 * cdk8s-plus-28's `k8s` L1 classes, with none of this library's constructs (so no checks and no
 * validation). What `app.synth()` costs for them is what cdk8s itself costs for that output; the
 * bench checks that the YAML is byte-identical to the StatefulApps'.
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { contentHash } from '../lib/common/pod';
import { asStoredClaimTemplate } from '../lib/common/storage';

/** What every bench app is made of: one index, everything else fixed. */
export function configOf(i: number): Record<string, string> {
  return { 'app.conf': `id=${i}\n` };
}

/**
 * A StatefulSet whose claim templates are written as the API server stores them, as a user who
 * re-applies without changes needs them (cdk8s-plus-28's class drops their apiVersion, kind and status).
 */
class StoredClaimsStatefulSet extends k8s.KubeStatefulSet {
  public toJson(): any {
    const json = super.toJson();
    json.spec.volumeClaimTemplates = json.spec.volumeClaimTemplates.map(asStoredClaimTemplate);
    return json;
  }
}

/** The five objects of bench app `i`, as a user would write them by hand. */
export function addFloorApp(chart: Chart, i: number): void {
  const name = `app-${i}`;
  const selector = { 'app.kubernetes.io/instance': name, 'app.kubernetes.io/name': name };
  const labels = { ...selector, 'app.kubernetes.io/managed-by': 'cdk8s' };
  const ports = [{ name: 'http', port: 80, protocol: 'TCP', targetPort: k8s.IntOrString.fromString('http') }];
  new k8s.KubeService(chart, `${name}-headless`, {
    metadata: { name, labels },
    spec: { clusterIp: 'None', selector, ports },
  });
  new k8s.KubeService(chart, `${name}-client`, {
    metadata: { name: `${name}-client`, labels },
    spec: { type: 'ClusterIP', selector, ports },
  });
  const data = configOf(i);
  new k8s.KubeConfigMap(chart, `${name}-conf`, { metadata: { name: `${name}-conf`, labels }, data });
  new StoredClaimsStatefulSet(chart, `${name}-statefulset`, {
    metadata: { name, labels },
    spec: {
      serviceName: name,
      replicas: 3,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate' },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels, annotations: { 'checksum/config': contentHash({ conf: data }) } },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'app',
            image: 'nginx:1.27.2',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
            readinessProbe: { httpGet: { path: '/', port: k8s.IntOrString.fromString('http') } },
            resources: { requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('128Mi') } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'conf', mountPath: '/etc/app' }],
          }],
          volumes: [{ name: 'conf', configMap: { name: `${name}-conf` } }],
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{
                weight: 100,
                podAffinityTerm: { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' },
              }],
            },
          },
        },
      },
      volumeClaimTemplates: [{
        metadata: { name: 'data', labels: selector },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: k8s.Quantity.fromString('1Gi') } } },
      }],
    },
  });
  new k8s.KubePodDisruptionBudget(chart, `${name}-pdb`, {
    metadata: { name, labels },
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
  });
}
