import type { IConstruct } from 'constructs';
import { Backend } from '../common/backend';
import { checkHost, checkInteger, checkPort, checkQuantity } from '../common/checks';
import type { IDatabaseConnection, IRedisConnection } from '../common/connections';
import type { Resources } from '../common/container';
import { check } from '../common/errors';
import type { PodOptions } from '../common/placement';
import { checkSecretRef } from '../common/secret';
import { checkStorage } from '../common/storage';
import type { StorageOptions } from '../common/storage';

/** Options of {@link HarborDatabase.builtIn}; the placement and extension props apply to its pod. */
export interface HarborBuiltInDatabaseOptions extends PodOptions {
  /** The data claim (harbor-helm `persistence.persistentVolumeClaim.database`). @default - 1Gi, ReadWriteOnce, the cluster's default StorageClass */
  readonly storage?: StorageOptions;
  /** Requests and limits. @default - requests 100m CPU / 256Mi, limit 1Gi memory */
  readonly resources?: Resources;
  /** Size of the in-memory `/dev/shm` PostgreSQL uses for parallel queries. @default '512Mi' */
  readonly shmSizeLimit?: string;
}

/** TLS mode of the PostgreSQL connection. */
export type HarborPostgresSslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

/** Options of {@link HarborDatabase.external}, beyond the connection handle. */
export interface HarborExternalDatabaseOptions {
  /** TLS mode (`database.external.sslmode`). @default 'require' */
  readonly sslMode?: HarborPostgresSslMode;
}

/**
 * Harbor's PostgreSQL: the bundled `goharbor/harbor-db` StatefulSet ({@link builtIn}), or any
 * PostgreSQL connection handle ({@link external}): `DatabaseConnection.fromAttributes({ ...,
 * engineFamily: 'postgresql' })` or a construct of your own that implements `IDatabaseConnection`.
 */
export class HarborDatabase extends Backend<HarborBuiltInDatabaseOptions, IDatabaseConnection, HarborExternalDatabaseOptions> {
  /** The bundled PostgreSQL (`goharbor/harbor-db`), one pod with a claim. */
  public static builtIn(options: HarborBuiltInDatabaseOptions = {}): HarborDatabase {
    return new HarborDatabase(options, undefined, {});
  }

  /** An existing PostgreSQL server, by its connection handle (its `databaseName` is core's database); no database pod is deployed. */
  public static external(handle: IDatabaseConnection, options: HarborExternalDatabaseOptions = {}): HarborDatabase {
    return new HarborDatabase(undefined, handle, options);
  }

  private constructor(builtInOptions: HarborBuiltInDatabaseOptions | undefined, handle: IDatabaseConnection | undefined, externalOptions: HarborExternalDatabaseOptions) {
    super(builtInOptions, handle, externalOptions);
  }

  /** Checks the options, naming `prop` in errors. */
  public check(scope: IConstruct, prop: string): void {
    const b = this.builtInOptions;
    if (b) {
      if (b.shmSizeLimit !== undefined) checkQuantity(scope, `${prop}.shmSizeLimit`, b.shmSizeLimit);
      if (b.storage) checkStorage(scope, `${prop}.storage`, b.storage, false);
      return;
    }
    const h = this.handle;
    check(typeof h === 'object' && h !== null && h.endpoint !== undefined, scope, prop, typeof h,
      'HarborDatabase.external() needs a database connection handle, e.g. DatabaseConnection.fromAttributes({ host, databaseName, user, password, engineFamily: \'postgresql\' })');
    checkHost(scope, `${prop}.endpoint.host`, h!.endpoint.host);
    checkPort(scope, `${prop}.endpoint.port`, h!.endpoint.port);
    check(h!.engineFamily === 'postgresql', scope, `${prop}.engineFamily`, h!.engineFamily, 'must be postgresql: Harbor stores its data in PostgreSQL only');
    check(typeof h!.user === 'string' && /^[A-Za-z_][A-Za-z0-9_@.-]*$/.test(h!.user), scope, `${prop}.user`, h!.user, 'must be a PostgreSQL user name');
    check(typeof h!.databaseName === 'string' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(h!.databaseName), scope, `${prop}.databaseName`, h!.databaseName,
      'must be a PostgreSQL database name (core\'s database, e.g. "registry")');
    checkSecretRef(scope, `${prop}.password`, h!.password);
  }
}

