import type { Resources } from '../common/container';
import type { PodOptions } from '../common/placement';
import type { AntiAffinity, PodSecurity } from '../common/pod';
import type { SecretKeyRef } from '../common/secret';
import type { CredentialSource } from '../credentials/source';
import type { StorageOptions } from '../common/storage';
import type { DisruptionBudgetOptions } from '../workloads/props';
import type { MySQLMonitoringOptions } from '../monitoring/props';
import type { StatefulSetUpdateStrategy } from '../stateful-app/update-strategy';
import type { MySQLBackupProps } from './backup/props';
import type { ReplicationMode } from './config-files';
import type { MySQLEngine } from './engine';

/** Keys of the credentials Secret, the same in every construct of this library. */
export const MYSQL_SECRET_KEYS = {
  /** Password of `root`. */
  rootPassword: 'root-password',
  /** Password of the replication user. */
  replicationPassword: 'replication-password',
  /** Password of the application user (when `database` is set). */
  userPassword: 'password',
  /** Password of the metrics user `exporter` (when `exporter` is set). */
  exporterPassword: 'exporter-password',
} as const;

/** An application database and user, created on the primary's first start. */
export interface MySQLDatabaseOptions {
  /** Database name. */
  readonly name: string;
  /** User that owns it (all privileges on this database only). */
  readonly user: string;
  /** The user's password. @default - key `password` of the credentials Secret */
  readonly password?: SecretKeyRef;
}

/**
 * The Prometheus mysqld-exporter sidecar. It logs in as the user `exporter`, created on the
 * primary's first start with only PROCESS, REPLICATION CLIENT and SELECT (MariaDB: PROCESS, BINLOG MONITOR,
 * SLAVE MONITOR and SELECT), from 127.0.0.1 only.
 */
export interface MySQLExporterOptions {
  /** Image. @default MYSQLD_EXPORTER_IMAGE (`prom/mysqld-exporter:v0.17.2`) */
  readonly image?: string;
}

/** The mysqld-exporter image of `exporter: {}`, pinned. */
export const MYSQLD_EXPORTER_IMAGE = 'prom/mysqld-exporter:v0.17.2';

/**
 * The switchover Job, synthesized whenever `primary` is set (docs/operations.md). It makes the
 * declared primary the primary: the old one read-only, the target caught up and promoted, every
 * other member pointed at it.
 */
export interface MySQLSwitchoverOptions {
  /**
   * Seconds the target may take to apply the old primary's last transactions while writes are
   * refused; past them the old primary is made writable again and the Job fails. @default 30
   */
  readonly catchUpSeconds?: number;
  /** Seconds the Job waits for the target to answer before it fails, changing nothing. @default 300 */
  readonly memberWaitSeconds?: number;
  /**
   * Seconds after the Job finishes before Kubernetes deletes it (`ttlSecondsAfterFinished`);
   * applied again, it finds the target promoted and changes nothing. @default 86400
   */
  readonly ttlSecondsAfterFinished?: number;
}

