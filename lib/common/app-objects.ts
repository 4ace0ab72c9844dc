import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkAbsolutePath, checkDnsLabel, checkDnsSubdomain, checkQuantity, checkUnique } from './checks';
import { ContainerPort, VolumeMount } from './container';
import { Endpoint } from './endpoint';
import { check } from './errors';
import { buildPodTemplate, contentHash, PodProps } from './pod';
import { AppVolume } from './volume';

/** A ConfigMap made from a map of file names to contents, mounted as a volume. */
export interface AppConfigMap {
  /** Volume name; the ConfigMap object is named `<app>-<name>`. */
  readonly name: string;
  /** File name to file content. */
  readonly files: Record<string, string>;
  /** Mounts it into the main container at this path. @default - mounted only where a container asks */
  readonly mountPath?: string;
  /** File mode of the mounted files, e.g. `0o555` for scripts. @default 0o644 */
  readonly defaultMode?: number;
}

/** A Service for clients, balancing over the ready pods. */
export interface ClientServiceOptions {
  /** Service name. @default - depends on the construct */
  readonly name?: string;
  /** Service type. @default 'ClusterIP' */
  readonly type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** Container port names to expose. @default - every port of the main container */
  readonly ports?: string[];
  /** Extra labels on the Service object. @default {} */
  readonly labels?: Record<string, string>;
}

/** A PodDisruptionBudget that keeps voluntary evictions (drains) from taking too many pods at once. */
export interface DisruptionBudgetOptions {
  /** Create it. @default - true when replicas > 1 */
  readonly enabled?: boolean;
  /** Pods that may be evicted at once (number or percentage). @default 1 */
  readonly maxUnavailable?: number | string;
}

/** A dedicated ServiceAccount for the pods. */
export interface ServiceAccountOptions {
  /** ServiceAccount name. @default - the app name */
  readonly name?: string;
  /** Mount its API token into the pods (only apps that call the Kubernetes API need it). @default false */
  readonly automountToken?: boolean;
}

/** What an app's ConfigMaps add to its pod template. */
export interface ConfigMapsResult {
  /** The ConfigMap objects by volume name. */
  readonly objects: Record<string, k8s.KubeConfigMap>;
  /** Their pod volumes. */
  readonly volumes: AppVolume[];
  /** The content-hash annotation that rolls the pods on change (empty without ConfigMaps). */
  readonly annotations: Record<string, string>;
}

/** Annotation on the pod template that carries the hash of the app's ConfigMaps. */
export const CONFIG_HASH_ANNOTATION = 'checksum/config';

/** Checks and creates the ConfigMaps `<app>-<name>` of an app. */
export function createConfigMaps(scope: Construct, app: string, labels: Record<string, string>, configs: readonly AppConfigMap[]): ConfigMapsResult {
  const objects: Record<string, k8s.KubeConfigMap> = {};
  configs.forEach((cm, i) => {
    checkDnsLabel(scope, `configMaps[${i}].name`, cm.name);
    checkDnsSubdomain(scope, `configMaps[${i}] object name`, `${app}-${cm.name}`);
    for (const file of Object.keys(cm.files)) {
      check(/^[-._a-zA-Z0-9]+$/.test(file), scope, `configMaps[${i}].files`, file,
        "file names must consist of letters, digits, '-', '_' or '.'");
    }
    if (cm.mountPath !== undefined) checkAbsolutePath(scope, `configMaps[${i}].mountPath`, cm.mountPath);
    objects[cm.name] = new k8s.KubeConfigMap(scope, `config-${cm.name}`, {
      metadata: { name: `${app}-${cm.name}`, labels }, data: cm.files,
    });
  });
  return {
    objects,
    volumes: configs.map(cm => AppVolume.configMap(cm.name, `${app}-${cm.name}`, { defaultMode: cm.defaultMode })),
    annotations: configs.length
      ? { [CONFIG_HASH_ANNOTATION]: contentHash(Object.fromEntries(configs.map(cm => [cm.name, cm.files]))) }
      : {},
  };
}

/**
 * Service ports for the named container ports (or `defaults` when no names are given). Only a
 * headless Service may have none (`required: false`).
 */
