import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { EnvValue } from '../common/env';
import { POD_NAME_LABEL } from '../validation/output';

/** The key of the topology ConfigMap that holds the declared primary's ordinal. */
const PRIMARY_KEY = 'primary';

/** What the write path of a cluster is built from. */
export interface PrimaryRoutingOptions {
  /** The StatefulSet name. */
  readonly name: string;
  /** The declared primary's ordinal. */
  readonly primary: number;
  /** Labels of every object of the app. */
  readonly labels: Record<string, string>;
  /** Labels that select the members' pods. */
  readonly selectorLabels: Record<string, string>;
  /** The client port. */
  readonly port: number;
}

/** The write Service and the topology ConfigMap of a cluster. */
export interface PrimaryRouting {
  /** `<name>-primary`: selects the declared primary's pod by its pod-name label. */
  readonly service: k8s.KubeService;
  /** `<name>-topology`: `primary: <ordinal>`, read by the members' scripts when a container starts. */
  readonly configMap: k8s.KubeConfigMap;
}

/** PRIMARY_ORDINAL of the members of cluster `name`: from its topology ConfigMap, not a literal, so a change rolls no pod. */
export function primaryOrdinalEnv(name: string): EnvValue {
  return EnvValue.fromConfigMap(`${name}-topology`, PRIMARY_KEY);
}

/**
 * The write path. The members read the declared primary from a ConfigMap key through their env
 * when a container starts, so a new `primary` changes no pod template (a switchover restarts no
 * pod); the Service selects the declared primary's pod, so the write endpoint follows it.
 */
export function createPrimaryRouting(scope: Construct, o: PrimaryRoutingOptions): PrimaryRouting {
  const configMap = new k8s.KubeConfigMap(scope, 'topology', {
    metadata: { name: `${o.name}-topology`, labels: o.labels },
    data: { [PRIMARY_KEY]: String(o.primary) },
  });
  const service = new k8s.KubeService(scope, 'primary-service', {
    metadata: { name: `${o.name}-primary`, labels: o.labels },
    spec: {
      type: 'ClusterIP',
      selector: { ...o.selectorLabels, [POD_NAME_LABEL]: `${o.name}-${o.primary}` },
      ports: [{ name: 'mysql', port: o.port, protocol: 'TCP', targetPort: k8s.IntOrString.fromString('mysql') }],
    },
  });
  return { service, configMap };
}
