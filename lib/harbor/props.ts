import type { Resources } from '../common/container';
import type { CredentialSource } from '../credentials/source';
import type { SecretKeyRef } from '../common/secret';
import type { PodOptions } from '../common/placement';
import type { StorageOptions } from '../common/storage';
import type { HarborDatabase, HarborRedis } from './backends';
import type { HarborCredentialSources } from './credentials';
import type { HarborExposure } from './exposure';
import type { HarborSecrets } from './secrets';
import type { HarborRegistryStorage } from './storage';
import type { MonitoringOptions } from '../monitoring/props';

/** Harbor's log levels. */
export type HarborLogLevel = 'debug' | 'info' | 'warning' | 'error' | 'fatal';

/** Where jobservice writes job logs: files on a claim, the database, or stdout. */
export type HarborJobLogger = 'file' | 'database' | 'stdout';

/**
 * Options shared by the components. The placement and extension props (`nodeSelector`,
 * `tolerations`, `affinity`, `topologySpreadConstraints`, `priorityClassName`, `imagePullSecrets`,
 * `podLabels`, `podAnnotations`, `extraEnv`, `extraVolumes`, `extraVolumeMounts`) apply to that
 * component's pods (harbor-helm `<component>.nodeSelector`, ...).
 */
export interface HarborComponentOptions extends PodOptions {
  /** Number of pods; a PodDisruptionBudget is added when more than one. @default 1 */
  readonly replicas?: number;
  /** Requests and limits. @default - a modest per-component default (see docs/harbor.md) */
  readonly resources?: Resources;
}

/** Options of the registry pod (registry and its registryctl sidecar). */
export interface HarborRegistryOptions extends HarborComponentOptions {
  /** Where images are stored (harbor-helm `persistence.imageChartStorage`). @default HarborRegistryStorage.filesystem() */
  readonly imageStorage?: HarborRegistryStorage;
  /**
   * The data claim of filesystem storage (not with an object store; harbor-helm
   * `persistence.persistentVolumeClaim.registry`). A single-attach claim limits the registry to one replica.
   * @default - 5Gi, ReadWriteOnce
   */
  readonly storage?: StorageOptions;
  /** Requests and limits of the registryctl sidecar. @default - requests 50m CPU / 64Mi, limit 512Mi memory */
  readonly controllerResources?: Resources;
}

/** Options of jobservice. */
export interface HarborJobserviceOptions extends HarborComponentOptions {
  /** Job log destinations; `file` needs the job-logs claim. @default ['file'] */
  readonly jobLoggers?: HarborJobLogger[];
  /** The job-logs claim (with the `file` logger; harbor-helm `persistence.persistentVolumeClaim.jobservice.jobLog`). @default - 1Gi, ReadWriteOnce */
  readonly storage?: StorageOptions;
  /** Concurrent job workers per pod. @default 10 */
  readonly maxJobWorkers?: number;
}

/** Options of the Trivy scanner adapter (`replicas`: pods, each with its own cache claim). */
export interface HarborTrivyOptions extends HarborComponentOptions {
  /**
   * The cache claim (vulnerability DB and reports; harbor-helm `persistence.persistentVolumeClaim.trivy`).
   * With `existingClaim` Trivy runs one pod. @default - 5Gi per pod, ReadWriteOnce
   */
  readonly storage?: StorageOptions;
  /**
   * Do not download the vulnerability database (air-gapped clusters): load it into the cache
   * volume yourself, or scans fail.
   * @default false
   */
  readonly skipUpdate?: boolean;
  /** Do not download the Java index database (air-gapped clusters). @default false */
  readonly skipJavaDBUpdate?: boolean;
  /** Scan without any network access (no package-manager lookups); combine with `skipUpdate` when air-gapped. @default false */
  readonly offlineScan?: boolean;
  /** Severities to report. @default 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL' */
  readonly severity?: string;
  /** Report only vulnerabilities that have a fix. @default false */
  readonly ignoreUnfixed?: boolean;
  /** Timeout of one scan, as a Go duration. @default '5m0s' */
  readonly timeout?: string;
  /** A GitHub token, so that DB downloads are not rate limited. @default - anonymous downloads */
  readonly githubToken?: SecretKeyRef;
}

/** Prometheus metrics: `/metrics` on core, jobservice and registry (port 8001) and the exporter. */
export interface HarborMetricsOptions {
  /** The exporter's pods. @default - one replica, requests 50m CPU / 64Mi, limit 256Mi memory */
  readonly exporter?: HarborComponentOptions;
}

