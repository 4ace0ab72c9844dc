/** The server family: MySQL (backups by Percona XtraBackup) or MariaDB (backups by mariadb-backup). */
export type MySQLFlavor = 'mysql' | 'mariadb';

/** Images of an engine; every one is pinned. */
export interface MySQLEngineImages {
  /** Database server image. @default - the engine's pinned image */
  readonly image?: string;
  /**
   * Image of the clone init container and the backup sidecar. It must contain bash, the backup tool
   * and its stream tool (`xtrabackup`/`xbstream` or `mariadb-backup`/`mbstream`), the database
   * client, and `ncat` or else perl and `timeout` (the fallback transport); the scripts stop with a
   * message naming any tool that is missing.
   * @default - the engine's pinned backup image
   */
  readonly backupImage?: string;
}

/** A database engine and version, with the images and tools that match it. */
export class MySQLEngine {
  /** MySQL 8.0 with Percona XtraBackup 8.0. */
  public static mysql80(images: MySQLEngineImages = {}): MySQLEngine {
    return new MySQLEngine('mysql', '8.0', images.image ?? 'mysql:8.0.43', images.backupImage ?? 'percona/percona-xtrabackup:8.0.35-34');
  }

  /** MySQL 8.4 LTS with Percona XtraBackup 8.4 (8.4 removed `CHANGE MASTER TO` and `START SLAVE`). */
  public static mysql84(images: MySQLEngineImages = {}): MySQLEngine {
    return new MySQLEngine('mysql', '8.4', images.image ?? 'mysql:8.4.6', images.backupImage ?? 'percona/percona-xtrabackup:8.4.0-4');
  }

  /** MariaDB 11.4 LTS; its own image carries mariadb-backup and mbstream. */
  public static mariadb114(images: MySQLEngineImages = {}): MySQLEngine {
    const image = images.image ?? 'mariadb:11.4.8';
    return new MySQLEngine('mariadb', '11.4', image, images.backupImage ?? image);
  }

  /** MariaDB 10.11 LTS. */
  public static mariadb1011(images: MySQLEngineImages = {}): MySQLEngine {
    const image = images.image ?? 'mariadb:10.11.14';
    return new MySQLEngine('mariadb', '10.11', image, images.backupImage ?? image);
  }

  private constructor(
    /** `mysql` or `mariadb`. */
    public readonly flavor: MySQLFlavor,
    /** Major.minor version, e.g. `8.4`; the scripts pick the statements this version understands. */
    public readonly version: string,
    /** Database server image. */
    public readonly image: string,
    /** Backup tool image. */
    public readonly backupImage: string,
  ) {}

  /** The server's data directory inside its image. */
  public get dataDir(): string {
    return '/var/lib/mysql';
  }

  /** The directory of extra config files the server reads. */
  public get confDir(): string {
    return '/etc/mysql/conf.d';
  }

  /** The admin and query client binaries. */
  public get clients(): { readonly client: string; readonly admin: string } {
    return this.flavor === 'mariadb'
      ? { client: 'mariadb', admin: 'mariadb-admin' }
      : { client: 'mysql', admin: 'mysqladmin' };
  }

  /** Settings of every member: each keeps a binary log, since it is the next member's clone donor. */
  public binlogSettings(): Record<string, string> {
    return this.flavor === 'mariadb'
      ? { 'log-bin': 'mysql-bin', log_slave_updates: 'ON', binlog_format: 'ROW' }
      : { 'log-bin': 'mysql-bin', log_replica_updates: 'ON' };
  }

  /** Settings that turn on GTID auto-positioning (MariaDB always tracks GTIDs; strict mode catches divergence). */
  public gtidSettings(): Record<string, string> {
    return this.flavor === 'mariadb'
      ? { gtid_strict_mode: 'ON' }
      : { gtid_mode: 'ON', enforce_gtid_consistency: 'ON' };
  }

  /**
   * Settings of a replica: refuse writes, and do not start replicating on boot (the backup sidecar
   * points a fresh clone at the primary first; afterwards it starts replication itself).
   */
  public replicaSettings(): Record<string, string> {
    return this.flavor === 'mariadb'
      ? { read_only: 'ON', 'skip-slave-start': '' }
      : { super_read_only: 'ON', skip_replica_start: 'ON', relay_log_recovery: 'ON' };
  }
}
