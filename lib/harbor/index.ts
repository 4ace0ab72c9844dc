// Public API of Harbor. Internals (components, configs, the secret catalog) stay in their modules.
export { HarborDatabase, HarborRedis } from './backends';
export type {
  HarborBuiltInDatabaseOptions, HarborBuiltInRedisOptions, HarborExternalDatabaseOptions, HarborExternalRedisOptions,
  HarborPostgresSslMode, HarborRedisDatabaseIndexes,
} from './backends';
export { HarborExposure } from './exposure';
export type {
  HarborClusterIPExposureOptions, HarborExposureTls, HarborExposureType, HarborIngressExposureOptions, HarborLoadBalancerExposureOptions, HarborNginxExposureOptions,
  HarborNginxServiceSpec, HarborNodePortExposureOptions,
} from './exposure';
export type { HarborCredentialSources } from './credentials';
export { DEFAULT_HARBOR_IMAGE_REPOSITORY, DEFAULT_HARBOR_VERSION, Harbor } from './harbor';
export { HarborStack } from './harbor-stack';
export type { HarborStackProps } from './harbor-stack';
export type {
  HarborComponentOptions, HarborLogLevel, HarborMetricsOptions, HarborProps, HarborJobLogger, HarborJobserviceOptions, HarborRegistryOptions, HarborTrivyOptions,
} from './props';
export { HARBOR_SECRET_KEYS } from './secrets';
export type { HarborSecrets } from './secrets';
export { HarborRegistryStorage } from './storage';
export type { HarborRegistryStorageType } from './storage';
export type {
  HarborAzureStorageOptions, HarborGcsStorageOptions, HarborObjectStorageOptions, HarborOssStorageOptions, HarborS3Credentials, HarborS3StorageOptions, HarborSwiftStorageOptions,
} from './storage-options';
