import { createHash } from 'crypto';
import type { k8s } from 'cdk8s-plus-28';
import type { IConstruct } from 'constructs';
import { checkAnnotations, checkDnsLabel, checkDnsSubdomain, checkInteger, checkLabels, checkLinuxId, checkUnique } from './checks';
import { checkContainer, renderContainer } from './container';
import type { ContainerSpec, VolumeMount } from './container';
import { checkEnv } from './env';
import type { EnvValue } from './env';
import { check } from './errors';
import type { PodOptions } from './placement';
import type { AppVolume } from './volume';

/** How strongly replicas are spread over nodes. */
export type AntiAffinity = 'soft' | 'hard' | 'none';

/** Pod-level security settings. */
export interface PodSecurity {
  /** UID for every container that does not set its own. @default - the image's user */
  readonly runAsUser?: number;
  /** GID for every container that does not set its own. @default - the image's group */
  readonly runAsGroup?: number;
  /** Refuse to run any container as root. @default - unset */
  readonly runAsNonRoot?: boolean;
  /**
   * Group that owns mounted volumes, so a non-root image can write its claims (otherwise the
   * first start fails with "permission denied"). @default - unset
   */
  readonly fsGroup?: number;
  /** When to re-own volumes to `fsGroup`. @default 'OnRootMismatch' when fsGroup is set */
  readonly fsGroupChangePolicy?: 'OnRootMismatch' | 'Always';
  /** Extra groups for every container. @default [] */
  readonly supplementalGroups?: number[];
}

/** What goes into a pod template, shared by the StatefulSets, Deployments and Jobs of this library. */
export interface PodProps extends PodOptions {
  /** The main container. */
  readonly container: ContainerSpec;
  /** Containers that run beside the main one for the pod's whole life. @default [] */
  readonly sidecars?: ContainerSpec[];
  /** Containers that run to completion, in order, before the others start. @default [] */
  readonly initContainers?: ContainerSpec[];
  /** Pod volumes (scratch space, Secrets, existing ConfigMaps or claims). @default [] */
  readonly volumes?: AppVolume[];
  /** Pod security settings; `seccompProfile: RuntimeDefault` is always set. @default - RuntimeDefault only */
  readonly podSecurity?: PodSecurity;
  /** Spread replicas over nodes: `soft` prefers, `hard` requires, `none` does not care. @default 'soft' */
  readonly antiAffinity?: AntiAffinity;
  /** Seconds the pod gets to shut down cleanly. @default 30 */
  readonly terminationGracePeriodSeconds?: number;
}

/** Everything a pod template is rendered from: the user's props plus what the owning construct derives. */
export interface PodParts extends PodProps {
  /** Labels of the pods (selector labels included). */
  readonly labels: Record<string, string>;
  /** Labels that select the pods, for anti-affinity and topology spread. */
  readonly selector: Record<string, string>;
  /** Names that mounts may refer to beyond pod volumes (claim templates). @default [] */
  readonly claimNames?: readonly string[];
  /** Annotations the construct adds (config checksums). @default {} */
  readonly annotations?: Record<string, string>;
  /** Service account, if any. @default - the namespace's default */
  readonly serviceAccountName?: string;
  /** Mount the service account's API token. @default false */
  readonly automountToken?: boolean;
  /** Env vars added to containers after construction, by container name. @default {} */
  readonly addedEnv?: Readonly<Record<string, Record<string, EnvValue>>>;
  /** Mounts added to containers after construction, by container name. @default {} */
  readonly addedMounts?: Readonly<Record<string, readonly VolumeMount[]>>;
}

/** The containers of a pod in order, each with the prop path that names it in errors. */
function containersOf(parts: PodParts): Array<{ prop: string; spec: ContainerSpec; main: boolean }> {
  return [
    ...(parts.initContainers ?? []).map((spec, i) => ({ prop: `initContainers[${i}]`, spec, main: false })),
    { prop: 'container', spec: parts.container, main: true },
    ...(parts.sidecars ?? []).map((spec, i) => ({ prop: `sidecars[${i}]`, spec, main: false })),
  ];
}

