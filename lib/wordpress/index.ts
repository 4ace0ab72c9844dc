// Public API of WordPress. Internals (Apache files, scripts, checks, the NetworkPolicy builder) stay in their modules.
export { WordPressDatabase } from './database';
export type { WordPressBuiltInDatabaseOptions, WordPressDatabaseKind, WordPressExternalDatabaseOptions } from './database';
export type { WordPressNetworkClient, WordPressNetworkPolicyOptions } from './network-policy';
export { WORDPRESS_CLI_IMAGE, WORDPRESS_IMAGE, WORDPRESS_SECRET_KEYS } from './props';
export type { WordPressIngressOptions, WordPressInstallJobOptions, WordPressProps } from './props';
export { WordPress } from './wordpress';
export { WordPressStack } from './wordpress-stack';
export type { WordPressStackProps } from './wordpress-stack';
