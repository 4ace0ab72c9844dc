import type { Construct } from 'constructs';
import type { ContainerSecurity } from '../common/container';
import { EnvValue } from '../common/env';
import { Probe } from '../common/probe';
import type { PodSecurity } from '../common/pod';
import type { SecretKeyRef } from '../common/secret';
import type { VolumeMount } from '../common/container';
import { AppVolume } from '../common/volume';
import type { StorageOptions, VolumeClaim } from '../common/storage';
import type { HarborPostgresSslMode, HarborRedisDatabaseIndexes } from './backends';
import type { HarborLogLevel } from './props';
import type { SecretCatalog } from './secrets';
import type { HarborRegistryStorage } from './storage';

/** Container ports of Harbor's components (internal TLS off, as the official chart by default). */
export const HARBOR_PORTS = {
  core: 8080,
  portal: 8080,
  jobservice: 8080,
  registry: 5000,
  registryctl: 8080,
  trivy: 8080,
  database: 5432,
  redis: 6379,
  metrics: 8001,
  nginxHttp: 8080,
  nginxHttps: 8443,
} as const;

/** UID/GID of the `harbor`, `scanner` and `nginx` users in the goharbor images. */
export const HARBOR_UID = 10000;
/** UID/GID of the `postgres` user in goharbor/harbor-db and the `redis` user in goharbor/redis-photon. */
export const DATA_UID = 999;

/** Pod security of the goharbor application images. */
export const HARBOR_POD_SECURITY: PodSecurity = { runAsUser: HARBOR_UID, runAsGroup: HARBOR_UID, runAsNonRoot: true, fsGroup: HARBOR_UID };
/** Pod security of the database and Redis images. */
export const DATA_POD_SECURITY: PodSecurity = { runAsUser: DATA_UID, runAsGroup: DATA_UID, runAsNonRoot: true, fsGroup: DATA_UID };
/** Container security of every container (all capabilities dropped, no privilege escalation: the library's defaults). */
export const CONTAINER_SECURITY: ContainerSecurity = { runAsNonRoot: true, allowPrivilegeEscalation: false };

/** Object names of the stack's components. */
export interface HarborNames {
  readonly core: string;
  readonly portal: string;
  readonly jobservice: string;
  readonly registry: string;
  readonly registryctl: string;
  readonly database: string;
  readonly redis: string;
  readonly trivy: string;
  readonly trivyHeadless: string;
  readonly exporter: string;
  readonly nginx: string;
  readonly ingress: string;
}

/** Names of every object for the stack prefix `name`. */
export function harborNames(name: string): HarborNames {
  return {
    core: `${name}-core`,
    portal: `${name}-portal`,
    jobservice: `${name}-jobservice`,
    registry: `${name}-registry`,
    registryctl: `${name}-registryctl`,
    database: `${name}-database`,
    redis: `${name}-redis`,
    trivy: `${name}-trivy`,
    trivyHeadless: `${name}-trivy-headless`,
    exporter: `${name}-exporter`,
    nginx: `${name}-nginx`,
    ingress: `${name}-ingress`,
  };
}

/** How components reach PostgreSQL. */
export interface DatabaseConnection {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly database: string;
  readonly sslMode: HarborPostgresSslMode;
  /** The password, recorded as read by `component`. */
  password(component: string): SecretKeyRef;
}

/** Name of the env var that carries the Redis password into `$(REDIS_PASSWORD)` of the Redis URLs. */
export const REDIS_PASSWORD_ENV = 'REDIS_PASSWORD';

/**
 * How components reach Redis. Harbor takes Redis URLs with the password inside
 * (`redis://:password@host:port/db`); the URLs here say `$(REDIS_PASSWORD)` instead, which the
 * kubelet fills in from the env var {@link REDIS_PASSWORD_ENV} (a secretKeyRef defined before them),
 * so no password is written into the manifests.
 */
export class RedisConnection {
  constructor(
    public readonly host: string,
    public readonly port: number,
    public readonly tls: boolean,
    public readonly username: string | undefined,
    /** Database numbers of the components. */
    public readonly indexes: Required<HarborRedisDatabaseIndexes>,
    private readonly passwordRef: ((component: string) => SecretKeyRef) | undefined,
  ) {}

  /** `host:port`. */
  public get addr(): string {
    return `${this.host}:${this.port}`;
  }

  /** Whether the server needs a password. */
  public get hasPassword(): boolean {
    return this.passwordRef !== undefined;
  }

  /** The password env var, to put before any env var that uses {@link url}. */
  public passwordEnv(component: string): Record<string, EnvValue> {
    return this.passwordRef ? { [REDIS_PASSWORD_ENV]: EnvValue.fromSecret(this.passwordRef(component)) } : {};
  }

  /** The password as a SecretKeyRef (for the registry's `REGISTRY_REDIS_PASSWORD`). */
  public password(component: string): SecretKeyRef | undefined {
    return this.passwordRef?.(component);
  }

