import type { Resources } from '../../common/container';
import type { SecretKeyRef } from '../../common/secret';

/** A repository on a PersistentVolumeClaim, e.g. one of an NFS StorageClass such as `sc-nfs`. */
export interface PvcBackupTargetOptions {
  /**
   * An existing claim. The backup Job writes to it and a bootstrapping primary reads from it, so
   * with backups on more than one node it needs `ReadWriteMany` (NFS).
   */
  readonly claimName: string;
  /** Directory inside the claim that holds the backups. @default - the cluster's name */
  readonly path?: string;
}

/** A repository in an S3-compatible bucket (path-style requests, AWS Signature V4). */
export interface S3BackupTargetOptions {
  /** Endpoint with scheme, without path, e.g. `https://s3.eu-central-1.amazonaws.com` or `https://minio.storage:9000`. */
  readonly endpoint: string;
  /** Bucket name. */
  readonly bucket: string;
  /** Key prefix of the backups (no leading or trailing `/`). @default - the cluster's name */
  readonly prefix?: string;
  /** Region the requests are signed for. @default 'us-east-1' */
  readonly region?: string;
  /** Access key id, by Secret reference. */
  readonly accessKeyId: SecretKeyRef;
  /** Secret access key, by Secret reference. */
  readonly secretAccessKey: SecretKeyRef;
  /**
   * TLS: the endpoint must be `https://` and its certificate is verified. `false` allows an
   * `http://` endpoint (only for a store inside the cluster network). @default true
   */
  readonly tls?: boolean;
  /**
   * Image of the S3 client container: bash, curl 7.75 or later (`--aws-sigv4`), coreutils, sed.
   * @default 'buildpack-deps:bookworm-curl' (Debian 12: bash, curl 7.88, ca-certificates)
   */
  readonly clientImage?: string;
}

/** Where backups are kept: exactly one of the two. Make one with {@link BackupTarget}. */
export interface IBackupTarget {
  /** A directory on an existing claim. */
  readonly persistentVolumeClaim?: PvcBackupTargetOptions;
  /** An S3-compatible bucket. */
  readonly s3?: S3BackupTargetOptions;
}

/** Backup repositories. */
export class BackupTarget {
  /** A directory on an existing PersistentVolumeClaim (NFS, or any ReadWriteMany class). */
  public static persistentVolumeClaim(options: PvcBackupTargetOptions): IBackupTarget {
    return { persistentVolumeClaim: options };
  }

  /** An S3-compatible bucket. */
  public static s3(options: S3BackupTargetOptions): IBackupTarget {
    return { s3: options };
  }

  private constructor() {}
}

/** How long backups are kept; the newest good backup is never deleted. */
export interface BackupRetention {
  /** Keep at most this many backups. @default - no limit by count */
  readonly count?: number;
  /** Delete backups older than this many days. @default - no limit by age */
  readonly maxAgeDays?: number;
}

/**
 * Scheduled physical backups (mariadb-backup, or Percona XtraBackup for MySQL), taken by a
 * CronJob that asks one member's backup sidecar for a backup stream (the clone transport, port
 * 3307): the member keeps serving. Never two at once (`concurrencyPolicy: Forbid`).
 */
export interface MySQLBackupOptions {
  /** Cron schedule (5 fields, or `@daily` and the like), in the controller's time zone, e.g. `'0 3 * * *'`. */
  readonly schedule: string;
  /** Where the backups go. */
  readonly target: IBackupTarget;
  /** Retention. @default { count: 7 } */
  readonly retention?: BackupRetention;
  /** Member the backup is taken from. @default - the highest ordinal (a replica; the primary when there is one member) */
  readonly sourceOrdinal?: number;
  /** Resources of the backup Job's containers. @default - requests 100m CPU and 128Mi memory */
  readonly resources?: Resources;
  /** Image of the backup Job. @default - the engine's backup image */
  readonly image?: string;
  /** Seconds a backup Job may run before it is stopped (and counted as failed). @default 21600 (6 hours) */
  readonly activeDeadlineSeconds?: number;
}

/**
 * Restores a backup into a new cluster's primary (ordinal 0, empty data dir) before its server
 * first starts; the replicas then clone from it as usual. The users and passwords are those of
 * the backup: the cluster's Secret must hold the source cluster's values.
 */
export interface MySQLBootstrapOptions {
  /** The repository to restore from (for another cluster's backups, set its `path` / `prefix`). */
  readonly target: IBackupTarget;
  /** A backup name (`<cluster>-<YYYYMMDD>T<HHMMSS>Z`) or `'latest'`. @default 'latest' */
  readonly backup?: string;
  /**
   * Must be `true`: confirms that this cluster's claims do not exist yet (a new cluster, or one
   * whose claims were deleted). The construct cannot see claims at synth time; at run time the
   * restore also refuses a data dir that holds data it did not restore.
   */
  readonly newCluster: boolean;
}

/** A restore drill: restores the latest backup into a throwaway pod and volume, starts the server and checks the tables. */
export interface MySQLRestoreDrillOptions {
  /** Cron schedule, e.g. `'0 5 * * 0'`. */
  readonly schedule: string;
  /** Tables to check (`database.table`): CHECK TABLE, row count and CHECKSUM TABLE. @default - every user table */
  readonly tables?: string[];
  /** Size limit of the throwaway data volume (an emptyDir). @default - none */
  readonly scratchSizeLimit?: string;
  /** Resources of the drill's containers. @default - requests 250m CPU and 512Mi memory */
  readonly resources?: Resources;
}

/** The backup-related props of a MySQLReplication. */
export interface MySQLBackupProps {
  /** Scheduled backups. @default - none */
  readonly backup?: MySQLBackupOptions;
  /** Restore a backup into this new cluster. @default - none: the primary starts empty */
  readonly bootstrapFrom?: MySQLBootstrapOptions;
  /** A scheduled restore drill of the latest backup (needs `backup`). @default - none */
  readonly drill?: MySQLRestoreDrillOptions;
}