/** A container with the env and mounts that were added to it, and the main container's extras. */
function effectiveContainer(parts: PodParts, spec: ContainerSpec, main: boolean): ContainerSpec {
  const env = { ...(spec.env ?? {}), ...(main ? parts.extraEnv ?? {} : {}), ...(parts.addedEnv?.[spec.name] ?? {}) };
  const mounts = [...(spec.volumeMounts ?? []), ...(main ? parts.extraVolumeMounts ?? [] : []), ...(parts.addedMounts?.[spec.name] ?? [])];
  return Object.assign({}, spec, { env, volumeMounts: mounts }); // not a spread: see WorkloadBase's podParts
}

/** Every pod volume: the construct's, then the user's extra ones. */
function volumesOf(parts: PodParts): AppVolume[] {
  return [...(parts.volumes ?? []), ...(parts.extraVolumes ?? [])];
}

/** Checks a pod against the rules an API server enforces, naming the props in errors. */
export function checkPodParts(scope: IConstruct, parts: PodParts): void {
  (parts.volumes ?? []).forEach((v, i) => v.check(scope, `volumes[${i}]`));
  (parts.extraVolumes ?? []).forEach((v, i) => v.check(scope, `extraVolumes[${i}]`));
  const volumes = volumesOf(parts);
  const mountable = [...volumes.map(v => v.name), ...(parts.claimNames ?? [])];
  checkUnique(scope, 'volume and claim names', mountable);
  const names = new Set(mountable);
  const containers = containersOf(parts);
  for (const { prop, spec, main } of containers) {
    checkDnsLabel(scope, `${prop}.name`, spec.name);
    checkEnv(scope, `${prop}.env`, spec.env);
    if (main) checkEnv(scope, 'extraEnv', parts.extraEnv);
    checkEnv(scope, 'addEnv', parts.addedEnv?.[spec.name]);
    checkContainer(scope, prop, effectiveContainer(parts, spec, main), names);
  }
  checkUnique(scope, 'container names', containers.map(c => c.spec.name));
  if (parts.terminationGracePeriodSeconds !== undefined) {
    checkInteger(scope, 'terminationGracePeriodSeconds', parts.terminationGracePeriodSeconds, 0);
  }
  const sec = parts.podSecurity ?? {};
  checkLinuxId(scope, 'podSecurity.runAsUser', sec.runAsUser);
  checkLinuxId(scope, 'podSecurity.runAsGroup', sec.runAsGroup);
  checkLinuxId(scope, 'podSecurity.fsGroup', sec.fsGroup);
  (sec.supplementalGroups ?? []).forEach((g, i) => checkLinuxId(scope, `podSecurity.supplementalGroups[${i}]`, g));
  check(!sec.fsGroupChangePolicy || sec.fsGroup !== undefined, scope, 'podSecurity.fsGroupChangePolicy',
    sec.fsGroupChangePolicy, 'needs podSecurity.fsGroup');
  (parts.imagePullSecrets ?? []).forEach((s, i) => checkDnsSubdomain(scope, `imagePullSecrets[${i}]`, s));
  checkLabels(scope, 'nodeSelector', parts.nodeSelector);
  checkLabels(scope, 'podLabels', parts.podLabels);
  checkAnnotations(scope, 'podAnnotations', parts.podAnnotations);
}

