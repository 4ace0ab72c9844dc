import type { IConstruct } from 'constructs';
import { imageFromRegistry } from '../common/images';

/** The server family: MySQL (backups by Percona XtraBackup) or MariaDB (backups by mariadb-backup). */
export type MySQLFlavor = 'mysql' | 'mariadb';

/** Images of an engine version; every one is pinned. */
export interface MySQLEngineImages {
  /** Database server image. */
  readonly image: string;
  /**
   * Image of the clone init container and the backup sidecar. It must contain bash, the backup tool
   * and its stream tool (`xtrabackup`/`xbstream` or `mariadb-backup`/`mbstream`), the database
   * client, and `ncat` or else perl and `timeout` (the fallback transport); the scripts stop with a
   * message naming any tool that is missing.
   * @default - the server image (MariaDB's image carries mariadb-backup); required for MySQL
   */
  readonly backupImage?: string;
}

/** A MySQL version with the images that match it. */
export class MySQLVersion {
  /** MySQL 8.0 with Percona XtraBackup 8.0. */
  public static readonly V8_0 = MySQLVersion.of('8.0', { image: 'mysql:8.0.43', backupImage: 'percona/percona-xtrabackup:8.0.35-34' });
  /** MySQL 8.4 LTS with Percona XtraBackup 8.4 (8.4 removed `CHANGE MASTER TO` and `START SLAVE`). */
  public static readonly V8_4 = MySQLVersion.of('8.4', { image: 'mysql:8.4.6', backupImage: 'percona/percona-xtrabackup:8.4.0-4' });
  /** MySQL 9.7 LTS with Percona XtraBackup 9.7 (same replication statements as 8.4). */
  public static readonly V9_7 = MySQLVersion.of('9.7', { image: 'mysql:9.7.1', backupImage: 'percona/percona-xtrabackup:9.7.2-3' });

  /** Any MySQL version at or above 8.0, e.g. `MySQLVersion.of('8.4', { image: 'mysql:8.4.7', backupImage: '...' })`. */
  public static of(version: string, images: Required<MySQLEngineImages>): MySQLVersion {
    return new MySQLVersion(version, images.image, images.backupImage);
  }

  private constructor(
    /** Major.minor version, e.g. `8.4`. */
    public readonly version: string,
    /** Server image. */
    public readonly image: string,
    /** Backup tool image. */
    public readonly backupImage: string,
  ) {}
}

/** A MariaDB version with the images that match it. */
export class MariaDBVersion {
  /** MariaDB 10.11 LTS. */
  public static readonly V10_11 = MariaDBVersion.of('10.11', { image: 'mariadb:10.11.14' });
  /** MariaDB 11.4 LTS. */
  public static readonly V11_4 = MariaDBVersion.of('11.4', { image: 'mariadb:11.4.8' });
  /** MariaDB 11.8 LTS. */
  public static readonly V11_8 = MariaDBVersion.of('11.8', { image: 'mariadb:11.8.8' });

  /** Any MariaDB version at or above 10.6, e.g. `MariaDBVersion.of('11.8', { image: 'mariadb:11.8.3' })`. */
  public static of(version: string, images: MySQLEngineImages): MariaDBVersion {
    return new MariaDBVersion(version, images.image, images.backupImage ?? images.image);
  }

  private constructor(
    /** Major.minor version, e.g. `11.4`. */
    public readonly version: string,
    /** Server image. */
    public readonly image: string,
    /** Backup tool image (the server image by default: it carries mariadb-backup and mbstream). */
    public readonly backupImage: string,
  ) {}
}

/**
 * A database engine and version, with the images, tools and settings that match it. Each family
 * is a subclass: the scripts receive the family and version from the construct (they hold no
 * defaults of their own).
 */
export abstract class MySQLEngine {
  /** MySQL at a version, e.g. `MySQLEngine.mysql(MySQLVersion.V8_4)`. */
  public static mysql(version: MySQLVersion): MySQLEngine {
    return new MySQLFamilyEngine(version.version, version.image, version.backupImage);
  }

