/**
 * The env the construct gives the containers that run the MySQL scripts (lib/mysql/scripts,
 * lib/mysql/backup/scripts), read from a synthesized MySQLReplication: the stub tests run the
 * scripts with it, so they see the names and values a cluster has rather than defaults of their
 * own, and test/mysql-script-env.test.ts checks it against what the scripts require.
 */
import * as path from 'path';
import {
  BackupTarget, MariaDBVersion, MySQLEngine, MySQLReplication, MySQLReplicationProps, MySQLVersion, SecretKeyRef,
} from '../../lib';
import { ReplicationMode } from '../../lib/mysql/config-files';
import { Container, PodTemplate } from '../e2e/manifest';
import { Manifest, ofKind, synthChart } from './manifests';

/** A cluster to synthesize; unset options are the construct's defaults. */
export interface ClusterOptions {
  /** @default 'mysql' */
  readonly name?: string;
  /** @default - the construct's engine (MySQL 8.4) */
  readonly flavor?: 'mysql' | 'mariadb';
  /** Major.minor of `flavor`. @default '8.4' for MySQL, '11.4' for MariaDB */
  readonly version?: string;
  /** @default - the construct's (gtid) */
  readonly mode?: ReplicationMode;
  /** Backups, a restore drill and `bootstrapFrom`, all to this target. @default - none */
  readonly backups?: 'pvc' | 's3';
  /** The metrics sidecar. @default false */
  readonly exporter?: boolean;
  /** `primary` (with it, the switchover Job). @default - unset */
  readonly primary?: number;
}

const MYSQL_VERSIONS = [MySQLVersion.V8_0, MySQLVersion.V8_4, MySQLVersion.V9_7];
const MARIADB_VERSIONS = [MariaDBVersion.V10_11, MariaDBVersion.V11_4, MariaDBVersion.V11_8];

function engineOf(flavor: ClusterOptions['flavor'], version: string | undefined): MySQLEngine | undefined {
  if (flavor === undefined) {
    if (version !== undefined) throw new Error('a version needs a flavor');
    return undefined;
  }
  const versions: ReadonlyArray<MySQLVersion | MariaDBVersion> = flavor === 'mysql' ? MYSQL_VERSIONS : MARIADB_VERSIONS;
  const wanted = version ?? (flavor === 'mysql' ? '8.4' : '11.4');
  const found = versions.find((v) => v.version === wanted);
  if (!found) throw new Error(`no ${flavor} ${wanted} among the engine's versions`);
  return flavor === 'mysql' ? MySQLEngine.mysql(found as MySQLVersion) : MySQLEngine.mariadb(found as MariaDBVersion);
}

function backupProps(target: ClusterOptions['backups']): MySQLReplicationProps {
  if (!target) return {};
  const to = (claimName: string, prefix: string) => target === 'pvc'
    ? BackupTarget.persistentVolumeClaim({ claimName })
    : BackupTarget.s3({
      endpoint: 'https://s3.example.com', bucket: 'backups', prefix,
      accessKeyId: SecretKeyRef.of('s3', 'access-key-id'), secretAccessKey: SecretKeyRef.of('s3', 'secret-access-key'),
    });
  return {
    backup: { schedule: '0 3 * * *', target: to('backups', 'current') },
    drill: { schedule: '0 5 * * 0' },
    bootstrapFrom: { target: to('old-backups', 'old'), newCluster: true },
  };
}

const synthesized = new Map<string, Manifest[]>();

/** The objects of a MySQLReplication (with a database `app`), synthesized once per set of options. */
export function synthReplication(options: ClusterOptions = {}): Manifest[] {
  const key = JSON.stringify(options);
  let objects = synthesized.get(key);
  if (!objects) {
    objects = synthChart((chart) => {
      new MySQLReplication(chart, options.name ?? 'mysql', {
        engine: engineOf(options.flavor, options.version),
        replicationMode: options.mode,
        database: { name: 'app', user: 'app' },
        exporter: options.exporter ? {} : undefined,
        primary: options.primary,
        ...backupProps(options.backups),
      });
    });
    synthesized.set(key, objects);
  }
  return objects;
}

/** Secret values by env var name; any other Secret-backed variable gets `<secret>/<key>`. */
export type SecretValues = Readonly<Record<string, string>>;

function envOf(template: PodTemplate, container: string, secrets: SecretValues): Record<string, string> {
  return template.env(template.container(container), (name, key, envName) => secrets[envName] ?? `${name}/${key}`);
}

