import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { checkCidr, checkDnsLabel, checkPort } from '../common/checks';
import { check } from '../common/errors';
import type { MySQLReplication } from '../mysql/mysql-replication';
import { WORDPRESS_HTTP_PORT } from './apache';

/** Pods that may reach WordPress besides the Ingress controller. */
export interface WordPressNetworkClient {
  /** Labels of the pods. */
  readonly podLabels: Record<string, string>;
  /** Their namespace. @default - the WordPress namespace */
  readonly namespace?: string;
}

/**
 * The NetworkPolicy of the WordPress pods (Bitnami `networkPolicy.*`, on by default there too): who may
 * connect to Apache, and where WordPress may connect to.
 */
export interface WordPressNetworkPolicyOptions {
  /** Namespace of the Ingress controller, whose pods may connect (`ingressNSMatchLabels`). @default 'ingress-nginx' */
  readonly ingressControllerNamespace?: string;
  /** Other pods that may connect to the HTTP port (`extraIngress`). @default [] */
  readonly allowedClients?: WordPressNetworkClient[];
  /**
   * Client networks (CIDRs) that may connect: needed with a NodePort or LoadBalancer Service, whose
   * traffic does not come from a pod, e.g. `['0.0.0.0/0']`. @default []
   */
  readonly allowedCidrs?: string[];
  /**
   * Let WordPress open HTTP and HTTPS connections to anywhere (`allowExternalEgress`): updates of the
   * core, plugins and themes from the dashboard, wordpress.org APIs, oEmbed. Without it WordPress
   * reaches only its database and DNS. @default false
   */
  readonly allowInternetEgress?: boolean;
}

/** Where the database is, as the NetworkPolicy needs it. */
export interface WordPressDatabaseTarget {
  /** The built-in MySQLReplication (same namespace): egress goes to its pods only. */
  readonly builtIn?: MySQLReplication;
  /** The database port. */
  readonly port: number;
}

/**
 * The WordPress pods' NetworkPolicy: ingress to the HTTP port from the Ingress controller's namespace,
 * the named pods and CIDRs only (the kubelet's probes come from the node and are always allowed);
 * egress to DNS (port 53, any destination, so node-local DNS caches work), to the database (the
 * built-in one's pods, else the handle's port) and, if asked, to HTTP(S) anywhere.
 */
export function createWordPressNetworkPolicy(scope: Construct, o: {
  name: string; labels: Record<string, string>; selector: Record<string, string>;
  serviceType: string; options: WordPressNetworkPolicyOptions; database: WordPressDatabaseTarget;
}): k8s.KubeNetworkPolicy {
  const controllerNamespace = o.options.ingressControllerNamespace ?? 'ingress-nginx';
  checkDnsLabel(scope, 'networkPolicy.ingressControllerNamespace', controllerNamespace);
  const clients = o.options.allowedClients ?? [];
  clients.forEach((c, i) => {
    check(c.podLabels !== undefined && Object.keys(c.podLabels).length > 0, scope, `networkPolicy.allowedClients[${i}].podLabels`, c.podLabels,
      'must name at least one label (an empty selector would admit every pod)');
    if (c.namespace !== undefined) checkDnsLabel(scope, `networkPolicy.allowedClients[${i}].namespace`, c.namespace);
  });
  const cidrs = o.options.allowedCidrs ?? [];
  cidrs.forEach((c, i) => checkCidr(scope, `networkPolicy.allowedCidrs[${i}]`, c));
  check(o.serviceType === 'ClusterIP' || cidrs.length > 0, scope, 'networkPolicy.allowedCidrs', cidrs,
    `must list the client networks while serviceType is ${o.serviceType}: its traffic does not come from the Ingress controller's pods `
    + "(e.g. networkPolicy: { allowedCidrs: ['0.0.0.0/0'] }), or set networkPolicy: false");
  checkPort(scope, 'database.port', o.database.port);

  const tcp = (port: number) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
  const inNamespace = (namespace: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': namespace } });
  // A peer with a podSelector and no namespaceSelector is in the policy's own namespace.
  const mysql = o.database.builtIn;
  const databasePeer = mysql ? [{ podSelector: { matchLabels: mysql.app.selectorLabels } }] : undefined;
  return new k8s.KubeNetworkPolicy(scope, 'network-policy', {
    metadata: { name: o.name, labels: o.labels },
    spec: {
      podSelector: { matchLabels: o.selector },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{
        from: [
          { namespaceSelector: inNamespace(controllerNamespace) },
          ...clients.map(c => ({ podSelector: { matchLabels: c.podLabels }, ...(c.namespace ? { namespaceSelector: inNamespace(c.namespace) } : {}) })),
          ...cidrs.map(cidr => ({ ipBlock: { cidr } })),
        ],
        ports: [tcp(WORDPRESS_HTTP_PORT)],
      }],
      egress: [
        { ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)] },
        { ...(databasePeer ? { to: databasePeer } : {}), ports: [tcp(o.database.port)] },
        ...(o.options.allowInternetEgress ? [{ ports: [tcp(80), tcp(443)] }] : []),
      ],
    },
  });
}
