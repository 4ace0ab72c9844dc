import { k8s } from 'cdk8s-plus-28';
import type { IConstruct } from 'constructs';
import { checkAbsolutePath, checkDnsLabel, checkDnsSubdomain, checkResourceQuantity, checkUnique } from './checks';
import { canonicalQuantity } from '../rules/quantity';
import { check } from './errors';

/** PersistentVolume access modes. */
export type AccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';

/** The storage of one volume, the same shape in every construct of this library. */
export interface StorageOptions {
  /** Requested size, e.g. `10Gi`. @default - depends on the construct; required when no default is documented */
  readonly size?: string;
  /**
   * Storage class. `''` asks for statically provisioned PersistentVolumes only (no dynamic provisioning).
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /** Access modes. A single-attach mode (ReadWriteOnce, ReadWriteOncePod) limits a Deployment to one pod. @default ['ReadWriteOnce'] */
  readonly accessModes?: AccessMode[];
  /**
   * Mount this existing PersistentVolumeClaim instead of creating one (every pod shares it). Set
   * `accessModes` to the claim's modes: they decide how many pods may mount it.
   * @default - a claim is created
   */
  readonly existingClaim?: string;
}

/** A named claim of a workload: created per pod (StatefulSet), once (Deployment), or an existing one. */
export interface VolumeClaim extends StorageOptions {
  /** Claim (and volume) name, a DNS-1123 label; mounts refer to it. */
  readonly name: string;
  /** Mounts the claim into the main container at this path. @default - mounted only where a container asks */
  readonly mountPath?: string;
  /** Sub-directory to mount, with `mountPath`. @default - the whole volume */
  readonly subPath?: string;
}

/** Access modes that attach a volume to one node only: a second pod elsewhere hangs on Multi-Attach. */
const SINGLE_ATTACH_MODES: readonly string[] = ['ReadWriteOnce', 'ReadWriteOncePod'];

/** Whether a claim with these access modes (default ReadWriteOnce) can be attached to one node only. */
export function isSingleAttach(accessModes: readonly string[] | undefined): boolean {
  return (accessModes ?? ['ReadWriteOnce']).some(m => SINGLE_ATTACH_MODES.includes(m));
}

/** Checks one storage prop: size, storage class, access modes, existing claim. */
export function checkStorage(scope: IConstruct, prop: string, s: StorageOptions, sizeRequired: boolean): void {
  if (s.size !== undefined) checkResourceQuantity(scope, `${prop}.size`, s.size, 'bytes', true);
  check(s.size !== undefined || s.existingClaim !== undefined || !sizeRequired, scope, `${prop}.size`, s.size,
    'is required unless existingClaim is set');
  check(s.accessModes === undefined || s.accessModes.length > 0, scope, `${prop}.accessModes`, s.accessModes,
    'must list at least one access mode');
  if (s.storageClassName !== undefined && s.storageClassName !== '') checkDnsSubdomain(scope, `${prop}.storageClassName`, s.storageClassName);
  if (s.existingClaim !== undefined) checkDnsSubdomain(scope, `${prop}.existingClaim`, s.existingClaim);
}

/** Checks named claims: names, storage, mount path and subPath, unique names. */
export function checkVolumeClaims(scope: IConstruct, prop: string, claims: readonly VolumeClaim[]): void {
  claims.forEach((c, i) => {
    const at = `${prop}[${i}]`;
    checkDnsLabel(scope, `${at}.name`, c.name);
    checkStorage(scope, at, c, true);
    if (c.mountPath !== undefined) checkAbsolutePath(scope, `${at}.mountPath`, c.mountPath);
    check(c.subPath === undefined || c.mountPath !== undefined, scope, `${at}.subPath`, c.subPath, 'needs a mountPath');
  });
  checkUnique(scope, `${prop}[].name`, claims.map(c => c.name));
}

/** The claim spec of a storage prop (the size defaults to `defaultSize`). */
export function claimSpec(s: StorageOptions, defaultSize?: string): k8s.PersistentVolumeClaimSpec {
  const size = s.size ?? defaultSize;
  return {
    accessModes: s.accessModes ?? ['ReadWriteOnce'],
    storageClassName: s.storageClassName,
    resources: { requests: { storage: k8sQuantity(size!) } },
  };
}

/**
 * A StatefulSet claim template with the fields the API server fills in and keeps: `apiVersion: v1`,
 * `kind: PersistentVolumeClaim`, `spec.volumeMode: Filesystem`, `status: { phase: Pending }`; what is
 * set stays. Written so, an unchanged StatefulSet re-applied is `unchanged` (kubectl compares the
 * list of templates whole), and a plan compares an older output without them as equal.
 */
export function asStoredClaimTemplate(t: any): any {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    ...t,
    spec: { ...t?.spec, volumeMode: t?.spec?.volumeMode ?? 'Filesystem' },
    status: t?.status ?? { phase: 'Pending' },
  };
}

/**
 * A quantity as the API server writes it back (`1024Mi` -> `1Gi`, `1000m` -> `1`): a manifest that
 * holds it so is what the server keeps, and a re-apply is no change. By default as a value of a
 * resource list (container resources, claim sizes: rounded up to milli units); `resourceList: false`
 * for other quantities (an emptyDir's `sizeLimit`). Invalid text is kept as given, for the checks to report.
 */
export function k8sQuantity(value: string, options: { readonly resourceList?: boolean } = { resourceList: true }): k8s.Quantity {
  return k8s.Quantity.fromString(canonicalQuantity(value, options) ?? value);
}