export function servicePorts(scope: Construct, prop: string, all: readonly ContainerPort[], defaults: readonly ContainerPort[],
  names?: readonly string[], required = true): k8s.ServicePort[] {
  const ports = names === undefined ? defaults : names.map(n => {
    const port = all.find(p => p.name === n);
    check(port !== undefined, scope, prop, n, `must name a container port (known: ${all.map(p => p.name).join(', ') || 'none'})`);
    return port!;
  });
  check(ports.length > 0 || !required, scope, prop, names, 'a Service needs at least one port: give the container a named port or list one');
  return ports.map(p => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol ?? 'TCP' }));
}

/** Creates a PodDisruptionBudget when enabled (by default when more than one replica can run). */
export function createDisruptionBudget(scope: Construct, name: string, labels: Record<string, string>, selector: Record<string, string>,
  opts: DisruptionBudgetOptions, replicas: number): k8s.KubePodDisruptionBudget | undefined {
  if (!(opts.enabled ?? replicas > 1)) return undefined;
  const mu = opts.maxUnavailable ?? 1;
  return new k8s.KubePodDisruptionBudget(scope, 'pdb', {
    metadata: { name, labels },
    spec: {
      maxUnavailable: typeof mu === 'number' ? k8s.IntOrString.fromNumber(mu) : k8s.IntOrString.fromString(mu),
      selector: { matchLabels: selector },
    },
  });
}

/** Creates the app's ServiceAccount, when asked for. */
export function createServiceAccount(scope: Construct, app: string, labels: Record<string, string>,
  opts: ServiceAccountOptions | undefined): k8s.KubeServiceAccount | undefined {
  if (!opts) return undefined;
  const name = opts.name ?? app;
  checkDnsSubdomain(scope, 'serviceAccount.name', name);
  return new k8s.KubeServiceAccount(scope, 'service-account', {
    metadata: { name, labels }, automountServiceAccountToken: opts.automountToken ?? false,
  });
}

/** Something a construct mounts into its main container when it names a `mountPath`. */
export interface AutoMounted {
  /** Volume name. */
  readonly name: string;
  /** Where to mount it, if anywhere. */
  readonly mountPath?: string;
  /** Sub-directory to mount. */
  readonly subPath?: string;
}

/** The main-container mounts of claims and ConfigMaps that name a `mountPath`. */
export function autoMounts(volumes: readonly AutoMounted[]): VolumeMount[] {
  return volumes.filter(v => v.mountPath).map(v => ({ volume: v.name, mountPath: v.mountPath!, subPath: v.subPath }));
}

/** What an app construct knows about its pods beyond its props. */
export interface AppPodInputs {
  /** App name, the prefix of its ConfigMap names. */
  readonly name: string;
  /** Labels of every object. */
  readonly labels: Record<string, string>;
  /** Labels that select the pods. */
  readonly selector: Record<string, string>;
  /** ConfigMaps built from file maps. */
  readonly configMaps: readonly AppConfigMap[];
  /** Claims: mounted into the main container when they name a mountPath. */
  readonly claims: readonly AutoMounted[];
  /** Volumes the app adds for its claims (Deployments), if any. */
  readonly claimVolumes: readonly AppVolume[];
  /** Claim template names mounts may refer to (StatefulSets), if any. */
  readonly claimNames: readonly string[];
  /** A dedicated ServiceAccount, if asked for. */
  readonly serviceAccount?: ServiceAccountOptions;
}

/** The pod template of an app with its ConfigMaps and ServiceAccount, shared by StatefulApp and DeploymentApp. */
export function createAppPod(scope: Construct, props: PodProps, inputs: AppPodInputs) {
  const configMaps = createConfigMaps(scope, inputs.name, inputs.labels, inputs.configMaps);
  const serviceAccount = createServiceAccount(scope, inputs.name, inputs.labels, inputs.serviceAccount);
  const template = buildPodTemplate(scope, {
    ...props,
    container: {
      ...props.container,
      volumeMounts: [...autoMounts([...inputs.claims, ...inputs.configMaps]), ...(props.container.volumeMounts ?? [])],
    },
  }, {
    prop: 'container',
    labels: inputs.labels,
    selector: inputs.selector,
    volumes: [...configMaps.volumes, ...inputs.claimVolumes],
    claimNames: inputs.claimNames,
    annotations: configMaps.annotations,
    serviceAccountName: serviceAccount?.name,
    automountToken: inputs.serviceAccount?.automountToken,
  });
  return { template, configMaps: configMaps.objects, serviceAccount };
}

