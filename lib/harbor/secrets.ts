import { SecretKeyRef } from '../common/secret';
import { AppVolume } from '../common/volume';

/**
 * Names of the Secrets a {@link Harbor} reads. No secret value is ever in its output: who makes
 * each Secret is the Harbor's `credentials` prop (by default the release's SecretGenerator Job,
 * once, in the cluster; or you, or an ExternalSecret). The keys inside each Secret are fixed and
 * listed in {@link HARBOR_SECRET_KEYS}.
 */
export interface HarborSecrets {
  /**
   * Initial password of the `admin` user, key `password`. Only read on the very first start;
   * change it in the UI afterwards.
   * @default '<name>-admin'
   */
  readonly admin?: string;
  /**
   * Core's secrets: `secret` (shared secret other components use to call core, 16+ characters),
   * `secretKey` (AES key that encrypts stored credentials, exactly 16 characters; never change it
   * once data exists) and `csrfKey` (exactly 32 characters).
   * @default '<name>-core'
   */
  readonly core?: string;
  /** Jobservice's shared secret, key `secret` (16+ characters). @default '<name>-jobservice' */
  readonly jobservice?: string;
  /**
   * Registry secrets: `httpSecret` (signs upload state, 16+ characters), `password` (the password
   * core and jobservice use for the internal registry user `harbor_registry_user`) and `htpasswd`
   * (the bcrypt htpasswd line of that same user and password).
   * @default '<name>-registry'
   */
  readonly registry?: string;
  /**
   * The private key core signs registry tokens with, key `tls.key` (PEM, RSA 4096). A
   * `kubernetes.io/tls` Secret made by `kubectl create secret tls` fits; its `tls.crt` is not read
   * (the generator makes one too, so that the Secret is a complete key pair).
   * @default '<name>-token-service'
   */
  readonly tokenService?: string;
  /** Password of the internal PostgreSQL superuser, key `password` (internal database only). @default '<name>-database' */
  readonly database?: string;
  /**
   * Password of the internal Redis, key `password` (internal Redis only). It is put into Redis URLs,
   * so it must be URL-safe: use hex, as `openssl rand -hex 16` makes.
   * @default '<name>-redis'
   */
  readonly redis?: string;
}

/** The fixed keys inside each of the {@link HarborSecrets}. */
export const HARBOR_SECRET_KEYS = {
  admin: { password: 'password' },
  core: { secret: 'secret', secretKey: 'secretKey', csrfKey: 'csrfKey' },
  jobservice: { secret: 'secret' },
  registry: { httpSecret: 'httpSecret', password: 'password', htpasswd: 'htpasswd' },
  tokenService: { privateKey: 'tls.key' },
  database: { password: 'password' },
  redis: { password: 'password' },
} as const;

/** One key of a Secret that must exist before the stack is applied. */
export interface RequiredSecret {
  /** Name of the Secret (in the stack's namespace). */
  readonly secretName: string;
  /** Key inside the Secret. */
  readonly key: string;
  /** What the value is and what it must look like. */
  readonly description: string;
  /** Components (Deployments, StatefulSets) that read it. */
  readonly usedBy: readonly string[];
}

/** A Secret key the stack itself defines (as opposed to one the caller hands over as a SecretKeyRef). */
export type HarborSecretId =
  | 'adminPassword' | 'coreSecret' | 'secretKey' | 'csrfKey' | 'jobserviceSecret'
  | 'registryHttpSecret' | 'registryPassword' | 'registryHtpasswd' | 'tokenKey'
  | 'databasePassword' | 'redisPassword';

