import * as path from 'path';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel, checkImage, checkInteger, checkQuantity } from '../../common/checks';
import { renderContainer } from '../../common/container';
import type { ContainerSpec, Resources, VolumeMount } from '../../common/container';
import { EnvValue } from '../../common/env';
import { check } from '../../common/errors';
import { renderPodSecurityContext } from '../../common/pod';
import type { PodSecurity } from '../../common/pod';
import { readScripts } from '../../common/scripts';
import { checkSecretRef, SecretKeyRef } from '../../common/secret';
import { AppVolume } from '../../common/volume';
import type { MySQLFlavor } from '../engine';
import { checkCron, checkRepositoryPath } from './checks';
import type { IBackupTarget, MySQLBackupProps } from './props';
import { imageFromRegistry } from '../../common/images';

/** Where the backup scripts live, relative to the package root. */
export const BACKUP_SCRIPTS_DIR = path.join('lib', 'mysql', 'backup', 'scripts');
/** The least-privilege account the backup sidecar's backups run as. */
export const BACKUP_USER = 'backup';
/** Key of its password in the cluster's credentials Secret. */
export const BACKUP_PASSWORD_KEY = 'backup-password';
/** Default image of the S3 client container (Debian 12 with bash and curl 7.88). */
export const DEFAULT_S3_CLIENT_IMAGE = 'buildpack-deps:bookworm-curl';

/** What the backup builders need to know about the cluster. */
export interface BackupContext {
  /** The cluster (StatefulSet) name; backups are named `<name>-<time>`. */
  readonly name: string;
  readonly flavor: MySQLFlavor;
  /** Engine major.minor, e.g. `10.11`. */
  readonly version: string;
  /** Database server image (the drill runs the server in it). */
  readonly image: string;
  /** Backup tool image (backup, restore). */
  readonly backupImage: string;
  /** The server's data directory inside its image. */
  readonly dataDir: string;
  /** The StatefulSet's data claim template name and the sub-path the server's data is in. */
  readonly dataVolume: { readonly name: string; readonly subPath?: string };
  /** Number of members. */
  readonly replicas: number;
  /** Labels of the cluster's objects (the Jobs' pods get the same name/instance and their own component). */
  readonly labels: Readonly<Record<string, string>>;
  /** DNS name of member `ordinal`, as the backup Job reaches it. */
  readonly memberHost: (ordinal: number) => string;
  /** The cluster's credentials Secret. */
  readonly credentialsSecret: string;
  /** The scripts ConfigMap (the replication scripts plus {@link MySQLBackups.scriptFiles}) and its mount path. */
  readonly scriptsConfigMap: string;
  readonly scriptsMount: string;
  /** The sidecars' backup stream port. */
  readonly clonePort: number;
  /** Pod security of the cluster's pods (the Jobs use the same uid/gid). */
  readonly podSecurity: PodSecurity;
}

const REPO_MOUNT = '/backups';
const WORK_MOUNT = '/work';
const DEFAULT_JOB_RESOURCES: Resources = { requests: { cpu: '100m', memory: '128Mi' } };
const DEFAULT_DRILL_RESOURCES: Resources = { requests: { cpu: '250m', memory: '512Mi' } };

/**
 * Backups, bootstrap restore and restore drill of a MySQLReplication: checks the props, creates
 * the CronJobs, and hands the cluster what it must add to its own objects (scripts, init
 * containers, volumes, env of create-users.sh and the sidecar, NetworkPolicy peers).
 */
export class MySQLBackups extends Construct {
  /** Files to add to the cluster's scripts ConfigMap (empty when nothing is on). */
  public readonly scriptFiles: Readonly<Record<string, string>>;
  /** Env of the database container (create-users.sh) and the backup sidecar: the backup user. */
  public readonly backupUserEnv: Readonly<Record<string, EnvValue>>;
  /** Init containers of the StatefulSet, between init-config and clone (bootstrapFrom). */
  public readonly bootstrapInitContainers: readonly ContainerSpec[];
  /** Pod volumes those init containers mount. */
  public readonly bootstrapVolumes: readonly AppVolume[];
  /** Pods that may reach the members' clone port besides the members (the backup Job). */
  public readonly networkPolicyPeers: readonly k8s.NetworkPolicyPeer[];
  /** Keys of the credentials Secret these parts read. */
  public readonly credentialKeys: readonly string[];
  /** Secret keys from elsewhere (S3 credentials). */
  public readonly externalSecrets: readonly SecretKeyRef[];
  /** The backup CronJob, when `backup` is set. */
  public readonly backupCronJob?: k8s.KubeCronJob;
  /** The restore drill CronJob, when `drill` is set. */
  public readonly drillCronJob?: k8s.KubeCronJob;

