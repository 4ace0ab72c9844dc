import type { k8s } from 'cdk8s-plus-28';
import type { IConstruct } from 'constructs';
import { compareQuantities } from '../rules';
import { checkAbsolutePath, checkImage, checkLinuxId, checkPort, checkPortName, checkResourceQuantity, checkUnique } from './checks';
import type { QuantityUnit } from './checks';
import { check } from './errors';
import type { EnvValue } from './env';
import { checkProbe } from './probe';
import type { Probe } from './probe';
import { k8sQuantity } from './storage';

/** A named container port. */
export interface ContainerPort {
  /** Port name (IANA service name, at most 15 characters); Services and probes refer to it. */
  readonly name: string;
  /** Port number the process listens on. */
  readonly port: number;
  /** Protocol. @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** Mounts a pod volume (or a volume claim template) into a container. */
export interface VolumeMount {
  /** Name of the volume, ConfigMap volume or claim to mount. */
  readonly volume: string;
  /** Absolute path inside the container. */
  readonly mountPath: string;
  /** Sub-directory of the volume to mount instead of its root. @default - the whole volume */
  readonly subPath?: string;
  /** Mount read-only. @default false */
  readonly readOnly?: boolean;
}

/** CPU, memory and ephemeral storage quantities. */
export interface ResourceList {
  /** CPU, e.g. `500m` or `2`. @default - none */
  readonly cpu?: string;
  /** Memory, e.g. `1Gi`. @default - none */
  readonly memory?: string;
  /** Ephemeral storage, e.g. `2Gi`. @default - none */
  readonly ephemeralStorage?: string;
}

/** Requests and limits of a container. */
export interface Resources {
  /** What the scheduler reserves. @default - none */
  readonly requests?: ResourceList;
  /** What the container may use at most. @default - none */
  readonly limits?: ResourceList;
}

/**
 * Container security settings. Unset fields keep the library's safe defaults:
 * `allowPrivilegeEscalation: false` and all capabilities dropped.
 */
export interface ContainerSecurity {
  /** UID to run as. @default - the image's user */
  readonly runAsUser?: number;
  /** GID to run as. @default - the image's group */
  readonly runAsGroup?: number;
  /** Refuse to start as root. @default - unset (the image decides) */
  readonly runAsNonRoot?: boolean;
  /** Mount the root filesystem read-only. @default - unset (writable) */
  readonly readOnlyRootFilesystem?: boolean;
  /** Allow setuid binaries to gain privileges. @default false */
  readonly allowPrivilegeEscalation?: boolean;
  /** Linux capabilities to add back after dropping. @default [] */
  readonly capabilitiesAdd?: string[];
  /** Linux capabilities to drop. @default ['ALL'] */
  readonly capabilitiesDrop?: string[];
}

/** One container of a pod: the main container, a sidecar or an init container. */
export interface ContainerSpec {
  /** Container name (DNS-1123 label), unique in the pod. */
  readonly name: string;
  /** Image pinned to a tag or digest. */
  readonly image: string;
  /** Pull policy. @default 'IfNotPresent' */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** Entrypoint override. @default - the image's ENTRYPOINT */
  readonly command?: string[];
  /** Arguments. @default - the image's CMD */
  readonly args?: string[];
  /** Working directory. @default - the image's WORKDIR */
  readonly workingDir?: string;
  /** Environment variables, in order (later ones may refer to earlier ones with `$(NAME)`). @default {} */
  readonly env?: Record<string, EnvValue>;
  /** Named ports. @default [] */
  readonly ports?: ContainerPort[];
  /** Volume mounts. @default [] */
  readonly volumeMounts?: VolumeMount[];
  /** Restarts the container when it fails. Not run until the startup probe passes. @default - none */
  readonly livenessProbe?: Probe;
  /** Removes the pod from Service endpoints while it fails. @default - none */
  readonly readinessProbe?: Probe;
  /** Gates the liveness and readiness probes, so a slow start or crash recovery is not killed. @default - none */
  readonly startupProbe?: Probe;
  /** Requests and limits. @default - none */
  readonly resources?: Resources;
  /** Security settings, merged over the safe defaults. @default - safe defaults only */
  readonly securityContext?: ContainerSecurity;
}

/** What each resource counts. */
const RESOURCE_UNITS: Readonly<Record<keyof ResourceList, QuantityUnit>> = { cpu: 'cpu', memory: 'bytes', ephemeralStorage: 'bytes' };

/** Checks requests and limits: quantities, never negative, whole bytes, and no request above its limit. */
export function checkResources(scope: IConstruct, prop: string, resources: Resources | undefined): void {
  const requests = resources?.requests ?? {};
  const limits = resources?.limits ?? {};
  for (const name of Object.keys(RESOURCE_UNITS) as Array<keyof ResourceList>) {
    const request = requests[name] === undefined ? undefined : checkResourceQuantity(scope, `${prop}.requests.${name}`, requests[name]!, RESOURCE_UNITS[name]);
    const limit = limits[name] === undefined ? undefined : checkResourceQuantity(scope, `${prop}.limits.${name}`, limits[name]!, RESOURCE_UNITS[name]);
    if (request && limit) {
      check(compareQuantities(request, limit) <= 0, scope, `${prop}.requests.${name}`, requests[name],
        `must be at most its limit ${JSON.stringify(limits[name])}: the kubelet cannot create a pod whose request exceeds its limit`);
    }
  }
}

/** Checks a container's security settings: user and group IDs in the range the API server accepts. */
export function checkContainerSecurity(scope: IConstruct, prop: string, sec: ContainerSecurity | undefined): void {
  checkLinuxId(scope, `${prop}.runAsUser`, sec?.runAsUser);
  checkLinuxId(scope, `${prop}.runAsGroup`, sec?.runAsGroup);
}

/** Checks a container spec against the rules an API server enforces, naming `prop` in errors (env: see `checkEnv`). */
export function checkContainer(scope: IConstruct, prop: string, spec: ContainerSpec, volumeNames: ReadonlySet<string>): void {
  checkImage(scope, `${prop}.image`, spec.image);
  const ports = spec.ports ?? [];
  ports.forEach((p, i) => {
    checkPortName(scope, `${prop}.ports[${i}].name`, p.name);
    checkPort(scope, `${prop}.ports[${i}].port`, p.port);
  });
  checkUnique(scope, `${prop}.ports[].name`, ports.map(p => p.name));
  checkUnique(scope, `${prop}.ports[].port`, ports.map(p => `${p.port}/${p.protocol ?? 'TCP'}`));
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    const probe = spec[kind];
    if (probe) checkProbe(scope, `${prop}.${kind}`, kind, probe);
    const port = probe?.port;
    if (typeof port === 'string') {
      check(ports.some(p => p.name === port), scope, `${prop}.${kind}.port`, port,
        `must name a port of this container (known: ${ports.map(p => p.name).join(', ') || 'none'})`);
    }
  }
  const mounts = spec.volumeMounts ?? [];
  mounts.forEach((m, i) => {
    checkAbsolutePath(scope, `${prop}.volumeMounts[${i}].mountPath`, m.mountPath);
    check(volumeNames.has(m.volume), scope, `${prop}.volumeMounts[${i}].volume`, m.volume,
      `must name a volume, ConfigMap or claim of this pod (known: ${[...volumeNames].sort().join(', ') || 'none'})`);
    if (m.subPath !== undefined) {
      check(!m.subPath.startsWith('/') && !m.subPath.split('/').includes('..'), scope,
        `${prop}.volumeMounts[${i}].subPath`, m.subPath, "must be a relative path without '..'");
    }
  });
  checkUnique(scope, `${prop}.volumeMounts[].mountPath`, mounts.map(m => m.mountPath));
  checkResources(scope, `${prop}.resources`, spec.resources);
  checkContainerSecurity(scope, `${prop}.securityContext`, spec.securityContext);
}

