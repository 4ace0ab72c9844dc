import { AppConfigMap, ClientServiceOptions, DisruptionBudgetOptions, ServiceAccountOptions } from '../common/app-objects';
import { AppIdentityProps } from '../common/labels';
import { PodProps } from '../common/pod';
import { StatefulSetUpdateStrategy } from './update-strategy';

/** PersistentVolume access modes. */
export type AccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';

/** A volume claim template: every pod gets its own claim named `<claim>-<statefulset>-<ordinal>`. */
export interface VolumeClaim {
  /** Claim name (DNS-1123 label); mounts refer to it. */
  readonly name: string;
  /** Requested size, e.g. `10Gi`. */
  readonly size: string;
  /** Access modes. @default ['ReadWriteOnce'] */
  readonly accessModes?: AccessMode[];
  /** Storage class. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Mounts the claim into the main container at this path. @default - mounted only where a container asks */
  readonly mountPath?: string;
  /** Sub-directory to mount, with `mountPath`. @default - the whole volume */
  readonly subPath?: string;
}

/** The headless Service that gives each pod a stable DNS name. */
export interface HeadlessServiceOptions {
  /** Service name. @default - the StatefulSet name */
  readonly name?: string;
  /** Container port names to expose. @default - every port of the main container */
  readonly ports?: string[];
  /** Publish DNS records of pods that are not ready yet (peers that must find each other to become ready). @default false */
  readonly publishNotReadyAddresses?: boolean;
}

/** What happens to the claims when the StatefulSet is deleted or scaled down. */
export interface ClaimRetentionPolicy {
  /** On deletion of the StatefulSet. @default 'Retain' */
  readonly whenDeleted?: 'Retain' | 'Delete';
  /** On scale-down, for the removed ordinals. @default 'Retain' */
  readonly whenScaled?: 'Retain' | 'Delete';
}

/** Props of a {@link StatefulApp}. */
export interface StatefulAppProps extends PodProps, AppIdentityProps {
  /** StatefulSet name (DNS-1123 label, at most 52 characters). @default - the construct id */
  readonly name?: string;
  /** Number of pods. @default 1 */
  readonly replicas?: number;
  /** `OrderedReady` creates pod N only when pod N-1 is ready; `Parallel` does not wait. @default 'OrderedReady' */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** How pods are replaced when the template changes. @default StatefulSetUpdateStrategy.rollingUpdate() */
  readonly updateStrategy?: StatefulSetUpdateStrategy;
  /** Old revisions kept for rollback. @default - Kubernetes default (10) */
  readonly revisionHistoryLimit?: number;
  /** Seconds a new pod must be ready before it counts as available. @default 0 */
  readonly minReadySeconds?: number;
  /** Claim retention on deletion and scale-down. @default - Retain and Retain: scale-down keeps the data */
  readonly claimRetentionPolicy?: ClaimRetentionPolicy;
  /** Volume claim templates. @default [] */
  readonly volumeClaims?: VolumeClaim[];
  /** ConfigMaps built from file maps. A change to any of them rolls the pods. @default [] */
  readonly configMaps?: AppConfigMap[];
  /** The headless Service. @default - named after the StatefulSet, main container ports */
  readonly headlessService?: HeadlessServiceOptions;
  /** A client Service. @default - none */
  readonly clientService?: ClientServiceOptions;
  /** PodDisruptionBudget. @default - maxUnavailable 1 when replicas > 1 */
  readonly disruptionBudget?: DisruptionBudgetOptions;
  /** A dedicated ServiceAccount. @default - none, and no API token is mounted */
  readonly serviceAccount?: ServiceAccountOptions;
  /** Cluster DNS domain, for {@link StatefulApp.podDnsName}. @default 'cluster.local' */
  readonly clusterDomain?: string;
}