  /** A Redis URL of database `index`, with `$(REDIS_PASSWORD)` as the password. */
  public url(index: number, options: { idleTimeout?: boolean; withPassword?: boolean } = {}): string {
    const scheme = this.tls ? 'rediss' : 'redis';
    const cred = this.passwordRef && options.withPassword !== false
      ? `${this.username ?? ''}:$(${REDIS_PASSWORD_ENV})@`
      : (this.username ? `${this.username}@` : '');
    return `${scheme}://${cred}${this.addr}/${index}${options.idleTimeout ? '?idle_timeout_seconds=30' : ''}`;
  }
}

/** What every component builder needs to know about the stack. */
export interface HarborContext {
  /** The stack (scope of every component). */
  readonly scope: Construct;
  /** Object name prefix. */
  readonly name: string;
  /** Namespace. */
  readonly namespace: string;
  /** Harbor version (image tag). */
  readonly version: string;
  /** Cluster DNS domain. */
  readonly clusterDomain: string;
  /** Log level. */
  readonly logLevel: HarborLogLevel;
  /** Metrics enabled. */
  readonly metrics: boolean;
  /** Trivy deployed. */
  readonly trivyEnabled: boolean;
  /** Listen on IPv6 too (portal, nginx). */
  readonly listenIPv6: boolean;
  /** The external URL. */
  readonly externalURL: string;
  /** Object names. */
  readonly names: HarborNames;
  /** Secret references, recorded per component. */
  readonly secrets: SecretCatalog;
  /** Registry storage. */
  readonly storage: HarborRegistryStorage;
  /** PostgreSQL. */
  readonly database: DatabaseConnection;
  /** Redis. */
  readonly redis: RedisConnection;
  /** Internal URLs of the components, through their Services. */
  readonly urls: HarborUrls;
  /** Image `<repository>/<image>:<version>`. */
  image(image: string): string;
  /** Label props of a component's app. */
  labels(component: string): { appName: string; instance: string; component: string; partOf: string; version: string };
  /** Full DNS name of a Service of the stack. */
  serviceHost(service: string): string;
}

/** Internal URLs of the components. */
export interface HarborUrls {
  readonly core: string;
  readonly jobservice: string;
  readonly registry: string;
  readonly registryctl: string;
  readonly portal: string;
  readonly trivy: string;
  readonly tokenService: string;
}

/** Internal URLs for the given service host function. */
export function harborUrls(names: HarborNames, host: (service: string) => string): HarborUrls {
  // The port is always written out: the Trivy adapter needs it in CORE_URL (aquasecurity/harbor-scanner-trivy#108).
  const core = `http://${host(names.core)}:${HARBOR_PORTS.core}`;
  return {
    core,
    jobservice: `http://${host(names.jobservice)}:${HARBOR_PORTS.jobservice}`,
    registry: `http://${host(names.registry)}:${HARBOR_PORTS.registry}`,
    registryctl: `http://${host(names.registryctl)}:${HARBOR_PORTS.registryctl}`,
    portal: `http://${host(names.portal)}:${HARBOR_PORTS.portal}`,
    trivy: `http://${host(names.trivy)}:${HARBOR_PORTS.trivy}`,
    tokenService: `${core}/service/token`,
  };
}

/** Env vars whose values come from keys of a ConfigMap the app creates (`<app>-<configMap>`). */
export function envFromConfigMap(configMapName: string, data: Record<string, string>): Record<string, EnvValue> {
  return Object.fromEntries(Object.keys(data).map(key => [key, EnvValue.fromConfigMap(configMapName, key)]));
}

/** The `data` claim template of an internal StatefulSet component, from its persistence options. */
export function dataStorage(options: StorageOptions | undefined, defaultSize: string, mountPath: string): DataStorage {
  const p = options ?? {};
  if (p.existingClaim !== undefined) {
    return { volumeClaims: [], volumes: [AppVolume.persistentVolumeClaim('data', p.existingClaim)], mounts: [{ volume: 'data', mountPath }] };
  }
  return {
    volumeClaims: [{ name: 'data', size: p.size ?? defaultSize, accessModes: p.accessModes ?? ['ReadWriteOnce'], storageClassName: p.storageClassName, mountPath }],
    volumes: [],
    mounts: [],
  };
}

/**
 * The `data` volume of a StatefulSet component: a claim template (mounted by StatefulApp), or an
 * existing claim as a pod volume that the main container mounts itself.
 */
export interface DataStorage {
  /** The claim template, unless an existing claim is used. */
  readonly volumeClaims: VolumeClaim[];
  /** The existing claim as a volume named `data`. */
  readonly volumes: AppVolume[];
  /** The main container's mount of the existing claim. */
  readonly mounts: VolumeMount[];
}

/**
 * Startup, liveness and readiness probes on one HTTP endpoint, polled every 10 s. The startup probe
 * allows `startupSeconds` before liveness applies; liveness and readiness fail after `failures` misses.
 */
export function httpProbes(path: string, port: string, startupSeconds = 300, failures = 3) {
  const every = { periodSeconds: 10 };
  return {
    startupProbe: Probe.http(path, port, { ...every, failureThreshold: Math.ceil(startupSeconds / 10) }),
    livenessProbe: Probe.http(path, port, { ...every, failureThreshold: failures }),
    readinessProbe: Probe.http(path, port, { ...every, failureThreshold: failures }),
  };
}