/** Renders a container with the library's safe security defaults. */
export function renderContainer(spec: ContainerSpec): k8s.Container {
  const sec = spec.securityContext ?? {};
  const env = Object.entries(spec.env ?? {}).map(([name, value]) => value.toEnvVar(name));
  return {
    name: spec.name,
    image: spec.image,
    imagePullPolicy: spec.imagePullPolicy ?? 'IfNotPresent',
    command: spec.command,
    args: spec.args,
    workingDir: spec.workingDir,
    env: env.length ? env : undefined,
    ports: spec.ports?.length
      ? spec.ports.map(p => ({ name: p.name, containerPort: p.port, protocol: p.protocol ?? 'TCP' }))
      : undefined,
    volumeMounts: spec.volumeMounts?.length
      ? spec.volumeMounts.map(m => ({ name: m.volume, mountPath: m.mountPath, subPath: m.subPath || undefined, readOnly: m.readOnly || undefined }))
      : undefined,
    livenessProbe: spec.livenessProbe?.toProbe(),
    readinessProbe: spec.readinessProbe?.toProbe(),
    startupProbe: spec.startupProbe?.toProbe(),
    resources: renderResources(spec.resources),
    securityContext: {
      runAsUser: sec.runAsUser,
      runAsGroup: sec.runAsGroup,
      runAsNonRoot: sec.runAsNonRoot,
      readOnlyRootFilesystem: sec.readOnlyRootFilesystem,
      allowPrivilegeEscalation: sec.allowPrivilegeEscalation ?? false,
      capabilities: {
        drop: sec.capabilitiesDrop ?? ['ALL'],
        add: sec.capabilitiesAdd?.length ? sec.capabilitiesAdd : undefined,
      },
    },
  };
}

function renderResources(resources: Resources | undefined): k8s.ResourceRequirements | undefined {
  if (!resources) return undefined;
  const list = (l: ResourceList | undefined): Record<string, k8s.Quantity> | undefined => {
    if (!l) return undefined;
    const out: Record<string, k8s.Quantity> = {};
    if (l.cpu) out.cpu = k8sQuantity(l.cpu);
    if (l.memory) out.memory = k8sQuantity(l.memory);
    if (l.ephemeralStorage) out['ephemeral-storage'] = k8sQuantity(l.ephemeralStorage);
    return Object.keys(out).length ? out : undefined;
  };
  return { requests: list(resources.requests), limits: list(resources.limits) };
}
