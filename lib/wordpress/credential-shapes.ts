import { CredentialShape } from '../credentials/shapes';
import { WORDPRESS_SECRET_KEYS } from './props';

/**
 * The shape of each key of the WordPress Secret: a 24-character admin password, and 64-character
 * authentication keys and salts (the length of WordPress's own secret-key service).
 */
export const WORDPRESS_CREDENTIAL_SHAPES: Readonly<Record<string, CredentialShape>> = Object.fromEntries(
  Object.values(WORDPRESS_SECRET_KEYS).map(key => [key, key === WORDPRESS_SECRET_KEYS.adminPassword
    ? CredentialShape.password({ length: 24, mustContain: ['lower', 'upper', 'digit'] })
    : CredentialShape.password({ length: 64 })]));
