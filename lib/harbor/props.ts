import { ChartProps } from 'cdk8s';
import { Resources } from '../common/container';
import { SecretKeyRef } from '../common/secret';
import { AccessMode } from '../common/storage';
import { Database, Redis } from './backends';
import { Exposure } from './exposure';
import { HarborSecrets } from './secrets';
import { RegistryStorage } from './storage';

/** Harbor's log levels. */
export type HarborLogLevel = 'debug' | 'info' | 'warning' | 'error' | 'fatal';

/** Where jobservice writes job logs: files on a claim, the database, or stdout. */
export type JobLogger = 'file' | 'database' | 'stdout';

/** A claim of a component. */
export interface HarborClaimOptions {
  /** Requested size, e.g. `10Gi`. @default - per component: registry 5Gi, jobservice 1Gi, database 1Gi, redis 1Gi, trivy 5Gi */
  readonly size?: string;
  /** Storage class. @default - the cluster's default StorageClass */
  readonly storageClass?: string;
  /**
   * Access mode. A ReadWriteOnce claim limits a Deployment (registry, jobservice) to one replica
   * and the `Recreate` strategy; use `ReadWriteMany` storage to run more.
   * @default 'ReadWriteOnce'
   */
  readonly accessMode?: AccessMode;
  /**
   * Use this existing claim instead of creating one (harbor-helm `persistence.persistentVolumeClaim.<component>.existingClaim`),
   * e.g. to keep data across a reinstall; `size` and `storageClass` then do not apply. Set `accessMode` to the
   * claim's mode: it decides how many replicas may mount it (Trivy and the StatefulSets: one).
   * @default - a claim is created (`<component>-data`, `<component>-job-logs`, or `data-<component>-0` for a StatefulSet)
   */
  readonly existingClaim?: string;
}

/** Options shared by the stateless components. */
export interface HarborComponentOptions {
  /** Number of pods; a PodDisruptionBudget is added when more than one. @default 1 */
  readonly replicas?: number;
  /** Requests and limits. @default - a modest per-component default (see docs/harbor.md) */
  readonly resources?: Resources;
}

/** Options of the registry pod (registry and its registryctl sidecar). */
export interface RegistryOptions extends HarborComponentOptions {
  /** Where images are stored. @default RegistryStorage.filesystem() */
  readonly storage?: RegistryStorage;
  /** The data claim of filesystem storage (not allowed with S3). @default - 5Gi, ReadWriteOnce */
  readonly persistence?: HarborClaimOptions;
  /** Requests and limits of the registryctl sidecar. @default - requests 50m CPU / 64Mi, limit 512Mi memory */
  readonly controllerResources?: Resources;
}

/** Options of jobservice. */
export interface JobserviceOptions extends HarborComponentOptions {
  /** Job log destinations; `file` needs the job-logs claim. @default ['file'] */
  readonly jobLoggers?: JobLogger[];
  /** The job-logs claim (with the `file` logger). @default - 1Gi, ReadWriteOnce */
  readonly persistence?: HarborClaimOptions;
  /** Concurrent job workers per pod. @default 10 */
  readonly maxJobWorkers?: number;
}

/** Options of the Trivy scanner adapter. */
export interface TrivyOptions {
  /** Deploy Trivy and register it as the default scanner. @default true */
  readonly enabled?: boolean;
  /** Number of pods (each with its own cache claim). @default 1 */
  readonly replicas?: number;
  /** Requests and limits. @default - requests 200m CPU / 512Mi, limits 1 CPU / 1Gi */
  readonly resources?: Resources;
  /** The cache claim (vulnerability DB and reports). @default - 5Gi, ReadWriteOnce */
  readonly persistence?: HarborClaimOptions;
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

/** Prometheus metrics. */
export interface HarborMetricsOptions {
  /** Expose `/metrics` on core, jobservice and registry (port 8001) and deploy the exporter. @default false */
  readonly enabled?: boolean;
  /** Requests and limits of the exporter. @default - requests 50m CPU / 64Mi, limit 256Mi memory */
  readonly exporterResources?: Resources;
}

/** Props of a {@link HarborStack}. */
export interface HarborStackProps extends ChartProps {
  /** Namespace of every object; the stack creates the Namespace itself. @default 'harbor' */
  readonly namespace?: string;
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
  /** Image repository prefix, e.g. a mirror `registry.example.com/goharbor` for air-gapped clusters. @default 'goharbor' */
  readonly imageRepository?: string;
  /** How clients reach Harbor. */
  readonly exposure: Exposure;
  /**
   * The URL clients (docker, the UI) use, e.g. `https://registry.example.com`. It must match the
   * exposure's host and TLS.
   * @default - derived from the exposure's host and TLS
   */
  readonly externalURL?: string;
  /** Names of the Secrets the operator creates. @default - '<name>-admin', '<name>-core', ... (see HarborSecrets) */
  readonly secrets?: HarborSecrets;
  /** PostgreSQL. @default Database.internal() */
  readonly database?: Database;
  /** Redis. @default Redis.internal() */
  readonly redis?: Redis;
  /** Core (API, token service, registry proxy). @default - one replica */
  readonly core?: HarborComponentOptions;
  /** Portal (the web UI). @default - one replica */
  readonly portal?: HarborComponentOptions;
  /** Jobservice (replication, GC, scans, webhooks). @default - one replica, file job logs on a 1Gi claim */
  readonly jobservice?: JobserviceOptions;
  /** Registry and registryctl. @default - one replica, filesystem storage on a 5Gi claim */
  readonly registry?: RegistryOptions;
  /** Trivy scanner. @default - enabled, one replica */
  readonly trivy?: TrivyOptions;
  /** Metrics and the exporter. @default - disabled */
  readonly metrics?: HarborMetricsOptions;
  /** Harbor's nginx proxy (only deployed when the exposure is not an Ingress). @default - one replica */
  readonly nginx?: HarborComponentOptions;
  /** Log level of every component. @default 'info' */
  readonly logLevel?: HarborLogLevel;
  /** Also listen on IPv6 in portal and nginx (turn off on nodes with IPv6 disabled in the kernel). @default true */
  readonly listenIPv6?: boolean;
  /** Cluster DNS domain, for the service host names components use. @default 'cluster.local' */
  readonly clusterDomain?: string;
}