/** The options every claim shares, StatefulSet template or Deployment claim. */
export interface ClaimShape {
  /** Claim (and volume) name. */
  readonly name: string;
  /** Requested size; undefined only for an existing claim. */
  readonly size?: string;
  /** Access modes. */
  readonly accessModes?: readonly string[];
  /** Storage class. */
  readonly storageClassName?: string;
  /** Where the main container mounts it. */
  readonly mountPath?: string;
  /** Sub-directory to mount. */
  readonly subPath?: string;
}

/** Checks claims: names, sizes, access modes, storage class, mount path and subPath, unique names. */
export function checkClaims(scope: Construct, prop: string, claims: readonly ClaimShape[]): void {
  claims.forEach((c, i) => {
    const at = `${prop}[${i}]`;
    checkDnsLabel(scope, `${at}.name`, c.name);
    if (c.size !== undefined) checkQuantity(scope, `${at}.size`, c.size);
    if (c.mountPath !== undefined) checkAbsolutePath(scope, `${at}.mountPath`, c.mountPath);
    check(c.subPath === undefined || c.mountPath !== undefined, scope, `${at}.subPath`, c.subPath, 'needs a mountPath');
    check(c.accessModes === undefined || c.accessModes.length > 0, scope, `${at}.accessModes`, c.accessModes,
      'must list at least one access mode');
    if (c.storageClassName !== undefined) checkDnsSubdomain(scope, `${at}.storageClassName`, c.storageClassName);
  });
  checkUnique(scope, `${prop}[].name`, claims.map(c => c.name));
}

/** Access modes that attach a volume to one node only: a second pod elsewhere hangs on Multi-Attach. */
export const SINGLE_ATTACH_MODES: readonly string[] = ['ReadWriteOnce', 'ReadWriteOncePod'];

/** Whether a claim with these access modes (default ReadWriteOnce) can be attached to one node only. */
export function isSingleAttach(accessModes: readonly string[] | undefined): boolean {
  return (accessModes ?? ['ReadWriteOnce']).some(m => SINGLE_ATTACH_MODES.includes(m));
}

/** What an app's Services and endpoints are built from. */
export interface AppNetworkContext {
  /** Labels of every object of the app. */
  readonly labels: Record<string, string>;
  /** Labels that select the app's pods. */
  readonly selectorLabels: Record<string, string>;
  /** Every named port of the pod (main container and sidecars). */
  readonly ports: readonly ContainerPort[];
  /** The main container's ports: what a Service exposes by default. */
  readonly mainPorts: readonly ContainerPort[];
  /** Namespace, undefined when the chart sets none ("default" for DNS names). */
  readonly namespace?: string;
  /** Cluster DNS domain. */
  readonly clusterDomain: string;
}

/** A client Service (ClusterIP, NodePort or LoadBalancer) over the app's pods, named `name` unless `opts.name` says otherwise. */
export function createClientService(scope: Construct, app: AppNetworkContext, id: string, prop: string, name: string,
  opts: ClientServiceOptions): k8s.KubeService {
  const serviceName = opts.name ?? name;
  checkDnsLabel(scope, `${prop}.name`, serviceName);
  return new k8s.KubeService(scope, id, {
    metadata: { name: serviceName, labels: { ...app.labels, ...(opts.labels ?? {}) } },
    spec: {
      type: opts.type ?? 'ClusterIP',
      selector: app.selectorLabels,
      ports: servicePorts(scope, `${prop}.ports`, app.ports, app.mainPorts, opts.ports),
    },
  });
}

/** The endpoint of one of the app's Services on a named container port. */
export function serviceEndpointOf(scope: Construct, app: AppNetworkContext, service: k8s.KubeService, portName: string): Endpoint {
  return { host: `${service.name}.${app.namespace ?? 'default'}.svc.${app.clusterDomain}`, port: portNumber(scope, app, portName) };
}

/** The number of a named container port of the app. */
export function portNumber(scope: Construct, app: AppNetworkContext, portName: string): number {
  const port = app.ports.find(p => p.name === portName);
  check(port !== undefined, scope, 'port name', portName, `must name a container port (known: ${app.ports.map(p => p.name).join(', ')})`);
  return port!.port;
}
