// The public API of cdk8s-stateful: every export is named here on purpose (README.md, "Public exports"); the
// API report api/cdk8s-stateful.api.md records it, and test/api.test.ts fails when it changes unannounced.

// Workloads and their building blocks.
export { WorkloadBase } from './workloads/workload-base';
export type { AppConfigMap, ClientServiceOptions, DisruptionBudgetOptions, ServiceAccountOptions, WorkloadKind, WorkloadProps } from './workloads/props';
export { StatefulApp } from './stateful-app/stateful-app';
export type { PodDnsNameOptions } from './stateful-app/stateful-app';
export type { ClaimRetentionPolicy, HeadlessServiceOptions, StatefulAppProps } from './stateful-app/props';
export { StatefulSetUpdateStrategy } from './stateful-app/update-strategy';
export type { RollingUpdateOptions } from './stateful-app/update-strategy';
export { DeploymentApp } from './deployment-app/deployment-app';
export type { AutoscalingOptions, DeploymentAppProps } from './deployment-app/deployment-app';
export type { ContainerPort, ContainerSecurity, ContainerSpec, ResourceList, Resources, VolumeMount } from './common/container';
export type { AntiAffinity, PodProps, PodSecurity } from './common/pod';
export type { PodExtensions, PodOptions, PodPlacement } from './common/placement';
export type { AccessMode, StorageOptions, VolumeClaim } from './common/storage';
export { EnvValue } from './common/env';
export { Probe } from './common/probe';
export type { ProbeTiming } from './common/probe';
export { AppVolume } from './common/volume';
export type { AppIdentityProps } from './common/labels';

// Handles and credentials.
export type { Endpoint } from './common/endpoint';
export { DatabaseConnection, RedisConnection } from './common/connections';
export { Backend } from './common/backend';
export type { BackendKind } from './common/backend';
export type {
  DatabaseConnectionAttributes, DatabaseEngineFamily, IDatabaseConnection, IRedisConnection, RedisConnectionAttributes,
} from './common/connections';
export { SecretKeyRef } from './common/secret';
export type { RequiredSecretKey } from './common/secret';
export { InvalidPropError } from './common/errors';
export { IMAGE_REGISTRY_CONTEXT } from './common/images';
export { APP_VALIDATION_CONTEXT, KUBERNETES_VERSION_CONTEXT, SERVICE_CLUSTER_IP_RANGE_CONTEXT } from './validation/app-validation';

// MySQL and MariaDB.
export { MySQLReplication } from './mysql/mysql-replication';
export { MariaDBVersion, MySQLEngine, MySQLVersion } from './mysql/engine';
export type { MySQLEngineImages, MySQLFlavor } from './mysql/engine';
export { MYSQL_SECRET_KEYS, MYSQLD_EXPORTER_IMAGE } from './mysql/props';
export type { MySQLDatabaseOptions, MySQLExporterOptions, MySQLReplicationProps, MySQLSwitchoverOptions } from './mysql/props';
export type { ReplicationMode } from './mysql/config-files';
export { BackupTarget } from './mysql/backup/props';
export { DEFAULT_S3_CLIENT_IMAGE } from './mysql/backup/mysql-backups';
export type {
  BackupRetention, IBackupTarget, MySQLBackupOptions, MySQLBackupProps, MySQLBootstrapOptions, MySQLRestoreDrillOptions,
  PvcBackupTargetOptions, S3BackupTargetOptions,
} from './mysql/backup/props';

// Monitoring.
export { Monitoring } from './monitoring/monitoring';
export type { MonitoringSpec, ScrapeTarget } from './monitoring/monitoring';
export type { AlertRule } from './monitoring/alerts';
export type { MonitoringOptions, MySQLMonitoringOptions } from './monitoring/props';

// Releases.
export { RELEASE_LABEL, Release, releaseLabels } from './release/release';
export type { ReleaseProps } from './release/release';
export { synthReleases } from './release/output';
export * from './wordpress';
export * from './harbor';
export * from './credentials';

// Validation.
export * from './validation';
