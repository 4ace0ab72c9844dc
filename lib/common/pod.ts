import { createHash } from 'crypto';
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { checkDnsLabel, checkInteger, checkUnique } from './checks';
import { checkContainer, ContainerSpec, renderContainer } from './container';
import { check } from './errors';
import { AppVolume } from './volume';

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

/** What goes into a pod template, shared by StatefulSets and Deployments of this library. */
export interface PodProps {
  /** The main container. */
  readonly container: ContainerSpec;
  /** Containers that run beside the main one for the pod's whole life. @default [] */
  readonly sidecars?: ContainerSpec[];
  /** Containers that run to completion, in order, before the others start. @default [] */
  readonly initContainers?: ContainerSpec[];
  /** Extra pod volumes (scratch space, Secrets, existing ConfigMaps or claims). @default [] */
  readonly volumes?: AppVolume[];
  /** Pod security settings; `seccompProfile: RuntimeDefault` is always set. @default - RuntimeDefault only */
  readonly podSecurity?: PodSecurity;
  /** Spread replicas over nodes: `soft` prefers, `hard` requires, `none` does not care. @default 'soft' */
  readonly antiAffinity?: AntiAffinity;
  /** Seconds the pod gets to shut down cleanly. @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** Node labels the pod must run on. @default {} */
  readonly nodeSelector?: Record<string, string>;
  /** Taints the pod tolerates. @default [] */
  readonly tolerations?: k8s.Toleration[];
  /** Secrets with registry credentials for pulling the images (private mirrors). @default [] */
  readonly imagePullSecrets?: string[];
  /** Priority class. @default - cluster default */
  readonly priorityClassName?: string;
  /** Extra labels on the pods (not used by selectors). @default {} */
  readonly podLabels?: Record<string, string>;
  /** Extra annotations on the pods. @default {} */
  readonly podAnnotations?: Record<string, string>;
}

/** Inputs to {@link buildPodTemplate} that the owning construct derives. */
export interface PodTemplateContext {
  /** Prop path prefix used in error messages. */
  readonly prop: string;
  /** Labels of the pods (selector labels included). */
  readonly labels: Record<string, string>;
  /** Labels that select the pods, for anti-affinity. */
  readonly selector: Record<string, string>;
  /** Volumes the construct adds (its ConfigMaps). */
  readonly volumes: readonly AppVolume[];
  /** Names that mounts may refer to beyond pod volumes (claim templates). */
  readonly claimNames: readonly string[];
  /** Annotations the construct adds (config checksums). */
  readonly annotations: Record<string, string>;
  /** Service account, if any. */
  readonly serviceAccountName?: string;
  /** Mount the service account's API token. @default false */
  readonly automountToken?: boolean;
}

/** Checks the pod props and renders the pod template. */
export function buildPodTemplate(scope: IConstruct, props: PodProps, ctx: PodTemplateContext): k8s.PodTemplateSpec {
  const volumes = [...ctx.volumes, ...(props.volumes ?? [])];
  volumes.forEach((v, i) => checkDnsLabel(scope, `volumes[${i}].name`, v.name));
  const mountable = [...volumes.map(v => v.name), ...ctx.claimNames];
  checkUnique(scope, 'volume and claim names', mountable);
  const names = new Set(mountable);

  const groups: Array<[string, ContainerSpec[]]> = [
    ['initContainers', props.initContainers ?? []],
    ['container', [props.container]],
    ['sidecars', props.sidecars ?? []],
  ];
  for (const [group, specs] of groups) {
    specs.forEach((c, i) => {
      const prop = group === 'container' ? 'container' : `${group}[${i}]`;
      checkDnsLabel(scope, `${prop}.name`, c.name);
      checkContainer(scope, prop, c, names);
    });
  }
  const allContainers = groups.flatMap(([, specs]) => specs);
  checkUnique(scope, 'container names', allContainers.map(c => c.name));
  if (props.terminationGracePeriodSeconds !== undefined) {
    checkInteger(scope, 'terminationGracePeriodSeconds', props.terminationGracePeriodSeconds, 0);
  }
  const sec = props.podSecurity ?? {};
  if (sec.fsGroup !== undefined) checkInteger(scope, 'podSecurity.fsGroup', sec.fsGroup, 0);
  check(!sec.fsGroupChangePolicy || sec.fsGroup !== undefined, scope, 'podSecurity.fsGroupChangePolicy',
    sec.fsGroupChangePolicy, 'needs podSecurity.fsGroup');

  const annotations = { ...(props.podAnnotations ?? {}), ...ctx.annotations };
  return {
    metadata: {
      labels: { ...(props.podLabels ?? {}), ...ctx.labels },
      annotations: Object.keys(annotations).length ? annotations : undefined,
    },
    spec: {
      serviceAccountName: ctx.serviceAccountName,
      automountServiceAccountToken: ctx.automountToken ?? false,
      securityContext: {
        runAsUser: sec.runAsUser,
        runAsGroup: sec.runAsGroup,
        runAsNonRoot: sec.runAsNonRoot,
        fsGroup: sec.fsGroup,
        fsGroupChangePolicy: sec.fsGroupChangePolicy ?? (sec.fsGroup !== undefined ? 'OnRootMismatch' : undefined),
        supplementalGroups: sec.supplementalGroups,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      initContainers: props.initContainers?.length ? props.initContainers.map(renderContainer) : undefined,
      containers: [props.container, ...(props.sidecars ?? [])].map(renderContainer),
      volumes: volumes.length ? volumes.map(v => v.toVolume()) : undefined,
      affinity: renderAntiAffinity(props.antiAffinity ?? 'soft', ctx.selector),
      terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
      nodeSelector: props.nodeSelector,
      tolerations: props.tolerations,
      priorityClassName: props.priorityClassName,
      imagePullSecrets: props.imagePullSecrets?.length ? props.imagePullSecrets.map(name => ({ name })) : undefined,
    },
  };
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
  const canonical = JSON.stringify(Object.keys(data).sort().map(name =>
    [name, Object.keys(data[name]).sort().map(k => [k, data[name][k]])]));
  return createHash('sha256').update(canonical).digest('hex');
}