/** Renders a pod template (no checks: see {@link checkPodParts}). */
export function renderPodTemplate(parts: PodParts): k8s.PodTemplateSpec {
  const sec = parts.podSecurity ?? {};
  const annotations = { ...(parts.podAnnotations ?? {}), ...(parts.annotations ?? {}) };
  const containers = containersOf(parts).map(c => ({ prop: c.prop, spec: effectiveContainer(parts, c.spec, c.main), main: c.main }));
  const volumes = volumesOf(parts);
  return {
    metadata: {
      labels: { ...(parts.podLabels ?? {}), ...parts.labels },
      annotations: Object.keys(annotations).length ? annotations : undefined,
    },
    spec: {
      serviceAccountName: parts.serviceAccountName,
      automountServiceAccountToken: parts.automountToken ?? false,
      securityContext: renderPodSecurityContext(sec),
      initContainers: parts.initContainers?.length
        ? containers.filter(c => c.prop.startsWith('initContainers')).map(c => renderContainer(c.spec)) : undefined,
      containers: containers.filter(c => !c.prop.startsWith('initContainers')).map(c => renderContainer(c.spec)),
      volumes: volumes.length ? volumes.map(v => v.toVolume()) : undefined,
      affinity: renderAffinity(parts),
      topologySpreadConstraints: parts.topologySpreadConstraints?.length
        ? parts.topologySpreadConstraints.map(t => ({ ...t, labelSelector: t.labelSelector ?? { matchLabels: parts.selector } }))
        : undefined,
      terminationGracePeriodSeconds: parts.terminationGracePeriodSeconds,
      nodeSelector: parts.nodeSelector,
      tolerations: parts.tolerations,
      priorityClassName: parts.priorityClassName,
      imagePullSecrets: parts.imagePullSecrets?.length ? parts.imagePullSecrets.map(name => ({ name })) : undefined,
    },
  };
}

/**
 * The pod-level security context of every pod this library makes: the given ids, `fsGroupChangePolicy`
 * `OnRootMismatch` with an `fsGroup`, and always `seccompProfile: RuntimeDefault` (Pod Security
 * `restricted` refuses a pod without a seccomp profile).
 */
export function renderPodSecurityContext(sec: PodSecurity = {}): k8s.PodSecurityContext {
  return {
    runAsUser: sec.runAsUser,
    runAsGroup: sec.runAsGroup,
    runAsNonRoot: sec.runAsNonRoot,
    fsGroup: sec.fsGroup,
    fsGroupChangePolicy: sec.fsGroupChangePolicy ?? (sec.fsGroup !== undefined ? 'OnRootMismatch' : undefined),
    supplementalGroups: sec.supplementalGroups?.length ? sec.supplementalGroups : undefined,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Checks and renders a pod template in one step (Jobs and other one-off pods). */
export function buildPodTemplate(scope: IConstruct, parts: PodParts): k8s.PodTemplateSpec {
  checkPodParts(scope, parts);
  return renderPodTemplate(parts);
}

function renderAffinity(parts: PodParts): k8s.Affinity | undefined {
  const own = renderAntiAffinity(parts.antiAffinity ?? 'soft', parts.selector);
  const user = parts.affinity;
  if (!user) return own;
  return { ...user, podAntiAffinity: user.podAntiAffinity ?? own?.podAntiAffinity };
}

function renderAntiAffinity(mode: AntiAffinity, selector: Record<string, string>): k8s.Affinity | undefined {
  const term: k8s.PodAffinityTerm = { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' };
  switch (mode) {
    case 'none': return undefined;
    case 'hard': return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
    case 'soft': return { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
  }
}

/** A stable SHA-256 of ConfigMap data, for a pod annotation that rolls the pods when config changes. */
export function contentHash(data: Record<string, Record<string, string>>): string {
  return sha256(canonicalContent(data));
}

/** ConfigMap data as one string that does not depend on the order of names and keys: what {@link contentHash} hashes. */
export function canonicalContent(data: Record<string, Record<string, string>>): string {
  return JSON.stringify(Object.keys(data).sort().map(name =>
    [name, Object.keys(data[name]).sort().map(k => [k, data[name][k]])]));
}

/** SHA-256 of a string, in hex. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
