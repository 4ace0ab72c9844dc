import type { Endpoint } from './endpoint';
import type { SecretKeyRef } from './secret';

/** The engine family behind a database connection: decides the client, the driver and the default port. */
export type DatabaseEngineFamily = 'mysql' | 'mariadb' | 'postgresql';

/**
 * How a consumer connects to one database: what {@link MySQLReplication} implements, and what
 * {@link DatabaseConnection.fromAttributes} builds for a server this app does not manage. Constructs
 * that need a database (WordPress, Harbor) take any such handle.
 */
export interface IDatabaseConnection {
  /** Where writes go. */
  readonly endpoint: Endpoint;
  /** Where reads may go (the write endpoint when there are no replicas). */
  readonly readEndpoint: Endpoint;
  /** Database (schema) name. */
  readonly databaseName: string;
  /** User the consumer logs in as. */
  readonly user: string;
  /** That user's password, by reference; a consumer reads it from its own namespace. */
  readonly password: SecretKeyRef;
  /** The engine family. */
  readonly engineFamily: DatabaseEngineFamily;
}

/** What {@link DatabaseConnection.fromAttributes} needs to know about an existing database. */
export interface DatabaseConnectionAttributes {
  /** Host name or IP address of the server. */
  readonly host: string;
  /** Port. @default - 3306 for MySQL and MariaDB, 5432 for PostgreSQL */
  readonly port?: number;
  /** Host name of a read replica or read Service. @default - the write host */
  readonly readHost?: string;
  /** Database (schema) name. */
  readonly databaseName: string;
  /** User the consumer logs in as. */
  readonly user: string;
  /** That user's password, in a Secret of the consumer's namespace. */
  readonly password: SecretKeyRef;
  /** The engine family. */
  readonly engineFamily: DatabaseEngineFamily;
}

/** Handles of databases this app does not manage. */
export class DatabaseConnection {
  /** A handle of an existing database server; the consumer checks the attributes and names its own prop in errors. */
  public static fromAttributes(attrs: DatabaseConnectionAttributes): IDatabaseConnection {
    const port = attrs.port ?? (attrs.engineFamily === 'postgresql' ? 5432 : 3306);
    return Object.freeze({
      endpoint: { host: attrs.host, port },
      readEndpoint: { host: attrs.readHost ?? attrs.host, port },
      databaseName: attrs.databaseName,
      user: attrs.user,
      password: attrs.password,
      engineFamily: attrs.engineFamily,
    });
  }

  private constructor() {}
}

/** How a consumer connects to a Redis server. */
export interface IRedisConnection {
  /** The server. */
  readonly endpoint: Endpoint;
  /** The server's password, by reference. @default - no password */
  readonly password?: SecretKeyRef;
  /** Whether the connection uses TLS. */
  readonly tls: boolean;
}

/** What {@link RedisConnection.fromAttributes} needs to know about an existing Redis. */
export interface RedisConnectionAttributes {
  /** Host name or IP address. */
  readonly host: string;
  /** Port. @default 6379 */
  readonly port?: number;
  /** The password, in a Secret of the consumer's namespace. @default - no password */
  readonly password?: SecretKeyRef;
  /** Connect with TLS. @default false */
  readonly tls?: boolean;
}

/** Handles of Redis servers this app does not manage. */
export class RedisConnection {
  /** A handle of an existing Redis server. */
  public static fromAttributes(attrs: RedisConnectionAttributes): IRedisConnection {
    return Object.freeze({ endpoint: { host: attrs.host, port: attrs.port ?? 6379 }, password: attrs.password, tls: attrs.tls ?? false });
  }

  private constructor() {}
}
