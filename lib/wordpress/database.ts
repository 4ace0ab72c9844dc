import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { checkHost, checkPort } from '../common/checks';
import type { IDatabaseConnection } from '../common/connections';
import { check } from '../common/errors';
import { withOuterProps } from '../common/prop-paths';
import { checkSecretRef } from '../common/secret';
import type { RequiredSecretKey } from '../common/secret';
import { MySQLReplication } from '../mysql/mysql-replication';
import type { MySQLDatabaseOptions, MySQLReplicationProps } from '../mysql/props';

/** Options of {@link WordPressDatabase.builtIn}: a MySQLReplication that WordPress creates beside itself. */
export interface WordPressBuiltInDatabaseOptions extends MySQLReplicationProps {
  /** StatefulSet name. @default `<WordPress name>-mysql` */
  readonly name?: string;
  /** Members: a primary and `replicas - 1` read replicas (`secondary.replicaCount + 1`). @default 2 */
  readonly replicas?: number;
  /** The WordPress database and user (`auth.database`, `auth.username`). @default { name: 'wordpress', user: 'wordpress' } */
  readonly database?: MySQLDatabaseOptions;
}

/** What a {@link WordPressDatabase} becomes once bound to a WordPress. */
export interface BoundWordPressDatabase {
  /** How WordPress connects. */
  readonly connection: IDatabaseConnection;
  /** The built-in MySQLReplication (builtIn only). */
  readonly builtIn?: MySQLReplication;
  /** Secrets the database itself reads (builtIn only: the MySQLReplication's). */
  readonly requiredSecrets: readonly RequiredSecretKey[];
}

/** What a WordPress tells its database when binding it. @internal */
export interface WordPressDatabaseBindContext {
  /** The WordPress release name. */
  readonly name: string;
  /** The wp-content storage class, inherited by a built-in database. */
  readonly storageClassName?: string;
}

type DatabaseSpec =
  | { readonly kind: 'builtIn'; readonly options: WordPressBuiltInDatabaseOptions }
  | { readonly kind: 'external'; readonly handle: IDatabaseConnection };

/** The kinds of database a WordPress can use. */
export type WordPressDatabaseKind = DatabaseSpec['kind'];

/** Id of the built-in MySQLReplication inside the WordPress construct. */
const BUILT_IN_ID = 'mysql';

/**
 * The database of a {@link WordPress}:
 *
 * - {@link builtIn}: WordPress creates a MySQLReplication beside itself, with the WordPress database
 *   and user (Bitnami `mariadb.enabled=true`);
 * - {@link external}: any {@link IDatabaseConnection}: a MySQLReplication of the app (it implements
 *   the interface), or `DatabaseConnection.fromAttributes({...})` for a server the app does not
 *   manage (Bitnami `mariadb.enabled=false` + `externalDatabase.*`).
 *
 * The password is always a Secret reference in the WordPress namespace.
 */
export class WordPressDatabase {
  /** A MySQLReplication created with WordPress, in its chart and namespace. */
  public static builtIn(options: WordPressBuiltInDatabaseOptions = {}): WordPressDatabase {
    return new WordPressDatabase({ kind: 'builtIn', options });
  }

  /** A database WordPress connects to, by its connection handle. */
  public static external(handle: IDatabaseConnection): WordPressDatabase {
    return new WordPressDatabase({ kind: 'external', handle });
  }

  private constructor(private readonly spec: DatabaseSpec) {}

  /** Which mode this is. */
  public get kind(): WordPressDatabaseKind {
    return this.spec.kind;
  }

  /**
   * Creates or checks the database for `wordpress` (errors name `database.*` of the WordPress).
   * @internal
   */
  public _bind(wordpress: Construct, ctx: WordPressDatabaseBindContext): BoundWordPressDatabase {
    return this.spec.kind === 'builtIn' ? bindBuiltIn(wordpress, ctx, this.spec.options) : bindExternal(wordpress, this.spec.handle);
  }
}

function bindBuiltIn(wordpress: Construct, ctx: WordPressDatabaseBindContext, options: WordPressBuiltInDatabaseOptions): BoundWordPressDatabase {
  // Errors of the MySQLReplication name `database.<its prop>` on the WordPress.
  const given = ['name', 'replicas', 'database', 'storage', 'partOf', ...Object.keys(options)];
  const map = [...new Set(given)].map(k => [k, `database.${k}`] as const);
  const mysql = withOuterProps(wordpress, map, () => new MySQLReplication(wordpress, BUILT_IN_ID, {
    partOf: ctx.name,
    ...options,
    name: options.name ?? `${ctx.name}-mysql`,
    replicas: options.replicas ?? 2,
    database: options.database ?? { name: 'wordpress', user: 'wordpress' },
    storage: { ...options.storage, storageClassName: options.storage?.storageClassName ?? ctx.storageClassName },
  }));
  return { connection: mysql, builtIn: mysql, requiredSecrets: mysql.requiredSecrets };
}

function bindExternal(wordpress: Construct, handle: IDatabaseConnection): BoundWordPressDatabase {
  // A MySQLReplication without `database` throws on its own path: report it on `database` of the WordPress.
  withOuterProps(wordpress, [['database', 'database']], () => checkHandle(wordpress, handle));
  // A handle that is a construct of this app (a MySQLReplication): write its chart first.
  if (Construct.isConstruct(handle)) {
    check(handle.node.root === wordpress.node.root, wordpress, 'database', handle.node.path,
      'the database construct must belong to the same cdk8s App as the WordPress');
    const theirs = Chart.of(handle);
    const ours = Chart.of(wordpress);
    if (theirs !== ours) ours.addDependency(theirs);
  }
  return { connection: handle, requiredSecrets: [] };
}

function checkHandle(wordpress: Construct, handle: IDatabaseConnection): void {
  check(handle !== undefined && handle !== null && typeof handle === 'object' && handle.endpoint !== undefined, wordpress, 'database', typeof handle,
    'WordPressDatabase.external() needs a database connection handle: a MySQLReplication, or DatabaseConnection.fromAttributes({ host, databaseName, user, password, engineFamily })');
  checkHost(wordpress, 'database.endpoint.host', handle.endpoint.host);
  checkPort(wordpress, 'database.endpoint.port', handle.endpoint.port);
  check(handle.engineFamily === 'mysql' || handle.engineFamily === 'mariadb', wordpress, 'database.engineFamily', handle.engineFamily,
    'must be mysql or mariadb: WordPress supports no other database');
  check(typeof handle.databaseName === 'string' && /^[A-Za-z0-9_$-]{1,64}$/.test(handle.databaseName), wordpress, 'database.databaseName',
    handle.databaseName, "must be 1 to 64 letters, digits, '_', '$' or '-'; give the MySQLReplication a `database` or set databaseName");
  check(typeof handle.user === 'string' && /^[A-Za-z0-9_.-]{1,32}$/.test(handle.user), wordpress, 'database.user', handle.user,
    "must be 1 to 32 letters, digits, '_', '.' or '-'");
  checkSecretRef(wordpress, 'database.password', handle.password);
}
