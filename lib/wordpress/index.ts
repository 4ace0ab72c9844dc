// Public API of the WordPress stack. Internals (Apache files, script loading, checks) stay in their modules.
export { WORDPRESS_HTTP_PORT } from './apache';
export { WordPressDatabase } from './database';
export type {
  WordPressDatabaseConnection, WordPressDatabaseKind, WordPressExternalDatabaseProps, WordPressOwnedDatabaseProps,
  WordPressReplicationOptions, WordPressRequiredSecret,
} from './database';
export type { WordPressNetworkClient, WordPressNetworkPolicyOptions } from './network-policy';
export {
  WORDPRESS_CLI_IMAGE, WORDPRESS_IMAGE, WORDPRESS_KEY_AND_SALT_ENV, WORDPRESS_SECRET_KEYS, WORDPRESS_UID,
} from './props';
export type { WordPressIngressOptions, WordPressInstallJobOptions, WordPressPersistenceOptions, WordPressStackProps } from './props';
export { WordPressStack } from './wordpress-stack';
