/** The Kubernetes releases the validator knows, oldest first. */
export const KUBERNETES_VERSIONS = ['1.28', '1.31', '1.36'] as const;

/** A Kubernetes release the validator can validate against: `'1.28'`, `'1.31'` or `'1.36'`. */
export type KubernetesVersion = typeof KUBERNETES_VERSIONS[number];

/** The release validated against unless told otherwise: the one cdk8s-plus-28's classes are made from. */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = '1.28';

/** Whether `version` is one the validator knows. */
export function isKubernetesVersion(version: unknown): version is KubernetesVersion {
  return (KUBERNETES_VERSIONS as readonly unknown[]).includes(version);
}

/** `version`, checked; throws naming the supported releases otherwise. */
export function kubernetesVersion(version: unknown = DEFAULT_KUBERNETES_VERSION): KubernetesVersion {
  if (!isKubernetesVersion(version)) {
    throw new Error(`unsupported Kubernetes version ${JSON.stringify(version)}: use one of ${KUBERNETES_VERSIONS.join(', ')}`);
  }
  return version;
}

/** Whether `version` is `minimum` or newer. */
export function atLeast(version: KubernetesVersion, minimum: KubernetesVersion): boolean {
  return KUBERNETES_VERSIONS.indexOf(version) >= KUBERNETES_VERSIONS.indexOf(minimum);
}
