import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { checkHost, checkPort } from '../common/checks';
import { check } from '../common/errors';
import { checkSecretRef, SecretKeyRef } from '../common/secret';
import { MySQLReplication } from '../mysql/mysql-replication';

const MYSQL_PORT = 3306;
import { MYSQL_SECRET_KEYS, MySQLDatabaseOptions, MySQLReplicationProps } from '../mysql/props';

/** How WordPress reaches its database, whatever the mode. */
export interface WordPressDatabaseConnection {
  /** Host name or IP address. */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
  /** Database name. */
  readonly name: string;
  /** Database user. */
  readonly user: string;
  /** The user's password, in a Secret of the WordPress namespace. */
  readonly password: SecretKeyRef;
}

/** A Secret that the operator must create before applying, with the keys read from it. */
export interface WordPressRequiredSecret {
  /** Secret name. */
  readonly name: string;
  /** Namespace it must exist in (undefined: the kubectl context's). */
  readonly namespace?: string;
  /** Keys read from it. */
  readonly keys: readonly string[];
}

/** Props of {@link WordPressDatabase.owned}: a MySQLReplication created in the stack's chart. */
export interface WordPressOwnedDatabaseProps extends MySQLReplicationProps {
  /** StatefulSet name. @default `<stack name>-mysql` */
  readonly name?: string;
  /** Members: a primary and `replicas - 1` read replicas (`secondary.replicaCount + 1`). @default 2 */
  readonly replicas?: number;
  /** The WordPress database and user (`auth.database`, `auth.username`). @default { name: 'wordpress', user: 'wordpress' } */
  readonly database?: MySQLDatabaseOptions;
}

/** Options of {@link WordPressDatabase.fromReplication}. */
export interface WordPressReplicationOptions {
  /**
   * The Secret key that holds the database user's password, in the WordPress namespace. Pods read
   * Secrets of their own namespace only: when the MySQLReplication's chart has another namespace,
   * copy its Secret there (same name and key by default) or point this at your copy.
   * @default - the MySQLReplication's `database.password` (same Secret name and key)
   */
  readonly passwordSecret?: SecretKeyRef;
}

/** Props of {@link WordPressDatabase.external} (Bitnami `externalDatabase.*`). */
export interface WordPressExternalDatabaseProps {
  /** Host name or IP address (`externalDatabase.host`). */
  readonly host: string;
  /** Port (`externalDatabase.port`). @default 3306 */
  readonly port?: number;
  /** Database name (`externalDatabase.database`). @default 'wordpress' */
  readonly name?: string;
  /** User (`externalDatabase.user`). @default 'wordpress' */
  readonly user?: string;
  /**
   * The user's password (`externalDatabase.password` / `existingSecret`), by reference: a key of a
   * Secret in the WordPress namespace; by convention key `password` (`MYSQL_SECRET_KEYS.userPassword`).
   */
  readonly password: SecretKeyRef;
}

/** What a {@link WordPressDatabase} becomes once bound to a stack. */
export interface BoundWordPressDatabase {
  /** How WordPress connects. */
  readonly connection: WordPressDatabaseConnection;
  /** The MySQLReplication, when the database is one (owned or referenced). */
  readonly mysql?: MySQLReplication;
  /** Secrets the database side needs in the WordPress namespace. */
  readonly requiredSecrets: readonly WordPressRequiredSecret[];
}

/** What a stack tells its database when binding it. @internal */
export interface WordPressDatabaseBindContext {
  /** The stack's release name. */
  readonly name: string;
  /** The stack's namespace. */
  readonly namespace?: string;
  /** The wp-content storage class, inherited by an owned database. */
  readonly storageClassName?: string;
}

type DatabaseSpec =
  | { readonly kind: 'owned'; readonly props: WordPressOwnedDatabaseProps }
  | { readonly kind: 'replication'; readonly mysql: MySQLReplication; readonly options: WordPressReplicationOptions }
  | { readonly kind: 'external'; readonly props: WordPressExternalDatabaseProps };

/** The kinds of database a WordPressStack can use. */
export type WordPressDatabaseKind = DatabaseSpec['kind'];

/** Id of the owned MySQLReplication inside the stack. */
const OWNED_DATABASE_ID = 'mysql';

/**
 * The database of a WordPressStack, one of three modes:
 *
 * - {@link owned}: the stack creates a MySQLReplication in its own chart, with the WordPress
 *   database and user (what the seed's two `helm install`s do, in one release);
 * - {@link fromReplication}: a MySQLReplication of another chart (the stack depends on that chart,
 *   so `cdk8s synth` writes it first);
 * - {@link external}: any MySQL or MariaDB server (Bitnami `mariadb.enabled=false` + `externalDatabase.*`).
 *
 * In every mode the password is a Secret reference, by convention under key `password`
 * (`MYSQL_SECRET_KEYS.userPassword`).
 */
