import type { ApiObject } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import type { AppIdentityProps } from '../common/labels';
import type { PodProps } from '../common/pod';
import type { VolumeClaim } from '../common/storage';
import type { AppVolume } from '../common/volume';

/** A ConfigMap made from a map of file names to contents, mounted as a volume. */
export interface AppConfigMap {
  /** Volume name; the ConfigMap object is named `<app>-<name>`. */
  readonly name: string;
  /** File name to file content. More files can be added later with `addConfigFile`. */
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
  /** Annotations on the Service object (load balancer settings). @default {} */
  readonly annotations?: Record<string, string>;
}

/** A PodDisruptionBudget that keeps voluntary evictions (drains) from taking too many pods at once. */
export interface DisruptionBudgetOptions {
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

/** Props every workload of this library takes: its pod, identity, ConfigMaps, claims and companions. */
export interface WorkloadProps extends PodProps, AppIdentityProps {
  /** Workload name (DNS-1123 label): the StatefulSet or Deployment and the prefix of its objects. @default - the construct id */
  readonly name?: string;
  /** Claims of the pods (per pod for a StatefulSet, shared for a Deployment). @default [] */
  readonly volumeClaims?: VolumeClaim[];
  /** ConfigMaps built from file maps. A change to any of them rolls the pods. @default [] */
  readonly configMaps?: AppConfigMap[];
  /** PodDisruptionBudget; `false` for none. @default - maxUnavailable 1 when more than one pod can run */
  readonly disruptionBudget?: DisruptionBudgetOptions | false;
  /** A dedicated ServiceAccount. @default - none, and no API token is mounted */
  readonly serviceAccount?: ServiceAccountOptions;
  /** Cluster DNS domain, for DNS names and endpoints. @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/**
 * A workload kind as {@link WorkloadBase.renderWorkload} builds it: how its claims reach the pod, and
 * the workload object (a StatefulSet, a Deployment, a DaemonSet, a CronJob...) around the pod template.
 */
export interface WorkloadKind<W extends ApiObject> {
  /** Names of the claims the workload object makes per pod (a StatefulSet's `volumeClaimTemplates`); mounts may name them. @default [] */
  readonly claimTemplates?: readonly string[];
  /** Pod volumes of the kind, ahead of the props' volumes: the claims its pods mount, as `AppVolume.persistentVolumeClaim(name, claimName)`. @default [] */
  readonly claimVolumes?: readonly AppVolume[];
  /** Makes the workload object around the pod template, which is rendered at synth time (later additions are in it). */
  readonly workload: (template: k8s.PodTemplateSpec) => W;
}
