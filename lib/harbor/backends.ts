import { IConstruct } from 'constructs';
import { checkInteger, checkPort, checkQuantity } from '../common/checks';
import { Resources } from '../common/container';
import { check } from '../common/errors';
import { checkSecretRef, SecretKeyRef } from '../common/secret';
import { checkHost } from '../common/checks';
import type { HarborClaimOptions } from './props';

/** Options of {@link Database.internal}. */
export interface InternalDatabaseOptions {
  /** The data claim. @default - 1Gi, ReadWriteOnce, the cluster's default StorageClass */
  readonly persistence?: HarborClaimOptions;
  /** Requests and limits. @default - requests 100m CPU / 256Mi, limit 1Gi memory */
  readonly resources?: Resources;
  /** Size of the in-memory `/dev/shm` PostgreSQL uses for parallel queries. @default '512Mi' */
  readonly shmSizeLimit?: string;
}

/** TLS mode of the PostgreSQL connection. */
export type PostgresSslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

/** Options of {@link Database.external}. */
export interface ExternalDatabaseOptions {
  /** Host name or IP of the server. */
  readonly host: string;
  /** Port. @default 5432 */
  readonly port?: number;
  /** Database core uses (it must exist and be owned by `username`). @default 'registry' */
  readonly coreDatabase?: string;
  /** User name. */
  readonly username: string;
  /** The user's password, in a Secret the operator creates. */
  readonly passwordSecret: SecretKeyRef;
  /** TLS mode. @default 'require' */
  readonly sslMode?: PostgresSslMode;
}

/** Harbor's PostgreSQL database: the bundled `goharbor/harbor-db` StatefulSet, or an existing server. */
export class Database {
  /** The bundled PostgreSQL (`goharbor/harbor-db`), one pod with a claim. */
  public static internal(options: InternalDatabaseOptions = {}): Database {
    return new Database(options, undefined);
  }

  /** An existing PostgreSQL server; no database pod is deployed. */
  public static external(options: ExternalDatabaseOptions): Database {
    return new Database(undefined, options);
  }

  private constructor(
    /** Options of the bundled database (internal only). */
    public readonly internalOptions: InternalDatabaseOptions | undefined,
    /** Options of the external server (external only). */
    public readonly externalOptions: ExternalDatabaseOptions | undefined,
  ) {}

  /** Whether the bundled database is deployed. */
  public get isInternal(): boolean {
    return this.internalOptions !== undefined;
  }

  /** Checks the options, naming `prop` in errors. */
  public check(scope: IConstruct, prop: string): void {
    const i = this.internalOptions;
    if (i) {
      if (i.shmSizeLimit !== undefined) checkQuantity(scope, `${prop}.shmSizeLimit`, i.shmSizeLimit);
      return;
    }
    const e = this.externalOptions!;
    checkHost(scope, `${prop}.host`, e.host);
    if (e.port !== undefined) checkPort(scope, `${prop}.port`, e.port);
    check(typeof e.username === 'string' && /^[A-Za-z_][A-Za-z0-9_@.-]*$/.test(e.username), scope, `${prop}.username`, e.username,
      'must be a PostgreSQL user name');
    if (e.coreDatabase !== undefined) {
      check(/^[A-Za-z_][A-Za-z0-9_-]*$/.test(e.coreDatabase), scope, `${prop}.coreDatabase`, e.coreDatabase, 'must be a PostgreSQL database name');
    }
    checkSecretRef(scope, `${prop}.passwordSecret`, e.passwordSecret);
  }
}

/** Redis database numbers of Harbor's components. */
export interface RedisDatabaseIndexes {
  /** Core (sessions, cache). @default 0 */
  readonly core?: number;
  /** Jobservice's job queue. @default 1 */
  readonly jobservice?: number;
  /** Registry's layer info cache. @default 2 */
  readonly registry?: number;
  /** Trivy adapter's job queue and store. @default 5 */
  readonly trivy?: number;
}

/** Options of {@link Redis.internal}. */
export interface InternalRedisOptions {
  /** The data claim. @default - 1Gi, ReadWriteOnce, the cluster's default StorageClass */
  readonly persistence?: HarborClaimOptions;
  /** Requests and limits. @default - requests 50m CPU / 64Mi, limit 512Mi memory */
  readonly resources?: Resources;
}

/** Options of {@link Redis.external}. */
export interface ExternalRedisOptions {
  /** Host name or IP of the server. */
  readonly host: string;
  /** Port. @default 6379 */
  readonly port?: number;
  /** ACL user name (Redis 6+). @default - none (the default user) */
  readonly username?: string;
  /** The password, in a Secret the operator creates; it is put into Redis URLs, so it must be URL-safe. @default - no password */
  readonly passwordSecret?: SecretKeyRef;
  /** Connect over TLS (`rediss://`). @default false */
  readonly tls?: boolean;
  /** Database numbers, when Harbor shares the server. @default - core 0, jobservice 1, registry 2, trivy 5 */
  readonly databaseIndexes?: RedisDatabaseIndexes;
}

/** Harbor's Redis: the bundled `goharbor/redis-photon` StatefulSet, or an existing server. */
export class Redis {
  /** The bundled Redis (`goharbor/redis-photon`), one pod with a claim, protected by a password. */
  public static internal(options: InternalRedisOptions = {}): Redis {
    return new Redis(options, undefined);
  }

  /** An existing Redis server; no Redis pod is deployed. */
  public static external(options: ExternalRedisOptions): Redis {
    return new Redis(undefined, options);
  }

  private constructor(
    /** Options of the bundled Redis (internal only). */
    public readonly internalOptions: InternalRedisOptions | undefined,
    /** Options of the external server (external only). */
    public readonly externalOptions: ExternalRedisOptions | undefined,
  ) {}

  /** Whether the bundled Redis is deployed. */
  public get isInternal(): boolean {
    return this.internalOptions !== undefined;
  }

  /** The database numbers, defaults filled in. */
  public get indexes(): Required<RedisDatabaseIndexes> {
    const i = this.externalOptions?.databaseIndexes ?? {};
    return { core: i.core ?? 0, jobservice: i.jobservice ?? 1, registry: i.registry ?? 2, trivy: i.trivy ?? 5 };
  }

  /** Checks the options, naming `prop` in errors. */
  public check(scope: IConstruct, prop: string): void {
    const e = this.externalOptions;
    if (!e) return;
    checkHost(scope, `${prop}.host`, e.host);
    if (e.port !== undefined) checkPort(scope, `${prop}.port`, e.port);
    if (e.username !== undefined) {
      check(/^[A-Za-z0-9_.-]+$/.test(e.username), scope, `${prop}.username`, e.username, 'must be a URL-safe ACL user name');
    }
    if (e.passwordSecret !== undefined) {
      checkSecretRef(scope, `${prop}.passwordSecret`, e.passwordSecret);
    }
    const indexes = this.indexes;
    for (const [k, v] of Object.entries(indexes)) checkInteger(scope, `${prop}.databaseIndexes.${k}`, v, 0, 15);
    const values = Object.values(indexes);
    check(new Set(values).size === values.length, scope, `${prop}.databaseIndexes`, indexes,
      'must give each component its own database number');
  }
}