export class WordPressDatabase {
  /** A MySQLReplication owned by the stack, in its chart and namespace. */
  public static owned(props: WordPressOwnedDatabaseProps = {}): WordPressDatabase {
    return new WordPressDatabase({ kind: 'owned', props });
  }

  /** A MySQLReplication defined in another chart (or this one); it must define `database`. */
  public static fromReplication(mysql: MySQLReplication, options: WordPressReplicationOptions = {}): WordPressDatabase {
    return new WordPressDatabase({ kind: 'replication', mysql, options });
  }

  /** A database server the stack does not manage. */
  public static external(props: WordPressExternalDatabaseProps): WordPressDatabase {
    return new WordPressDatabase({ kind: 'external', props });
  }

  private constructor(private readonly spec: DatabaseSpec) {}

  /** Which mode this is. */
  public get kind(): WordPressDatabaseKind {
    return this.spec.kind;
  }

  /**
   * Creates or resolves the database for `stack`, checking its inputs (errors name `database.*`).
   * @internal
   */
  public _bind(stack: Chart, ctx: WordPressDatabaseBindContext): BoundWordPressDatabase {
    switch (this.spec.kind) {
      case 'owned': return bindOwned(stack, ctx, this.spec.props);
      case 'replication': return bindReplication(stack, this.spec.mysql, this.spec.options);
      case 'external': return bindExternal(stack, this.spec.props);
    }
  }
}

function bindOwned(stack: Chart, ctx: WordPressDatabaseBindContext, props: WordPressOwnedDatabaseProps): BoundWordPressDatabase {
  const storageClassName = props.storage?.storageClassName ?? ctx.storageClassName;
  const mysql = new MySQLReplication(stack, OWNED_DATABASE_ID, {
    partOf: ctx.name,
    ...props,
    name: props.name ?? `${ctx.name}-mysql`,
    replicas: props.replicas ?? 2,
    database: props.database ?? { name: 'wordpress', user: 'wordpress' },
    storage: { ...props.storage, storageClassName },
  });
  const secrets = new Map<string, string[]>();
  for (const s of mysql.requiredSecrets) secrets.set(s.secretName, [...(secrets.get(s.secretName) ?? []), s.key]);
  return {
    connection: { ...mysql.endpoint, name: mysql.databaseName, user: mysql.user, password: mysql.password },
    mysql,
    requiredSecrets: [...secrets].map(([name, keys]) => ({ name, namespace: ctx.namespace, keys })),
  };
}

function bindReplication(stack: Chart, mysql: MySQLReplication, options: WordPressReplicationOptions): BoundWordPressDatabase {
  check(mysql instanceof MySQLReplication, stack, 'database', describe(mysql),
    'WordPressDatabase.fromReplication() needs a MySQLReplication construct');
  check(mysql.node.root === stack.node.root, stack, 'database', mysql.node.path,
    'the MySQLReplication must belong to the same cdk8s App as the WordPressStack');
  const db = { name: mysql.databaseName, user: mysql.user, password: mysql.password };
  if (options.passwordSecret !== undefined) checkSecretRef(stack, 'database.passwordSecret', options.passwordSecret);
  const password = options.passwordSecret ?? db.password;
  const mysqlChart = Chart.of(mysql);
  if (mysqlChart !== stack) stack.addDependency(mysqlChart);
  return {
    connection: { ...mysql.endpoint, name: db.name, user: db.user, password },
    mysql,
    requiredSecrets: [{ name: password.secretName, namespace: stack.namespace, keys: [password.key] }],
  };
}

function bindExternal(stack: Chart, props: WordPressExternalDatabaseProps): BoundWordPressDatabase {
  checkHost(stack, 'database.host', props.host);
  const port = props.port ?? MYSQL_PORT;
  checkPort(stack, 'database.port', port);
  const name = props.name ?? 'wordpress';
  const user = props.user ?? 'wordpress';
  check(typeof name === 'string' && /^[A-Za-z0-9_$-]{1,64}$/.test(name), stack, 'database.name', name,
    "must be 1 to 64 letters, digits, '_', '$' or '-'");
  check(typeof user === 'string' && /^[A-Za-z0-9_.-]{1,32}$/.test(user), stack, 'database.user', user,
    "must be 1 to 32 letters, digits, '_', '.' or '-'");
  check(props.password !== undefined, stack, 'database.password', undefined,
    `is required: an external database needs its user's password as a SecretKeyRef, e.g. SecretKeyRef.of('wordpress-db', '${MYSQL_SECRET_KEYS.userPassword}') (never a literal)`);
  checkSecretRef(stack, 'database.password', props.password);
  return {
    connection: { host: props.host, port, name, user, password: props.password },
    requiredSecrets: [{ name: props.password.secretName, namespace: stack.namespace, keys: [props.password.key] }],
  };
}

function describe(value: unknown): string {
  if (value instanceof Construct) return value.node.path;
  return value === null ? 'null' : typeof value;
}
