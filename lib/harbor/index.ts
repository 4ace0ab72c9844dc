// Public API of Harbor. Internals (components, configs, the secret catalog) stay in their modules.
export { HarborDatabase, HarborRedis } from './backends';
export type {
  HarborBuiltInDatabaseOptions, HarborBuiltInRedisOptions, HarborExternalDatabaseOptions, HarborExternalRedisOptions,
  PostgresSslMode, RedisDatabaseIndexes,
} from './backends';
export { Exposure } from './exposure';
export type {
  ClusterIPExposureOptions, ExposureTls, ExposureType, IngressExposureOptions, LoadBalancerExposureOptions, NginxExposureOptions,
  NginxServiceSpec, NodePortExposureOptions,
} from './exposure';
export type { HarborCredentialSources } from './credentials';
export { DEFAULT_HARBOR_IMAGE_REPOSITORY, DEFAULT_HARBOR_VERSION, Harbor } from './harbor';
export { HarborStack } from './harbor-stack';
export type { HarborStackProps } from './harbor-stack';
export type {
  HarborComponentOptions, HarborLogLevel, HarborMetricsOptions, HarborProps, JobLogger, JobserviceOptions, RegistryOptions, TrivyOptions,
} from './props';
export { HARBOR_SECRET_KEYS } from './secrets';
export type { HarborSecrets } from './secrets';
export { RegistryStorage } from './storage';
export type { RegistryStorageType } from './storage';
export type {
  AzureStorageOptions, GcsStorageOptions, ObjectStorageOptions, OssStorageOptions, S3Credentials, S3StorageOptions, SwiftStorageOptions,
} from './storage-options';
