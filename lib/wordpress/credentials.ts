import type { Construct } from 'constructs';
import { check } from '../common/errors';
import { withOuterProps } from '../common/prop-paths';
import type { SecretKeyRef } from '../common/secret';
import { Credentials } from '../credentials/credentials';
import { WORDPRESS_CREDENTIAL_SHAPES } from './credential-shapes';
import { CredentialSource } from '../credentials/source';
import type { CredentialKey } from '../credentials/types';
import { WORDPRESS_KEY_AND_SALT_ENV, WORDPRESS_SECRET_KEYS } from './props';

/** What a WordPress reads from its Secret, and who reads it. */
export interface WordPressCredentialsOptions {
  /** The WordPress Secret (`secretName`). */
  readonly secretName: string;
  /** The source the user chose (`credentials`). */
  readonly source: CredentialSource | undefined;
  /** Namespace of the Secret. */
  readonly namespace?: string;
  /** Path of the workload that reads the keys and salts (the DeploymentApp). */
  readonly keysUsedBy: string;
  /** The admin password and the install Job's path; none without an install Job. */
  readonly admin?: { readonly ref: SecretKeyRef; readonly purpose: string; readonly usedBy: string };
}

/** The purpose of a key or salt, from its env var: `WORDPRESS_AUTH_KEY` -> `WordPress auth key`. */
export function keyAndSaltPurpose(env: string): string {
  return `WordPress ${env.replace('WORDPRESS_', '').toLowerCase().replace(/_/g, ' ')}`;
}

/**
 * The WordPress Secret as {@link Credentials}: the eight keys and salts, and the admin password when
 * the install Job reads it from this Secret, each of its `WORDPRESS_CREDENTIAL_SHAPES` shape. Errors
 * of the source name `credentials` of the WordPress.
 */
export function createWordPressCredentials(wordpress: Construct, o: WordPressCredentialsOptions): Credentials {
  // Credentials checks that the source is one (reported under `credentials` by withOuterProps).
  const source = o.source ?? CredentialSource.generated();
  const keys: Record<string, CredentialKey> = {};
  // An adminPassword in another Secret is not this construct's to make: it stays required.
  if (o.admin && o.admin.ref.secretName === o.secretName) {
    keys[o.admin.ref.key] = { shape: WORDPRESS_CREDENTIAL_SHAPES[WORDPRESS_SECRET_KEYS.adminPassword], purpose: o.admin.purpose, usedBy: [o.admin.usedBy] };
  }
  for (const [env, key] of Object.entries(WORDPRESS_KEY_AND_SALT_ENV)) {
    check(keys[key] === undefined, wordpress, 'adminPassword', `${o.secretName}/${key}`,
      'must not be one of the authentication keys and salts of secretName: give it its own key (default admin-password)');
    keys[key] = { shape: WORDPRESS_CREDENTIAL_SHAPES[key], purpose: keyAndSaltPurpose(env), usedBy: [o.keysUsedBy] };
  }
  return withOuterProps(wordpress, [[`sources.${o.secretName}`, 'credentials']], () => new Credentials(wordpress, 'credentials', {
    secrets: [{ secretName: o.secretName, keys }],
    sources: { [o.secretName]: source },
    namespace: o.namespace,
  }));
}
