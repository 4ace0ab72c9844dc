import type { k8s } from 'cdk8s-plus-28';
import type { VolumeMount } from './container';
import type { EnvValue } from './env';
import type { AppVolume } from './volume';

/** Where a construct's pods may run. The same props on every construct and every component. */
export interface PodPlacement {
  /** Node labels the pods must run on. @default {} */
  readonly nodeSelector?: Record<string, string>;
  /** Taints the pods tolerate. @default [] */
  readonly tolerations?: k8s.Toleration[];
  /**
   * Node and pod affinity. A `podAntiAffinity` given here replaces the construct's own spreading
   * (`antiAffinity`); node and pod affinity are kept beside it.
   * @default - only the construct's anti-affinity
   */
  readonly affinity?: k8s.Affinity;
  /** Topology spread constraints; a constraint without `labelSelector` selects the construct's own pods. @default [] */
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
  /** Priority class of the pods. @default - the cluster's default priority */
  readonly priorityClassName?: string;
}

/** What a user adds to a construct's pods without forking it. The same props on every construct and component. */
export interface PodExtensions {
  /** Secrets with registry credentials for pulling the images (private mirrors). @default [] */
  readonly imagePullSecrets?: string[];
  /** Extra labels on the pods (never used by selectors). @default {} */
  readonly podLabels?: Record<string, string>;
  /** Extra annotations on the pods. @default {} */
  readonly podAnnotations?: Record<string, string>;
  /** Extra environment variables of the main container, after the construct's own. @default {} */
  readonly extraEnv?: Record<string, EnvValue>;
  /** Extra pod volumes (Secrets, ConfigMaps, scratch space, existing claims). @default [] */
  readonly extraVolumes?: AppVolume[];
  /** Extra mounts of the main container (of `extraVolumes` or the construct's own volumes). @default [] */
  readonly extraVolumeMounts?: VolumeMount[];
}

/** Placement and extension props, as one bag that composite constructs take per component. */
export interface PodOptions extends PodPlacement, PodExtensions {}

/** Keys of {@link PodOptions}, for constructs that pass them on to an inner workload. */
export const POD_OPTION_KEYS: ReadonlyArray<keyof PodOptions> = [
  'nodeSelector', 'tolerations', 'affinity', 'topologySpreadConstraints', 'priorityClassName',
  'imagePullSecrets', 'podLabels', 'podAnnotations', 'extraEnv', 'extraVolumes', 'extraVolumeMounts',
];

/** The placement and extension props of `props`, and nothing else. */
export function podOptionsOf(props: PodOptions): PodOptions {
  const out: Record<string, unknown> = {};
  for (const k of POD_OPTION_KEYS) if (props[k] !== undefined) out[k] = props[k];
  return out as PodOptions;
}