  constructor(scope: Construct, id: string, private readonly ctx: BackupContext, props: MySQLBackupProps) {
    super(scope, id);
    const { backup, bootstrapFrom, drill } = props;
    const secrets: SecretKeyRef[] = [];
    if (backup) {
      checkCron(this, 'backup.schedule', backup.schedule);
      this.checkTarget('backup.target', backup.target);
      const retention = backup.retention ?? { count: 7 };
      if (retention.count !== undefined) checkInteger(this, 'backup.retention.count', retention.count, 1);
      if (retention.maxAgeDays !== undefined) checkInteger(this, 'backup.retention.maxAgeDays', retention.maxAgeDays, 1);
      check(retention.count !== undefined || retention.maxAgeDays !== undefined, this, 'backup.retention', retention,
        'must set count or maxAgeDays (or leave retention unset for the default, count 7)');
      const source = backup.sourceOrdinal ?? ctx.replicas - 1;
      checkInteger(this, 'backup.sourceOrdinal', source, 0, ctx.replicas - 1);
      if (backup.image) checkImage(this, 'backup.image', backup.image);
      const deadline = backup.activeDeadlineSeconds ?? 21600;
      checkInteger(this, 'backup.activeDeadlineSeconds', deadline, 60);
      this.backupCronJob = this.createBackupCronJob(backup.schedule, backup.target, retention, source,
        backup.image ?? ctx.backupImage, backup.resources ?? DEFAULT_JOB_RESOURCES, deadline);
      secrets.push(...s3Secrets(backup.target));
    }
    if (drill) {
      check(backup !== undefined, this, 'drill', drill, 'needs backup: the drill restores the latest backup of the backup target');
      checkCron(this, 'drill.schedule', drill.schedule);
      for (const [i, t] of (drill.tables ?? []).entries()) {
        check(/^[A-Za-z0-9_$]+\.[A-Za-z0-9_$]+$/.test(t), this, `drill.tables[${i}]`, t, 'must be <database>.<table> (plain identifiers)');
      }
      if (drill.scratchSizeLimit) checkQuantity(this, 'drill.scratchSizeLimit', drill.scratchSizeLimit);
      this.drillCronJob = this.createDrillCronJob(drill.schedule, backup!.target, drill.tables ?? [], drill.scratchSizeLimit,
        drill.resources ?? DEFAULT_DRILL_RESOURCES);
    }
    const bootstrap = bootstrapFrom ? this.bootstrapParts(bootstrapFrom.target, bootstrapFrom.backup ?? 'latest') : undefined;
    if (bootstrapFrom) {
      check(bootstrapFrom.newCluster === true, this, 'bootstrapFrom.newCluster', bootstrapFrom.newCluster,
        "must be true: a restore only goes into a cluster whose claims do not exist yet, and the construct cannot see them; confirm it's a new cluster (the restore also refuses a data dir that holds other data)");
      secrets.push(...s3Secrets(bootstrapFrom.target));
    }

    this.scriptFiles = backup || bootstrapFrom ? readScripts(BACKUP_SCRIPTS_DIR) : {};
    this.backupUserEnv = backup ? {
      BACKUP_USER: EnvValue.fromValue(BACKUP_USER),
      BACKUP_PASSWORD: EnvValue.fromSecret(SecretKeyRef.of(ctx.credentialsSecret, BACKUP_PASSWORD_KEY)),
    } : {};
    this.credentialKeys = backup ? [BACKUP_PASSWORD_KEY] : [];
    this.externalSecrets = dedupe(secrets);
    this.bootstrapInitContainers = bootstrap?.containers ?? [];
    this.bootstrapVolumes = bootstrap?.volumes ?? [];
    this.networkPolicyPeers = backup ? [{ podSelector: { matchLabels: this.podLabels('backup') } }] : [];
  }