const SPECS: Record<HarborSecretId, { readonly secret: keyof HarborSecrets; readonly key: string; readonly description: string }> = {
  adminPassword: { secret: 'admin', key: HARBOR_SECRET_KEYS.admin.password, description: 'initial password of the admin user (read on first start only)' },
  coreSecret: { secret: 'core', key: HARBOR_SECRET_KEYS.core.secret, description: 'shared secret that jobservice and registryctl use to call core (random, 16+ characters)' },
  secretKey: { secret: 'core', key: HARBOR_SECRET_KEYS.core.secretKey, description: 'encryption key of stored credentials (exactly 16 characters; never change it once data exists)' },
  csrfKey: { secret: 'core', key: HARBOR_SECRET_KEYS.core.csrfKey, description: 'CSRF token key (exactly 32 characters)' },
  jobserviceSecret: { secret: 'jobservice', key: HARBOR_SECRET_KEYS.jobservice.secret, description: 'shared secret that core and registryctl use to call jobservice (random, 16+ characters)' },
  registryHttpSecret: { secret: 'registry', key: HARBOR_SECRET_KEYS.registry.httpSecret, description: 'registry http.secret that signs upload state (random, 16+ characters; the same for every registry replica)' },
  registryPassword: { secret: 'registry', key: HARBOR_SECRET_KEYS.registry.password, description: 'password of the internal registry user harbor_registry_user' },
  registryHtpasswd: { secret: 'registry', key: HARBOR_SECRET_KEYS.registry.htpasswd, description: 'bcrypt htpasswd line "harbor_registry_user:<hash>" of that same password' },
  tokenKey: { secret: 'tokenService', key: HARBOR_SECRET_KEYS.tokenService.privateKey, description: 'PEM private key that core signs registry tokens with' },
  databasePassword: { secret: 'database', key: HARBOR_SECRET_KEYS.database.password, description: 'password of the internal PostgreSQL user postgres (applied when the data directory is first initialised)' },
  redisPassword: { secret: 'redis', key: HARBOR_SECRET_KEYS.redis.password, description: 'password of the internal Redis (URL-safe: hex)' },
};

/** Default Secret names for a stack whose objects are prefixed with `name`. */
export function defaultSecretNames(name: string): Required<HarborSecrets> {
  return {
    admin: `${name}-admin`,
    core: `${name}-core`,
    jobservice: `${name}-jobservice`,
    registry: `${name}-registry`,
    tokenService: `${name}-token-service`,
    database: `${name}-database`,
    redis: `${name}-redis`,
  };
}

/** One recorded Secret key: who reads it, what it is, and the Harbor Secret it belongs to. */
interface CatalogEntry {
  readonly secretName: string;
  readonly key: string;
  readonly description: string;
  readonly usedBy: Set<string>;
}

/**
 * Hands out the stack's SecretKeyRefs and records every Secret key a component reads, so that the
 * stack can list exactly the Secrets its output needs ({@link Harbor.requiredSecrets}) and hand
 * its own to the credentials layer.
 */
export class SecretCatalog {
  private readonly entries = new Map<string, CatalogEntry>();
  private readonly slots = new Set<keyof HarborSecrets>();

  constructor(public readonly names: Required<HarborSecrets>) {}

  /** The SecretKeyRef of one of the stack's own secrets, recorded as read by `component`. */
  public ref(id: HarborSecretId, component: string): SecretKeyRef {
    const spec = SPECS[id];
    this.slots.add(spec.secret);
    return this.use(SecretKeyRef.of(this.names[spec.secret], spec.key), component, spec.description);
  }

  /** One of the stack's own secrets as a file: `volume` holds the key as the file `path`, recorded as read by `component`. */
  public volume(volume: string, id: HarborSecretId, path: string, component: string): AppVolume {
    const ref = this.ref(id, component);
    return AppVolume.secret(volume, ref.secretName, { items: { [ref.key]: path } });
  }

  /** Records a Secret key the caller handed over (external database password, S3 keys, ...). */
  public use(ref: SecretKeyRef, component: string, description: string): SecretKeyRef {
    this.record(ref.secretName, ref.key, component, description);
    return ref;
  }

  /** Records keys of a Secret that is mounted whole (e.g. a TLS Secret). */
  public useWhole(secretName: string, keys: readonly string[], component: string, description: string): void {
    for (const key of keys) this.record(secretName, key, component, description);
  }

  /** The Harbor Secrets some component reads, in the order of {@link HarborSecrets}. */
  public usedSlots(): Array<keyof HarborSecrets> {
    return (Object.keys(HARBOR_SECRET_KEYS) as Array<keyof HarborSecrets>).filter(slot => this.slots.has(slot));
  }

  /** Every recorded key of Secret `secretName` (Harbor's own and handed-over ones), sorted. */
  public keysOf(secretName: string): RequiredSecret[] {
    return this.list().filter(e => e.secretName === secretName);
  }

  /** Every recorded Secret key, sorted by Secret name and key. */
  public list(): RequiredSecret[] {
    return [...this.entries.values()]
      .map(e => ({ secretName: e.secretName, key: e.key, description: e.description, usedBy: [...e.usedBy].sort() }))
      .sort((a, b) => compare(a.secretName, b.secretName) || compare(a.key, b.key));
  }

  private record(secretName: string, key: string, component: string, description: string): void {
    const id = `${secretName}\u0000${key}`;
    const entry: CatalogEntry = this.entries.get(id) ?? { secretName, key, description, usedBy: new Set<string>() };
    entry.usedBy.add(component);
    this.entries.set(id, entry);
  }
}

/** Code-point order: the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
