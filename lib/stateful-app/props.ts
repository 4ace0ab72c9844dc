import type { ClientServiceOptions, WorkloadProps } from '../workloads/props';
import type { StatefulSetUpdateStrategy } from './update-strategy';

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

/**
 * Props of a {@link StatefulApp}. Its `volumeClaims` become claim templates, one claim per pod named
 * `<claim>-<statefulset>-<ordinal>`; a claim with `existingClaim` is shared by every pod instead.
 */
export interface StatefulAppProps extends WorkloadProps {
  /** Number of pods. @default 1 */
  readonly replicas?: number;
  /** `OrderedReady` creates pod N only when pod N-1 is ready; `Parallel` does not wait. Immutable on a live StatefulSet. @default 'OrderedReady' */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** How pods are replaced when the template changes. @default StatefulSetUpdateStrategy.rollingUpdate() */
  readonly updateStrategy?: StatefulSetUpdateStrategy;
  /** Old revisions kept for rollback. @default - Kubernetes default (10) */
  readonly revisionHistoryLimit?: number;
  /** Seconds a new pod must be ready before it counts as available. @default 0 */
  readonly minReadySeconds?: number;
  /** Claim retention on deletion and scale-down. @default - Retain and Retain: scale-down keeps the data */
  readonly claimRetentionPolicy?: ClaimRetentionPolicy;
  /** The headless Service. @default - named after the StatefulSet, main container ports */
  readonly headlessService?: HeadlessServiceOptions;
  /** A client Service, balanced over the ready pods; `{}` switches it on. @default - none */
  readonly clientService?: ClientServiceOptions;
}
