/**
 * The Kubernetes releases the validator knows, oldest first: the supported releases 1.35, 1.36 and 1.37
 * (definitions and feature gates from their own API servers, test/apiservers/regenerate.sh), and 1.28, the
 * release cdk8s-plus-28's L1 classes are made from.
 */
export const KUBERNETES_VERSIONS = ['1.28', '1.35', '1.36', '1.37'] as const;

/** A Kubernetes release the validator can validate against: `'1.28'`, `'1.35'`, `'1.36'` or `'1.37'`. */
export type KubernetesVersion = typeof KUBERNETES_VERSIONS[number];

/** The release validated against unless told otherwise: the newest one vendored. */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = '1.37';

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
