import { ALPHABETS, CredentialShape } from '../credentials/shapes';
import { HARBOR_SECRET_KEYS } from './secrets';
import type { HarborSecrets } from './secrets';

/** Key of the token-service Secret that holds the self-signed certificate of `tls.key`. */
export const HARBOR_TOKEN_CERTIFICATE_KEY = 'tls.crt';

const HARBOR_SHAPES: { readonly [S in keyof HarborSecrets]-?: Readonly<Record<string, CredentialShape>> } = {
  // Harbor requires an upper-case letter, a lower-case letter and a digit in a password.
  admin: { [HARBOR_SECRET_KEYS.admin.password]: CredentialShape.password({ length: 24, mustContain: ['lower', 'upper', 'digit'] }) },
  core: {
    [HARBOR_SECRET_KEYS.core.secret]: CredentialShape.password({ length: 32 }),
    // Core's AES key: exactly 16 characters. It must never change once data exists.
    [HARBOR_SECRET_KEYS.core.secretKey]: CredentialShape.fixedLength(16),
    [HARBOR_SECRET_KEYS.core.csrfKey]: CredentialShape.fixedLength(32),
  },
  jobservice: { [HARBOR_SECRET_KEYS.jobservice.secret]: CredentialShape.password({ length: 32 }) },
  registry: {
    [HARBOR_SECRET_KEYS.registry.httpSecret]: CredentialShape.password({ length: 32 }),
    [HARBOR_SECRET_KEYS.registry.password]: CredentialShape.password({ length: 32 }),
    [HARBOR_SECRET_KEYS.registry.htpasswd]: CredentialShape.htpasswdBcrypt({ user: 'harbor_registry_user', fromKey: HARBOR_SECRET_KEYS.registry.password }),
  },
  tokenService: {
    [HARBOR_SECRET_KEYS.tokenService.privateKey]: CredentialShape.rsaPrivateKey({ bits: 4096 }),
    [HARBOR_TOKEN_CERTIFICATE_KEY]: CredentialShape.selfSignedCertificate({
      privateKeyFrom: HARBOR_SECRET_KEYS.tokenService.privateKey, commonName: 'harbor-token-ca', days: 3650,
    }),
  },
  // Both go into URLs (Redis URLs, PostgreSQL connection strings): hex.
  database: { [HARBOR_SECRET_KEYS.database.password]: CredentialShape.password({ length: 32, alphabet: ALPHABETS.hex }) },
  redis: { [HARBOR_SECRET_KEYS.redis.password]: CredentialShape.password({ length: 32, alphabet: ALPHABETS.hex }) },
};

/**
 * The shape of key `key` of Harbor's Secret `secret` (one of {@link HarborSecrets}), or undefined
 * for a key Harbor does not define (a Secret the caller hands over, such as an external
 * database's, has no shape: it is `existing`).
 */
export function harborCredentialShape(secret: keyof HarborSecrets, key: string): CredentialShape | undefined {
  return HARBOR_SHAPES[secret][key];
}

/**
 * Every key of Harbor's Secret `secret` that a generator makes: the keys Harbor reads plus, for
 * `tokenService`, the self-signed certificate (`tls.crt`) of its signing key, so that the Secret
 * is a complete key pair like one made by `kubectl create secret tls`.
 */
export function harborCredentialKeys(secret: keyof HarborSecrets): readonly string[] {
  return Object.keys(HARBOR_SHAPES[secret]);
}

/** Validity of a generated Harbor TLS certificate: 825 days, the most Apple platforms accept for a TLS server certificate. */
export const HARBOR_TLS_DAYS = 825;

/** The names a generated Harbor TLS certificate is for. */
export interface HarborTlsNames {
  /** Subject common name. */
  readonly commonName: string;
  /** DNS names of the subjectAltName. */
  readonly dnsNames: readonly string[];
  /** IP addresses of the subjectAltName. */
  readonly ipAddresses: readonly string[];
}

/**
 * The shapes of a generated TLS Secret of Harbor's exposure (`tls.key`, `tls.crt`): what
 * harbor-helm's `expose.tls.certSource: auto` makes, made once in the cluster instead of on every
 * `helm template`: an RSA 2048 key and a self-signed server certificate for the external host.
 */
export function harborTlsCredentialShapes(names: HarborTlsNames): Readonly<Record<string, CredentialShape>> {
  return {
    'tls.key': CredentialShape.rsaPrivateKey({ bits: 2048 }),
    'tls.crt': CredentialShape.selfSignedCertificate({
      privateKeyFrom: 'tls.key', commonName: names.commonName, days: HARBOR_TLS_DAYS, dnsNames: names.dnsNames, ipAddresses: names.ipAddresses,
    }),
  };
}