  private checkTarget(prop: string, target: IBackupTarget): void {
    const pvc = target?.persistentVolumeClaim;
    const s3 = target?.s3;
    check(pvc !== undefined || s3 !== undefined, this, prop, target, 'must be BackupTarget.persistentVolumeClaim(...) or BackupTarget.s3(...)');
    check(!(pvc && s3), this, prop, '(a PVC and an S3 target)', 'must be one target: a persistentVolumeClaim or an s3 bucket, not both');
    if (pvc) {
      checkDnsLabel(this, `${prop}.persistentVolumeClaim.claimName`, pvc.claimName, 253);
      checkRepositoryPath(this, `${prop}.persistentVolumeClaim.path`, pvc.path ?? this.ctx.name);
    }
    if (s3) {
      check(typeof s3.endpoint === 'string' && /^https?:\/\/[^/]+$/.test(s3.endpoint), this, `${prop}.s3.endpoint`, s3.endpoint,
        'must be a URL with a scheme and without a path, e.g. "https://s3.eu-central-1.amazonaws.com" or "https://minio.storage:9000"');
      const tls = s3.tls ?? true;
      check(!tls || s3.endpoint.startsWith('https://'), this, `${prop}.s3.endpoint`, s3.endpoint,
        'must be https:// while tls is on (the default); set tls: false only for a store inside the cluster network');
      check(tls || s3.endpoint.startsWith('http://'), this, `${prop}.s3.endpoint`, s3.endpoint, 'must be http:// when tls is false');
      check(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s3.bucket), this, `${prop}.s3.bucket`, s3.bucket,
        "must be an S3 bucket name: 3-63 lower-case letters, digits, '.' and '-'");
      checkRepositoryPath(this, `${prop}.s3.prefix`, s3.prefix ?? this.ctx.name);
      check(/^[a-z0-9-]+$/.test(s3.region ?? 'us-east-1'), this, `${prop}.s3.region`, s3.region, 'must be a region name such as "eu-central-1"');
      checkSecretRef(this, `${prop}.s3.accessKeyId`, s3.accessKeyId);
      checkSecretRef(this, `${prop}.s3.secretAccessKey`, s3.secretAccessKey);
      checkImage(this, `${prop}.s3.clientImage`, s3.clientImage ?? imageFromRegistry(this, DEFAULT_S3_CLIENT_IMAGE));
    }
  }

  /** Labels of a Job pod: the cluster's name and instance, its own component (never the members' selector). */
  private podLabels(component: string): Record<string, string> {
    return {
      'app.kubernetes.io/name': this.ctx.labels['app.kubernetes.io/name'],
      'app.kubernetes.io/instance': this.ctx.labels['app.kubernetes.io/instance'],
      'app.kubernetes.io/component': component,
    };
  }

  private engineEnv(): Record<string, EnvValue> {
    return { MYSQL_FLAVOR: EnvValue.fromValue(this.ctx.flavor), MYSQL_VERSION: EnvValue.fromValue(this.ctx.version) };
  }

  private scriptsMount(): VolumeMount {
    return { volume: 'scripts', mountPath: this.ctx.scriptsMount, readOnly: true };
  }

  private command(script: string, ...args: string[]): string[] {
    return ['bash', `${this.ctx.scriptsMount}/${script}`, ...args];
  }

  /** The repository: its volume, how containers mount it, and the repository directory inside. */
  private repository(target: IBackupTarget, readOnly: boolean, volume = 'backup-repo'): { volume: AppVolume; mount: VolumeMount; dir: string } {
    if (target.persistentVolumeClaim) {
      const pvc = target.persistentVolumeClaim;
      return {
        volume: AppVolume.persistentVolumeClaim(volume, pvc.claimName, { readOnly }),
        mount: { volume, mountPath: REPO_MOUNT, readOnly },
        dir: `${REPO_MOUNT}/${pvc.path ?? this.ctx.name}`,
      };
    }
    // S3: the local copy of the backup being written or restored, in an emptyDir.
    return { volume: AppVolume.emptyDir(volume), mount: { volume, mountPath: WORK_MOUNT, readOnly }, dir: `${WORK_MOUNT}/repo` };
  }

  /** The S3 client container running `s3.sh <command>`, or undefined for a PVC target. */
  private s3Container(name: string, target: IBackupTarget, command: string, repoMount: VolumeMount, repoDir: string,
    env: Record<string, EnvValue>, resources: Resources, extraMounts: VolumeMount[] = []): ContainerSpec | undefined {
    const s3 = target.s3;
    if (!s3) return undefined;
    return {
      name,
      image: s3.clientImage ?? imageFromRegistry(this, DEFAULT_S3_CLIENT_IMAGE),
      command: this.command('s3.sh', command),
      env: {
        S3_ENDPOINT: EnvValue.fromValue(s3.endpoint),
        S3_BUCKET: EnvValue.fromValue(s3.bucket),
        S3_PREFIX: EnvValue.fromValue(s3.prefix ?? this.ctx.name),
        S3_REGION: EnvValue.fromValue(s3.region ?? 'us-east-1'),
        AWS_ACCESS_KEY_ID: EnvValue.fromSecret(s3.accessKeyId),
        AWS_SECRET_ACCESS_KEY: EnvValue.fromSecret(s3.secretAccessKey),
        BACKUP_REPO_DIR: EnvValue.fromValue(repoDir),
        ...env,
      },
      volumeMounts: [repoMount, this.scriptsMount(), ...extraMounts],
      resources,
    };
  }

  private createBackupCronJob(schedule: string, target: IBackupTarget, retention: { count?: number; maxAgeDays?: number },
    source: number, image: string, resources: Resources, deadline: number): k8s.KubeCronJob {
    const repo = this.repository(target, false);
    const retentionEnv = {
      RETENTION_COUNT: EnvValue.fromValue(retention.count === undefined ? '' : String(retention.count)),
      RETENTION_MAX_AGE_DAYS: EnvValue.fromValue(retention.maxAgeDays === undefined ? '' : String(retention.maxAgeDays)),
    };
    const backup: ContainerSpec = {
      name: 'backup',
      image,
      command: this.command('backup.sh'),
      env: {
        ...this.engineEnv(),
        BACKUP_REPO_DIR: EnvValue.fromValue(repo.dir),
        BACKUP_NAME_PREFIX: EnvValue.fromValue(this.ctx.name),
        BACKUP_SOURCE_HOST: EnvValue.fromValue(this.ctx.memberHost(source)),
        CLONE_PORT: EnvValue.fromValue(String(this.ctx.clonePort)),
        CLONE_CONNECT_TIMEOUT_SECONDS: EnvValue.fromValue('10'),
        BACKUP_APPLY_RETENTION: EnvValue.fromValue(target.s3 ? 'no' : 'yes'),
        ...retentionEnv,
      },
      volumeMounts: [repo.mount, this.scriptsMount()],
      resources,
    };
    const upload = this.s3Container('upload', target, 'push', repo.mount, repo.dir,
      { BACKUP_NAME_PREFIX: EnvValue.fromValue(this.ctx.name), ...retentionEnv }, resources);
    return this.cronJob('backup-cron-job', `${this.ctx.name}-backup`, 'backup', schedule, deadline,
      upload ? [backup] : [], upload ? [upload] : [backup], [repo.volume]);
  }

  private createDrillCronJob(schedule: string, target: IBackupTarget, tables: string[], sizeLimit: string | undefined,
    resources: Resources): k8s.KubeCronJob {
    const repo = this.repository(target, true);
    const data: VolumeMount = { volume: 'scratch', mountPath: this.ctx.dataDir };
    const fetch = this.s3Container('fetch', target, 'fetch', { ...repo.mount, readOnly: false }, repo.dir,
      { RESTORE_BACKUP: EnvValue.fromValue('latest'), FETCH_FOR: EnvValue.fromValue('drill') }, resources);
    const restore: ContainerSpec = {
      name: 'restore',
      image: this.ctx.backupImage,
      command: this.command('restore.sh', 'scratch'),
      env: {
        ...this.engineEnv(),
        DATA_DIR: EnvValue.fromValue(this.ctx.dataDir),
        BACKUP_REPO_DIR: EnvValue.fromValue(repo.dir),
        RESTORE_BACKUP: EnvValue.fromValue('latest'),
      },
      volumeMounts: [repo.mount, data, this.scriptsMount()],
      resources,
    };
    const drill: ContainerSpec = {
      name: 'drill',
      image: this.ctx.image,
      command: this.command('drill.sh'),
      env: {
        ...this.engineEnv(),
        DATA_DIR: EnvValue.fromValue(this.ctx.dataDir),
        BACKUP_REPO_DIR: EnvValue.fromValue(repo.dir),
        DRILL_TABLES: EnvValue.fromValue(tables.join(' ')),
        MYSQL_WAIT_SECONDS: EnvValue.fromValue('600'),
      },
      volumeMounts: [repo.mount, data, this.scriptsMount()],
      resources,
    };
    return this.cronJob('drill-cron-job', `${this.ctx.name}-restore-drill`, 'backup-drill', schedule, 21600,
      [...(fetch ? [fetch] : []), restore], [drill], [repo.volume, AppVolume.emptyDir('scratch', { sizeLimit })]);
  }

  /** The StatefulSet's restore init containers and their volumes. */
  private bootstrapParts(target: IBackupTarget, backupName: string): { containers: ContainerSpec[]; volumes: AppVolume[] } {
    this.checkTarget('bootstrapFrom.target', target);
    check(backupName === 'latest' || /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?-\d{8}T\d{6}Z$/.test(backupName), this, 'bootstrapFrom.backup',
      backupName, "must be 'latest' or a backup name <cluster>-<YYYYMMDD>T<HHMMSS>Z");
    const repo = this.repository(target, true, 'restore-repo');
    const mount = repo.mount;
    const data: VolumeMount = { volume: this.ctx.dataVolume.name, mountPath: this.ctx.dataDir, subPath: this.ctx.dataVolume.subPath };
    const env = { RESTORE_BACKUP: EnvValue.fromValue(backupName) };
    const fetch = this.s3Container('restore-fetch', target, 'fetch', { ...mount, readOnly: false }, repo.dir,
      { ...env, FETCH_FOR: EnvValue.fromValue('bootstrap'), DATA_DIR: EnvValue.fromValue(this.ctx.dataDir) },
      DEFAULT_JOB_RESOURCES, [{ ...data, readOnly: true }]);
    const restore: ContainerSpec = {
      name: 'restore',
      image: this.ctx.backupImage,
      command: this.command('restore.sh', 'bootstrap'),
      env: { ...this.engineEnv(), ...env, DATA_DIR: EnvValue.fromValue(this.ctx.dataDir), BACKUP_REPO_DIR: EnvValue.fromValue(repo.dir) },
      volumeMounts: [mount, data, this.scriptsMount()],
      resources: DEFAULT_JOB_RESOURCES,
    };
    return { containers: [...(fetch ? [fetch] : []), restore], volumes: [repo.volume] };
  }

  private cronJob(id: string, name: string, component: string, schedule: string, deadline: number,
    initContainers: ContainerSpec[], containers: ContainerSpec[], volumes: AppVolume[]): k8s.KubeCronJob {
    const sec = this.ctx.podSecurity;
    const labels = { ...this.ctx.labels, 'app.kubernetes.io/component': component };
    return new k8s.KubeCronJob(this, id, {
      metadata: { name, labels },
      spec: {
        schedule,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: deadline,
            template: {
              metadata: { labels: { ...this.podLabels(component) } },
              spec: {
                restartPolicy: 'Never',
                // The pod security of the members, with seccomp RuntimeDefault: Pod Security `restricted` refuses a pod without it.
                securityContext: renderPodSecurityContext(sec),
                initContainers: initContainers.length ? initContainers.map(renderContainer) : undefined,
                containers: containers.map(renderContainer),
                volumes: [
                  ...volumes.map((v) => v.toVolume()),
                  AppVolume.configMap('scripts', this.ctx.scriptsConfigMap, { defaultMode: 0o555 }).toVolume(),
                ],
              },
            },
          },
        },
      },
    });
  }
}

function s3Secrets(target: IBackupTarget): SecretKeyRef[] {
  return target?.s3 ? [target.s3.accessKeyId, target.s3.secretAccessKey] : [];
}

function dedupe(refs: SecretKeyRef[]): SecretKeyRef[] {
  const seen = new Map<string, SecretKeyRef>();
  for (const r of refs) seen.set(`${r.secretName}/${r.key}`, r);
  return [...seen.values()];
}
