/** What the release tooling reads of workloads, Services and claims in synthesized objects. */

import { POD_NAME_LABEL } from '../validation/output';

/** Kinds whose objects run pods from a template. */
export const WORKLOAD_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'];

/** The pod template of a workload object, if it is one. */
export function podTemplateOf(obj: any): any | undefined {
  if (!WORKLOAD_KINDS.includes(obj?.kind)) return undefined;
  return obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.template : obj.spec?.template;
}

/** Every container of a pod spec (init containers first), with whether it is an init container. */
export function containersOf(podSpec: any): { container: any; init: boolean }[] {
  return [
    ...(podSpec?.initContainers ?? []).map((container: any) => ({ container, init: true })),
    ...(podSpec?.containers ?? []).map((container: any) => ({ container, init: false })),
  ];
}

/** A Secret key (or a whole Secret, `key` undefined) that a pod or another object reads, and where. */
export interface SecretRead {
  /** Secret name. */
  readonly secretName: string;
  /** The key, or undefined when the whole Secret is read (envFrom, a volume without items, TLS, image pull). */
  readonly key?: string;
  /** Where, e.g. `container wordpress env WORDPRESS_DB_PASSWORD`. */
  readonly where: string;
  /** Whether the reference is optional (a pod starts without it). */
  readonly optional: boolean;
}

/** The Secrets the pods of a workload read: env, envFrom, volumes (also projected) and image pull Secrets. */
export function secretReadsOfPod(podSpec: any): SecretRead[] {
  const reads: SecretRead[] = [];
  for (const { container } of containersOf(podSpec)) {
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.secretKeyRef;
      if (ref) reads.push({ secretName: ref.name, key: ref.key, where: `container ${container.name} env ${env.name}`, optional: ref.optional === true });
    }
    for (const from of container.envFrom ?? []) {
      if (from.secretRef) reads.push({ secretName: from.secretRef.name, where: `container ${container.name} envFrom`, optional: from.secretRef.optional === true });
    }
  }
  for (const volume of podSpec?.volumes ?? []) {
    const sources = [
      ...(volume.secret ? [{ name: volume.secret.secretName, items: volume.secret.items, optional: volume.secret.optional }] : []),
      ...(volume.projected?.sources ?? []).filter((s: any) => s.secret).map((s: any) => s.secret),
    ];
    for (const s of sources) {
      const where = `volume ${volume.name}`;
      if (s.items?.length) {
        for (const item of s.items) reads.push({ secretName: s.name, key: item.key, where, optional: s.optional === true });
      } else {
        reads.push({ secretName: s.name, where, optional: s.optional === true });
      }
    }
  }
  for (const pull of podSpec?.imagePullSecrets ?? []) reads.push({ secretName: pull.name, where: 'imagePullSecrets', optional: true });
  return reads;
}

/** The ConfigMaps the pods of a workload read (env, envFrom, volumes). */
export function configMapsOfPod(podSpec: any): string[] {
  const names = new Set<string>();
  for (const { container } of containersOf(podSpec)) {
    for (const env of container.env ?? []) if (env.valueFrom?.configMapKeyRef) names.add(env.valueFrom.configMapKeyRef.name);
    for (const from of container.envFrom ?? []) if (from.configMapRef) names.add(from.configMapRef.name);
  }
  for (const volume of podSpec?.volumes ?? []) {
    if (volume.configMap) names.add(volume.configMap.name);
    for (const s of volume.projected?.sources ?? []) if (s.configMap) names.add(s.configMap.name);
  }
  return [...names];
}

/** A claim a workload's pods mount: a StatefulSet claim template or a PersistentVolumeClaim by name. */
export interface PodClaim {
  /** Claim name: for a template, the pattern of the claims it makes (`<template>-<statefulset>-<ordinal>`). */
  readonly name: string;
  /** Whether it is a StatefulSet claim template. */
  readonly template: boolean;
  /** Requested size, if known here. */
  readonly size?: string;
  /** Storage class, if set. */
  readonly storageClassName?: string;
  /** Access modes. */
  readonly accessModes: readonly string[];
}

/** The claims of a workload: its claim templates and the PersistentVolumeClaims its pod volumes name. */
export function claimsOf(obj: any, claims: readonly any[]): PodClaim[] {
  const out: PodClaim[] = (obj.kind === 'StatefulSet' ? obj.spec?.volumeClaimTemplates ?? [] : []).map((t: any) => ({
    name: `${t.metadata?.name}-${obj.metadata?.name}-<ordinal>`,
    template: true,
    size: t.spec?.resources?.requests?.storage,
    storageClassName: t.spec?.storageClassName,
    accessModes: t.spec?.accessModes ?? [],
  }));
  for (const volume of podTemplateOf(obj)?.spec?.volumes ?? []) {
    const name = volume.persistentVolumeClaim?.claimName;
    if (!name) continue;
    const pvc = claims.find(c => c.metadata?.name === name && c.metadata?.namespace === obj.metadata?.namespace);
    out.push({
      name, template: false, size: pvc?.spec?.resources?.requests?.storage,
      storageClassName: pvc?.spec?.storageClassName, accessModes: pvc?.spec?.accessModes ?? [],
    });
  }
  return out;
}

/**
 * Whether a Service's selector selects the pods of a workload in the same namespace; a StatefulSet's pods also
 * carry their pod name (`<name>-<ordinal>`), by which a Service may select one of them.
 */
export function serviceSelects(service: any, workload: any): boolean {
  const selector = service.spec?.selector;
  const labels = podTemplateOf(workload)?.metadata?.labels ?? {};
  if (!selector || Object.keys(selector).length === 0) return false;
  return service.metadata?.namespace === workload.metadata?.namespace
    && Object.entries(selector).every(([k, v]) => labels[k] === v || (k === POD_NAME_LABEL && isPodOf(workload, v)));
}

/** Whether `podName` is the name of one of a StatefulSet's pods. */
function isPodOf(workload: any, podName: unknown): boolean {
  const prefix = `${workload.metadata?.name}-`;
  if (workload.kind !== 'StatefulSet' || typeof podName !== 'string' || !podName.startsWith(prefix)) return false;
  const ordinal = podName.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(ordinal) && Number(ordinal) < (workload.spec?.replicas ?? 1);
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** The value of a Kubernetes quantity (`10Gi`, `500M`, `1e9`), or undefined if it is not one. */
export function quantityValue(q: unknown): number | undefined {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([KMGTPE]i|[mkMGTPE]|[eE][+-]?\d+)?$/.exec(String(q ?? ''));
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  if (unit in BINARY) return n * BINARY[unit];
  if (unit in DECIMAL) return n * DECIMAL[unit];
  return n * 10 ** Number(unit.slice(1));
}

/** An image reference split into repository, tag and digest. */
export interface ImageRef {
  /** Registry and repository, e.g. `goharbor/harbor-core`. */
  readonly repository: string;
  /** The tag, if any. */
  readonly tag?: string;
  /** The digest, if any. */
  readonly digest?: string;
}

/** Splits an image reference: `registry:5000/repo/name:tag@sha256:...`. */
export function parseImage(image: string): ImageRef {
  const [rest, digest] = image.split('@');
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { repository: rest, digest };
}