/** The env of container `container` of the cluster's pods (StatefulSet), as the kubelet builds it (without HOSTNAME). */
export function memberEnv(container: string, options: ClusterOptions = {}, secrets: SecretValues = {}): Record<string, string> {
  return envOf(PodTemplate.of(synthReplication(options), options.name ?? 'mysql'), container, secrets);
}

/** The env of container `container` of the Jobs of CronJob `<name>-<job>` (needs `backups`). */
export function jobEnv(job: 'backup' | 'restore-drill', container: string, options: ClusterOptions = {},
  secrets: SecretValues = {}): Record<string, string> {
  return envOf(PodTemplate.ofCronJob(synthReplication(options), `${options.name ?? 'mysql'}-${job}`), container, secrets);
}

/** The env of the switchover Job's container of a cluster of `options` with `primary` (1 unless given). */
export function switchoverEnv(options: ClusterOptions = {}, secrets: SecretValues = {}): Record<string, string> {
  const objects = synthReplication({ primary: 1, ...options });
  const job = ofKind(objects, 'Job').find((j) => j.metadata.name.startsWith(`${options.name ?? 'mysql'}-switchover-`))!;
  return envOf(PodTemplate.ofJob(objects, job.metadata.name), 'switchover', secrets);
}

/** `env` without the variables `names`. */
export function without(env: Readonly<Record<string, string>>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !names.includes(k)));
}

/** A script a container runs: `bash <mount>/<script> <args>`, or run by the image entrypoint. */
export interface ScriptRun {
  readonly script: string;
  readonly args: readonly string[];
}

/** A container of a synthesized workload and the scripts it runs. */
export interface ScriptContainer {
  /** e.g. `StatefulSet/mysql` or `CronJob/mysql-backup`. */
  readonly workload: string;
  readonly template: PodTemplate;
  readonly container: Container;
  readonly runs: readonly ScriptRun[];
}

/** Where the official mysql/mariadb images' entrypoint runs the `*.sh` files it finds on a first start. */
const INITDB_DIR = '/docker-entrypoint-initdb.d';

/** `bash <path>/<name>.sh <args>` as a script run, else undefined. */
function bashRun(argv: readonly string[] | undefined): ScriptRun | undefined {
  if (!argv || argv[0] !== 'bash' || !argv[1]?.endsWith('.sh')) return undefined;
  return { script: path.posix.basename(argv[1]), args: argv.slice(2) };
}

/**
 * Every container of the StatefulSets, CronJobs and Jobs in `objects`, with the scripts it runs: its
 * command, its exec probes, and the `.sh` files of a ConfigMap volume it mounts at
 * /docker-entrypoint-initdb.d (run by the image entrypoint).
 */
export function scriptContainers(objects: readonly Manifest[]): ScriptContainer[] {
  const templates = [
    ...ofKind(objects, 'StatefulSet').map((o) => ({ workload: `StatefulSet/${o.metadata.name}`, template: PodTemplate.of(objects, o.metadata.name) })),
    ...ofKind(objects, 'CronJob').map((o) => ({ workload: `CronJob/${o.metadata.name}`, template: PodTemplate.ofCronJob(objects, o.metadata.name) })),
    ...ofKind(objects, 'Job').map((o) => ({ workload: `Job/${o.metadata.name}`, template: PodTemplate.ofJob(objects, o.metadata.name) })),
  ];
  return templates.flatMap(({ workload, template }) => [...template.initContainers, ...template.containers].map((container) => {
    const c = container as Container & Record<string, any>;
    const probes = ['startupProbe', 'livenessProbe', 'readinessProbe'].map((p) => c[p]?.exec?.command as string[] | undefined);
    const initdb = (c.volumeMounts ?? []).filter((m) => m.mountPath === INITDB_DIR)
      .flatMap((m) => template.configMapFiles(m.name).filter((f) => f.path.endsWith('.sh')).map((f) => ({ script: f.path, args: [] })));
    const runs = [bashRun(template.argv(c)), ...probes.map(bashRun), ...initdb].filter((r): r is ScriptRun => r !== undefined);
    const unique = runs.filter((r, i) => runs.findIndex((x) => x.script === r.script && x.args.join(' ') === r.args.join(' ')) === i);
    return { workload, template, container, runs: unique };
  }));
}
