export { Database, Redis } from './backends';
export type {
  ExternalDatabaseOptions, ExternalRedisOptions, InternalDatabaseOptions, InternalRedisOptions, PostgresSslMode, RedisDatabaseIndexes,
} from './backends';
export { Exposure } from './exposure';
export type {
  ClusterIPExposureOptions, ExposureTls, ExposureType, IngressExposureOptions, LoadBalancerExposureOptions,
  NginxExposureOptions, NginxServiceSpec, NodePortExposureOptions,
} from './exposure';
export { DEFAULT_HARBOR_VERSION, HarborStack } from './harbor-stack';
export type {
  HarborClaimOptions, HarborComponentOptions, HarborLogLevel, HarborStackProps, JobLogger, JobserviceOptions,
  HarborMetricsOptions, RegistryOptions, TrivyOptions,
} from './props';
export { HARBOR_SECRET_KEYS } from './secrets';
export type { HarborSecrets, RequiredSecret } from './secrets';
export { RegistryStorage } from './storage';
export type { RegistryStorageType } from './storage';
export type {
  AzureStorageOptions, GcsStorageOptions, ObjectStorageOptions, OssStorageOptions, S3Credentials, S3StorageOptions, SwiftStorageOptions,
} from './storage-options';