  /** MariaDB at a version, e.g. `MySQLEngine.mariadb(MariaDBVersion.V11_4)`. */
  public static mariadb(version: MariaDBVersion): MySQLEngine {
    return new MariaDBFamilyEngine(version.version, version.image, version.backupImage);
  }

  /** `mysql` or `mariadb`. */
  public abstract readonly flavor: MySQLFlavor;

  protected constructor(
    /** Major.minor version, e.g. `8.4`; the scripts pick the statements this version understands. */
    public readonly version: string,
    /** Database server image. */
    public readonly image: string,
    /** Backup tool image. */
    public readonly backupImage: string,
  ) {}

  /** @internal The same engine with other images (the registry context's copies of the library's pins). */
  public _withImages(image: string, backupImage: string): MySQLEngine {
    const Engine = this.constructor as new (version: string, image: string, backupImage: string) => MySQLEngine;
    return new Engine(this.version, image, backupImage);
  }

  /** The server's data directory inside its image. */
  public get dataDir(): string {
    return '/var/lib/mysql';
  }

  /** The directory of extra config files the server reads. */
  public get confDir(): string {
    return '/etc/mysql/conf.d';
  }

  /** Settings of every member: each keeps a binary log, since it is the next member's clone donor. */
  public abstract binlogSettings(): Record<string, string>;
  /** Settings that turn on GTID auto-positioning. */
  public abstract gtidSettings(): Record<string, string>;
  /**
   * Settings of a replica: refuse writes, and do not start replicating on boot (the backup sidecar
   * points a fresh clone at the primary first; afterwards it starts replication itself).
   */
  public abstract replicaSettings(): Record<string, string>;
}

class MySQLFamilyEngine extends MySQLEngine {
  public readonly flavor = 'mysql';

  public binlogSettings(): Record<string, string> {
    return { 'log-bin': 'mysql-bin', log_replica_updates: 'ON' };
  }

  public gtidSettings(): Record<string, string> {
    return { gtid_mode: 'ON', enforce_gtid_consistency: 'ON' };
  }

  public replicaSettings(): Record<string, string> {
    return { super_read_only: 'ON', skip_replica_start: 'ON', relay_log_recovery: 'ON' };
  }
}

/** MariaDB always tracks GTIDs; strict mode catches divergence. */
class MariaDBFamilyEngine extends MySQLEngine {
  public readonly flavor = 'mariadb';

  public binlogSettings(): Record<string, string> {
    return { 'log-bin': 'mysql-bin', log_slave_updates: 'ON', binlog_format: 'ROW' };
  }

  public gtidSettings(): Record<string, string> {
    return { gtid_strict_mode: 'ON' };
  }

  public replicaSettings(): Record<string, string> {
    return { read_only: 'ON', 'skip-slave-start': '' };
  }
}

/** The images of the library's own versions (`MySQLVersion.V8_0`, ..., `MariaDBVersion.V11_8`). */
const PINNED_IMAGES = new Set([MySQLVersion.V8_0, MySQLVersion.V8_4, MySQLVersion.V9_7, MariaDBVersion.V10_11, MariaDBVersion.V11_4, MariaDBVersion.V11_8]
  .flatMap(v => [v.image, v.backupImage]));

/** `engine`, its images that are the library's pins taken from the `cdk8s-stateful:imageRegistry` registry when the context sets one. */
export function pinnedFromRegistry(scope: IConstruct, engine: MySQLEngine): MySQLEngine {
  const from = (image: string) => PINNED_IMAGES.has(image) ? imageFromRegistry(scope, image) : image;
  const image = from(engine.image);
  const backupImage = from(engine.backupImage);
  return image === engine.image && backupImage === engine.backupImage ? engine : engine._withImages(image, backupImage);
}