/** Props of a {@link MySQLReplication} (backups, bootstrap restore and drill: {@link MySQLBackupProps}). */
export interface MySQLReplicationProps extends PodOptions, MySQLBackupProps {
  /** StatefulSet and headless Service name. @default - the construct id */
  readonly name?: string;
  /** Engine, version and images. @default MySQLEngine.mysql(MySQLVersion.V8_4) */
  readonly engine?: MySQLEngine;
  /** Members: the `primary` ordinal is the primary, the others replicas. @default 3 */
  readonly replicas?: number;
  /**
   * The ordinal of the primary (0 to replicas - 1). The write Service `<name>-primary` selects its pod, and each
   * member takes its role from it when it starts (never from its ordinal). Changing it on a running cluster is a
   * planned switchover by a Job, synthesized whenever `primary` is set (keep it set, also to 0, once you have
   * switched: without it there is no Job to switch back); it needs `replicationMode` `'gtid'`
   * (docs/operations.md). @default 0
   */
  readonly primary?: number;
  /** The switchover Job (with `primary`). @default - 30 s to catch up, 300 s to wait for the target, deleted a day after it finishes */
  readonly switchover?: MySQLSwitchoverOptions;
  /**
   * Must stay `OrderedReady`: a new member clones ordinal - 1, which must be ready. `Parallel` is
   * rejected with an error. @default 'OrderedReady'
   */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /**
   * Update strategy. A partition allows canaries: set it to 1 to update the replicas first, then
   * to 0 to update the primary last. @default StatefulSetUpdateStrategy.rollingUpdate()
   */
  readonly updateStrategy?: StatefulSetUpdateStrategy;
  /** GTID auto-positioning or binary log file and position. @default 'gtid' */
  readonly replicationMode?: ReplicationMode;
  /** `server-id` is this plus the ordinal (0 is reserved). @default 100 */
  readonly serverIdOffset?: number;
  /** Extra `[mysqld]` settings for every member, e.g. `{ max_connections: '500' }`. @default {} */
  readonly config?: Record<string, string>;
  /** Each member's `data` claim (`existingClaim` is not possible: every member has its own). @default - 10Gi ReadWriteOnce from the default StorageClass */
  readonly storage?: StorageOptions;
  /**
   * Secret holding the credentials under the keys of {@link MYSQL_SECRET_KEYS}
   * (`root-password`, `replication-password`, `password` when `database` is set, `exporter-password`
   * when `exporter` is set).
   * @default `<name>-credentials`
   */
  readonly secretName?: string;
  /**
   * Who makes the Secret `secretName` with the keys the members read: `CredentialSource.generated()`
   * (the SecretGenerator Job of the release, or of the namespace outside a Release, creates it once
   * in the cluster; see `generatedSecrets`), `CredentialSource.existing()` (you create it first;
   * see `requiredSecrets`) or `CredentialSource.external({...})` (an ExternalSecret fills it; see
   * `externalSecrets`). The members' pods are the same whatever the source. A `database.password`
   * in another Secret is always `existing`.
   * @default CredentialSource.generated() - made in the cluster, once, never changed
   */
  readonly credentials?: CredentialSource;
  /** Replication user (granted only REPLICATION SLAVE and REPLICATION CLIENT). @default 'replicator' */
  readonly replicationUser?: string;
  /** Application database and user to create on first start. @default - none */
  readonly database?: MySQLDatabaseOptions;
  /** Resources of the database container. @default - requests 500m CPU and 1Gi memory, as the seed */
  readonly resources?: Resources;
  /** Resources of the backup sidecar and of the clone init container. @default - requests 100m CPU and 100Mi memory */
  readonly backupResources?: Resources;
  /** Seconds a member may take to start (crash recovery of a large data set) before liveness applies. @default 600 */
  readonly startupTimeoutSeconds?: number;
  /** Seconds a new member waits for ordinal - 1 to resolve in DNS before it fails. @default 120 */
  readonly peerWaitSeconds?: number;
  /** Adds a mysqld-exporter sidecar on port 9104; `{}` switches it on. @default - none, unless `monitoring` is set */
  readonly exporter?: MySQLExporterOptions;
  /**
   * A PodMonitor of the members' exporters (it implies `exporter`) and a PrometheusRule with the
   * database's alerts (replication, members, read-only, connections, data claims, backups, restore
   * drill; docs/operations.md); `{}` switches it on. Some alerts read kube-state-metrics and
   * kubelet series. @default - none
   */
  readonly monitoring?: MySQLMonitoringOptions;
  /**
   * A NetworkPolicy that admits the clone port (3307, an unauthenticated stream of a full physical
   * backup) only from the cluster's own members, and leaves 3306 (and 9104) open. Needs a CNI that
   * enforces NetworkPolicies; `false` for none. @default true
   */
  readonly networkPolicy?: boolean;
  /** Spread members over nodes. @default 'soft' */
  readonly antiAffinity?: AntiAffinity;
  /** PodDisruptionBudget; `false` for none. @default - maxUnavailable 1 when replicas > 1 */
  readonly disruptionBudget?: DisruptionBudgetOptions | false;
  /** Pod security. @default - uid/gid 999 (the images' mysql user), fsGroup 999, non-root */
  readonly podSecurity?: PodSecurity;
  /** Name of the read Service over every member. @default `<name>-read` */
  readonly readServiceName?: string;
  /** `app.kubernetes.io/part-of`. @default - none */
  readonly partOf?: string;
  /** Cluster DNS domain. @default 'cluster.local' */
  readonly clusterDomain?: string;
}
