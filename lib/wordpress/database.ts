import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { Backend } from '../common/backend';
import type { BackendKind } from '../common/backend';
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

/** The kinds of database a WordPress can use. */
export type WordPressDatabaseKind = BackendKind;

/** An external database of a WordPress takes no options beyond its handle. */
export type WordPressExternalDatabaseOptions = Readonly<Record<string, never>>;

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
export class WordPressDatabase extends Backend<WordPressBuiltInDatabaseOptions, IDatabaseConnection, WordPressExternalDatabaseOptions> {
  /** A MySQLReplication created with WordPress, in its chart and namespace. */
  public static builtIn(options: WordPressBuiltInDatabaseOptions = {}): WordPressDatabase {
    return new WordPressDatabase(options, undefined);
  }

  /** A database WordPress connects to, by its connection handle. */
  public static external(handle: IDatabaseConnection): WordPressDatabase {
    return new WordPressDatabase(undefined, handle);
  }

  private constructor(builtInOptions: WordPressBuiltInDatabaseOptions | undefined, handle: IDatabaseConnection | undefined) {
    super(builtInOptions, handle, {});
  }

  /**
   * Checks an external handle (a built-in database's options are checked by its MySQLReplication,
   * when the WordPress binds it): errors name `prop.*` of `scope`.
   */
  public check(scope: IConstruct, prop: string): void {
    // A MySQLReplication without `database` throws on its own path: report it on `prop` of `scope`.
    if (!this.isBuiltIn) withOuterProps(scope, [['database', prop]], () => checkHandle(scope, prop, this.handle!));
  }

  /**
   * Creates the built-in database, or depends on the chart of an external one (checked before by
   * {@link check}), for `wordpress` (errors name `database.*` of the WordPress).
   * @internal
   */
  public _bind(wordpress: Construct, ctx: WordPressDatabaseBindContext): BoundWordPressDatabase {
    return this.builtInOptions ? bindBuiltIn(wordpress, ctx, this.builtInOptions) : bindExternal(wordpress, this.handle!);
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

function checkHandle(scope: IConstruct, prop: string, handle: IDatabaseConnection): void {
  check(handle !== undefined && handle !== null && typeof handle === 'object' && handle.endpoint !== undefined, scope, prop, typeof handle,
    'WordPressDatabase.external() needs a database connection handle: a MySQLReplication, or DatabaseConnection.fromAttributes({ host, databaseName, user, password, engineFamily })');
  checkHost(scope, `${prop}.endpoint.host`, handle.endpoint.host);
  checkPort(scope, `${prop}.endpoint.port`, handle.endpoint.port);
  check(handle.engineFamily === 'mysql' || handle.engineFamily === 'mariadb', scope, `${prop}.engineFamily`, handle.engineFamily,
    'must be mysql or mariadb: WordPress supports no other database');
  check(typeof handle.databaseName === 'string' && /^[A-Za-z0-9_$-]{1,64}$/.test(handle.databaseName), scope, `${prop}.databaseName`,
    handle.databaseName, "must be 1 to 64 letters, digits, '_', '$' or '-'; give the MySQLReplication a `database` or set databaseName");
  check(typeof handle.user === 'string' && /^[A-Za-z0-9_.-]{1,32}$/.test(handle.user), scope, `${prop}.user`, handle.user,
    "must be 1 to 32 letters, digits, '_', '.' or '-'");
  checkSecretRef(scope, `${prop}.password`, handle.password);
}