/** Props of a {@link Harbor}. */
export interface HarborProps {
  /** Prefix of every object name (`<name>-core`, `<name>-registry`, ...). @default 'harbor' */
  readonly name?: string;
  /**
   * Harbor release; every image is `<imageRepository>/<component>:<version>` (the internal Redis is
   * `valkey-photon` from v2.15.2 on, `redis-photon` before). @default 'v2.15.2'
   */
  readonly version?: string;
  /**
   * The Harbor release the cluster runs now, when this synth upgrades it: synth fails if `version`
   * is older, or more than two minor releases newer (Harbor migrates its database from at most two
   * minor releases back). @default - no check (a new install)
   */
  readonly upgradingFrom?: string;
  /**
   * Image repository prefix, e.g. a mirror `registry.example.com/goharbor` for air-gapped clusters.
   * @default - DEFAULT_HARBOR_IMAGE_REPOSITORY (`goharbor`), under the `cdk8s-stateful:imageRegistry` context's registry when set
   */
  readonly imageRepository?: string;
  /** How clients reach Harbor. */
  readonly exposure: HarborExposure;
  /**
   * The URL clients (docker, the UI) use, e.g. `https://registry.example.com`. It must match the
   * exposure's host and TLS.
   * @default - derived from the exposure's host and TLS
   */
  readonly externalURL?: string;
  /** Names of Harbor's Secrets (their keys are fixed). @default - '<name>-admin', '<name>-core', ... (see HarborSecrets) */
  readonly secrets?: HarborSecrets;
  /**
   * Who makes each Secret Harbor defines (`secrets`) and the exposure's TLS Secret: one
   * `CredentialSource` for all, or one per Secret (`{ default?, admin?, core?, jobservice?, registry?,
   * tokenService?, database?, redis?, tls? }`, {@link HarborCredentialSources}).
   * `generated()`: the SecretGenerator Job of the release (or namespace) makes each missing Secret once in the
   * cluster, every key of the shape Harbor needs (`generatedSecrets`), and never changes a value;
   * `existing()`: you make it (`requiredSecrets`); `external({...})`: an ExternalSecret fills it
   * (`externalSecrets`). Naming a Secret this configuration does not have (`database` with an
   * external database, `tls` without TLS) or one that is not Harbor's is an error. Secrets you
   * hand over as SecretKeyRefs (an external database's or Redis's password, object-store keys,
   * `trivy.githubToken`, a `tls.ca` in another Secret) are always existing: `requiredSecrets`.
   * @default CredentialSource.generated() for every Secret
   */
  readonly credentials?: CredentialSource | HarborCredentialSources;
  /** PostgreSQL: `HarborDatabase.builtIn({...})` or `HarborDatabase.external(handle)`. @default HarborDatabase.builtIn() */
  readonly database?: HarborDatabase;
  /** Redis: `HarborRedis.builtIn({...})` or `HarborRedis.external(handle)`. @default HarborRedis.builtIn() */
  readonly redis?: HarborRedis;
  /** Core (API, token service, registry proxy). @default - one replica */
  readonly core?: HarborComponentOptions;
  /** Portal (the web UI). @default - one replica */
  readonly portal?: HarborComponentOptions;
  /** Jobservice (replication, GC, scans, webhooks). @default - one replica, file job logs on a 1Gi claim */
  readonly jobservice?: HarborJobserviceOptions;
  /** Registry and registryctl. @default - one replica, filesystem storage on a 5Gi claim */
  readonly registry?: HarborRegistryOptions;
  /** Trivy, registered as the default scanner; `false` for none (core then gets `WITH_TRIVY=false`). @default - one replica */
  readonly trivy?: HarborTrivyOptions | false;
  /** Metrics and the exporter; `{}` to switch them on. @default - off, unless `monitoring` is set */
  readonly metrics?: HarborMetricsOptions;
  /**
   * A PodMonitor of the metrics of core, jobservice, registry and the exporter (it implies
   * `metrics`) and a PrometheusRule that alerts when a component is not ready or reported down
   * (docs/operations.md); `{}` switches it on. @default - none
   */
  readonly monitoring?: MonitoringOptions;
  /** Harbor's nginx proxy (only deployed when the exposure is not an Ingress). @default - one replica */
  readonly nginx?: HarborComponentOptions;
  /** Log level of every component. @default 'info' */
  readonly logLevel?: HarborLogLevel;
  /** Also listen on IPv6 in portal and nginx (turn off on nodes with IPv6 disabled in the kernel). @default true */
  readonly listenIPv6?: boolean;
  /** Cluster DNS domain, for the service host names components use. @default 'cluster.local' */
  readonly clusterDomain?: string;
}