/** Redis database numbers of Harbor's components. */
export interface HarborRedisDatabaseIndexes {
  /** Core (sessions, cache). @default 0 */
  readonly core?: number;
  /** Jobservice's job queue. @default 1 */
  readonly jobservice?: number;
  /** Registry's layer info cache. @default 2 */
  readonly registry?: number;
  /** Trivy adapter's job queue and store. @default 5 */
  readonly trivy?: number;
}

/** Options of {@link HarborRedis.builtIn}; the placement and extension props apply to its pod. */
export interface HarborBuiltInRedisOptions extends PodOptions {
  /** The data claim (harbor-helm `persistence.persistentVolumeClaim.redis`). @default - 1Gi, ReadWriteOnce, the cluster's default StorageClass */
  readonly storage?: StorageOptions;
  /** Requests and limits. @default - requests 50m CPU / 64Mi, limit 512Mi memory */
  readonly resources?: Resources;
}

/** Options of {@link HarborRedis.external}, beyond the connection handle. */
export interface HarborExternalRedisOptions {
  /** ACL user name (Redis 6+). @default - none (the default user) */
  readonly username?: string;
  /** Database numbers, when Harbor shares the server. @default - core 0, jobservice 1, registry 2, trivy 5 */
  readonly databaseIndexes?: HarborRedisDatabaseIndexes;
}

/**
 * Harbor's Redis: the bundled StatefulSet ({@link builtIn}; `goharbor/valkey-photon`, or
 * `redis-photon` before v2.15.2), or any Redis connection handle ({@link external}):
 * `RedisConnection.fromAttributes({...})` or a construct of your own that implements `IRedisConnection`.
 * The password goes into Redis URLs, so it must be URL-safe.
 */
export class HarborRedis extends Backend<HarborBuiltInRedisOptions, IRedisConnection, HarborExternalRedisOptions> {
  /** The bundled Redis, one pod with a claim, protected by a password. */
  public static builtIn(options: HarborBuiltInRedisOptions = {}): HarborRedis {
    return new HarborRedis(options, undefined, {});
  }

  /** An existing Redis server, by its connection handle; no Redis pod is deployed. */
  public static external(handle: IRedisConnection, options: HarborExternalRedisOptions = {}): HarborRedis {
    return new HarborRedis(undefined, handle, options);
  }

  private constructor(builtInOptions: HarborBuiltInRedisOptions | undefined, handle: IRedisConnection | undefined, externalOptions: HarborExternalRedisOptions) {
    super(builtInOptions, handle, externalOptions);
  }

  /** The database numbers, defaults filled in. */
  public get indexes(): Required<HarborRedisDatabaseIndexes> {
    const i = this.externalOptions.databaseIndexes ?? {};
    return { core: i.core ?? 0, jobservice: i.jobservice ?? 1, registry: i.registry ?? 2, trivy: i.trivy ?? 5 };
  }

  /** Checks the options, naming `prop` in errors. */
  public check(scope: IConstruct, prop: string): void {
    const b = this.builtInOptions;
    if (b) {
      if (b.storage) checkStorage(scope, `${prop}.storage`, b.storage, false);
      return;
    }
    const h = this.handle;
    check(typeof h === 'object' && h !== null && h.endpoint !== undefined, scope, prop, typeof h,
      'HarborRedis.external() needs a Redis connection handle, e.g. RedisConnection.fromAttributes({ host, password })');
    checkHost(scope, `${prop}.endpoint.host`, h!.endpoint.host);
    checkPort(scope, `${prop}.endpoint.port`, h!.endpoint.port);
    if (h!.password !== undefined) checkSecretRef(scope, `${prop}.password`, h!.password);
    const e = this.externalOptions;
    if (e.username !== undefined) {
      check(/^[A-Za-z0-9_.-]+$/.test(e.username), scope, `${prop}.username`, e.username, 'must be a URL-safe ACL user name');
    }
    const indexes = this.indexes;
    for (const [k, v] of Object.entries(indexes)) checkInteger(scope, `${prop}.databaseIndexes.${k}`, v, 0, 15);
    const values = Object.values(indexes);
    check(new Set(values).size === values.length, scope, `${prop}.databaseIndexes`, indexes,
      'must give each component its own database number');
  }
}
