import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, checkImage, checkInteger, checkNameFrom } from '../common/checks';
import type { DatabaseEngineFamily, IDatabaseConnection } from '../common/connections';
import type { ContainerSpec, Resources, VolumeMount } from '../common/container';
import type { Endpoint } from '../common/endpoint';
import { EnvValue } from '../common/env';
import { check, InvalidPropError } from '../common/errors';
import { recommendedLabels } from '../common/labels';
import { podOptionsOf } from '../common/placement';
import { Probe } from '../common/probe';
import { withOuterProps } from '../common/prop-paths';
import type { PropPathMap } from '../common/prop-paths';
import { checkSecretRef, SecretKeyRef } from '../common/secret';
import type { RequiredSecretKey } from '../common/secret';
import { checkStorage } from '../common/storage';
import { AppVolume } from '../common/volume';
import { Credentials, withoutKeysMadeInCluster } from '../credentials/credentials';
import { MYSQL_CREDENTIAL_SHAPES } from './credential-shapes';
import { CredentialSource } from '../credentials/source';
import type { CredentialKey, ExternalSecretKey, GeneratedSecretKey, IUsesSecrets } from '../credentials/types';
import { StatefulApp } from '../stateful-app/stateful-app';
import { MySQLBackups } from './backup/mysql-backups';
import { checkMySQLConfig, replicationConfigFiles } from './config-files';
import type { ReplicationMode } from './config-files';
import { MySQLEngine, MySQLVersion, pinnedFromRegistry } from './engine';
import { MYSQL_SECRET_KEYS, MYSQLD_EXPORTER_IMAGE } from './props';
import type { MySQLReplicationProps } from './props';
import { replicationScripts, SCRIPTS_MOUNT, scriptCommand } from './scripts';
import { imageFromRegistry } from '../common/images';
import { createSwitchoverJob } from './switchover-job';
import { createPrimaryRouting, primaryOrdinalEnv } from './topology';
import { createMySQLMonitoring } from './monitoring';
import type { Monitoring } from '../monitoring/monitoring';

/** The client port of every member. */
const MYSQL_PORT = 3306;
/** The port on which each member's backup sidecar streams a backup to the next member. */
const CLONE_PORT = 3307;
/** The mysqld-exporter metrics port. */
const EXPORTER_PORT = 9104;
/** The least-privilege user mysqld-exporter logs in as. */
const EXPORTER_USER = 'exporter';

/** The props a user sets that become each container's image and resources, by container name. */
const CONTAINER_PROPS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'init-config': { image: 'engine.image' },
  'restore-fetch': { image: 'bootstrapFrom.target.s3.clientImage' },
  'restore': { image: 'engine.backupImage' },
  'clone': { resources: 'backupResources', image: 'engine.backupImage' },
  'backup': { resources: 'backupResources', image: 'engine.backupImage' },
  'exporter': { image: 'exporter.image' },
};

/**
 * How the props of the inner StatefulApp map to the props of a MySQLReplication, for errors. The
 * init containers and sidecars are found by name, whatever their index (`bootstrapFrom` puts its
 * restore containers before the clone).
 */
function propPaths(initContainers: readonly ContainerSpec[], sidecars: readonly ContainerSpec[]): PropPathMap {
  const located = [
    ...initContainers.map((c, i) => [`initContainers[${i}]`, c.name] as const),
    ...sidecars.map((c, i) => [`sidecars[${i}]`, c.name] as const),
  ];
  return [
    ['volumeClaims[0]', 'storage'],
    ['container.resources', 'resources'],
    ['container.image', 'engine.image'],
    ...located.flatMap(([inner, name]) => Object.entries(CONTAINER_PROPS[name] ?? {})
      .map(([field, outer]) => [`${inner}.${field}`, outer] as const)),
  ];
}

/**
 * A replicated MySQL or MariaDB cluster on a StatefulSet: the member `primary` (ordinal 0 by
 * default) is the primary, every other member a read-only replica that clones ordinal - 1 (ordinal
 * 0 clones the primary) with the backup tool and then replicates from the primary. Writes go to the
 * `<name>-primary` Service, which selects the declared primary's pod. Credentials come from a Secret, by reference only; that Secret is made in the
 * cluster by the SecretGenerator Job of its release (or namespace) unless `credentials` says
 * otherwise.
 *
 * Consumers use the handles ({@link endpoint}, {@link readEndpoint}, {@link databaseName}, {@link password},
 * {@link rootPassword}), never names they rebuild themselves.
 */
export class MySQLReplication extends Construct implements IDatabaseConnection, IUsesSecrets {
  /** The underlying stateful app (escape hatch). */
  public readonly app: StatefulApp;
  /** The engine. */
  public readonly engine: MySQLEngine;
  /** The read Service, over every member. */
  public readonly readService: k8s.KubeService;
  /** The write Service `<name>-primary`: it selects the declared primary's pod. */
  public readonly primaryService: k8s.KubeService;
  /** Writes go here: the write Service's DNS name and port; it follows the declared `primary`. */
  public readonly endpoint: Endpoint;
  /** The declared primary's ordinal. */
  public readonly primary: number;
  /** The Job that makes the declared primary the primary (when `primary` is set and there are replicas). */
  public readonly switchoverJob?: k8s.KubeJob;
  /** Reads may go here: the read Service, balanced over every ready member. */
  public readonly readEndpoint: Endpoint;
  /** Password of `root`. */
  public readonly rootPassword: SecretKeyRef;
  /** Replication user name. */
  public readonly replicationUser: string;
  /** Password of the replication user. */
  public readonly replicationPassword: SecretKeyRef;
  /** The NetworkPolicy that keeps the clone port to the members, unless disabled. */
  public readonly networkPolicy?: k8s.KubeNetworkPolicy;
  /** The engine family, for consumers that pick a driver. */
  public readonly engineFamily: DatabaseEngineFamily;
  /** The credentials Secret `secretName`, with the source chosen for it (`credentials`). */
  public readonly credentials: Credentials;
  /** The PodMonitor and PrometheusRule, when `monitoring` is set. */
  public readonly monitoring?: Monitoring;

  private readonly appDatabase?: { readonly name: string; readonly user: string; readonly password: SecretKeyRef };

  constructor(scope: Construct, id: string, props: MySQLReplicationProps = {}) {
    super(scope, id);
    const name = props.name ?? id;
    checkDnsLabel(this, 'name', name);
    const engine = pinnedFromRegistry(this, props.engine ?? MySQLEngine.mysql(MySQLVersion.V8_4));
    this.engine = engine;
    this.engineFamily = engine.flavor;
    const replicas = props.replicas ?? 3;
    checkInteger(this, 'replicas', replicas, 1);
    this.primary = props.primary ?? 0;
    checkInteger(this, 'primary', this.primary, 0, replicas - 1);
    check(props.podManagementPolicy !== 'Parallel', this, 'podManagementPolicy', props.podManagementPolicy,
      'must be OrderedReady: a new member clones its data from ordinal - 1, which must already be ready');
    const mode: ReplicationMode = props.replicationMode ?? 'gtid';
    const serverIdOffset = props.serverIdOffset ?? 100;
    checkInteger(this, 'serverIdOffset', serverIdOffset, 1, 4294967295 - replicas);
    const startupTimeout = props.startupTimeoutSeconds ?? 600;
    checkInteger(this, 'startupTimeoutSeconds', startupTimeout, 10);
    const peerWait = props.peerWaitSeconds ?? 120;
    checkInteger(this, 'peerWaitSeconds', peerWait, 1);
    checkImage(this, 'engine.image', engine.image);
    checkImage(this, 'engine.backupImage', engine.backupImage);
    const storage = props.storage ?? {};
    checkStorage(this, 'storage', storage, false);
    check(storage.existingClaim === undefined, this, 'storage.existingClaim', storage.existingClaim,
      'is not possible: every member has its own data claim (from the StatefulSet\'s claim template)');
    checkMySQLConfig(this, 'config', props.config ?? {}, engine, mode);

    const readServiceName = props.readServiceName ?? `${name}-read`;
    checkNameFrom(this, 'readServiceName', readServiceName, props.readServiceName !== undefined, ['name', name], checkDnsLabel);
    const secretName = props.secretName ?? `${name}-credentials`;
    checkNameFrom(this, 'secretName', secretName, props.secretName !== undefined, ['name', name], checkDnsSubdomain);
    this.rootPassword = SecretKeyRef.of(secretName, MYSQL_SECRET_KEYS.rootPassword);
    this.replicationPassword = SecretKeyRef.of(secretName, MYSQL_SECRET_KEYS.replicationPassword);
    this.replicationUser = props.replicationUser ?? 'replicator';
    checkMySQLIdentifier(this, 'replicationUser', this.replicationUser);
    if (props.database) {
      checkMySQLIdentifier(this, 'database.name', props.database.name);
      checkMySQLIdentifier(this, 'database.user', props.database.user);
      check(props.database.user !== 'root' && props.database.user !== this.replicationUser, this, 'database.user',
        props.database.user, 'must differ from root and from the replication user');
      if (props.database.password !== undefined) checkSecretRef(this, 'database.password', props.database.password);
      this.appDatabase = {
        name: props.database.name,
        user: props.database.user,
        password: props.database.password ?? SecretKeyRef.of(secretName, MYSQL_SECRET_KEYS.userPassword),
      };
    }
    // Monitoring scrapes the exporter: it implies one.
    const exporter = props.exporter ?? (props.monitoring ? {} : undefined);
    const exporterPassword = exporter ? SecretKeyRef.of(secretName, MYSQL_SECRET_KEYS.exporterPassword) : undefined;
    const podSecurity = props.podSecurity ?? { runAsUser: 999, runAsGroup: 999, runAsNonRoot: true, fsGroup: 999 };
    // Backups, bootstrap restore and restore drill (lib/mysql/backup).
    const backups = new MySQLBackups(this, 'backups', {
      name, flavor: engine.flavor, version: engine.version, image: engine.image, backupImage: engine.backupImage,
      dataDir: engine.dataDir, dataVolume: { name: 'data', subPath: 'mysql' }, replicas,
      labels: recommendedLabels({ name: engine.flavor, instance: name, component: 'database', partOf: props.partOf, version: engine.version }),
      memberHost: (ordinal) => `${name}-${ordinal}.${name}`, credentialsSecret: secretName, scriptsConfigMap: `${name}-scripts`,
      scriptsMount: SCRIPTS_MOUNT, clonePort: CLONE_PORT, podSecurity,
    }, props);

    const dataMount: VolumeMount = { volume: 'data', mountPath: engine.dataDir, subPath: 'mysql' };
    const confMount: VolumeMount = { volume: 'conf', mountPath: engine.confDir };
    const scriptsMount: VolumeMount = { volume: 'scripts', mountPath: SCRIPTS_MOUNT, readOnly: true };
    const scriptEnv: Record<string, EnvValue> = {
      PRIMARY_ORDINAL: primaryOrdinalEnv(name),
      MYSQL_FLAVOR: EnvValue.fromValue(engine.flavor),
      MYSQL_VERSION: EnvValue.fromValue(engine.version),
      REPLICATION_MODE: EnvValue.fromValue(mode),
      MEMBER_HOST_TEMPLATE: EnvValue.fromValue(`${name}-{ordinal}.${name}`),
      MYSQL_HOST: EnvValue.fromValue('127.0.0.1'),
      MYSQL_PORT: EnvValue.fromValue(String(MYSQL_PORT)),
      CLONE_PORT: EnvValue.fromValue(String(CLONE_PORT)),
      DATA_DIR: EnvValue.fromValue(engine.dataDir),
    };
    const credentialsEnv: Record<string, EnvValue> = {
      MYSQL_ROOT_PASSWORD: EnvValue.fromSecret(this.rootPassword),
      REPLICATION_USER: EnvValue.fromValue(this.replicationUser),
      REPLICATION_PASSWORD: EnvValue.fromSecret(this.replicationPassword),
    };
    const probeTiming = { periodSeconds: 10, timeoutSeconds: 5 };

    const initConfig: ContainerSpec = {
      name: 'init-config',
      image: engine.image,
      command: scriptCommand('init-config.sh'),
      env: {
        ...scriptEnv,
        SERVER_ID_OFFSET: EnvValue.fromValue(String(serverIdOffset)),
        CONF_DIR: EnvValue.fromValue('/mnt/conf.d'),
        CONFIG_MAP_DIR: EnvValue.fromValue('/mnt/config-map'),
      },
      volumeMounts: [
        { volume: 'conf', mountPath: '/mnt/conf.d' },
        { volume: 'config', mountPath: '/mnt/config-map', readOnly: true },
        scriptsMount,
      ],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
    };
    const clone: ContainerSpec = {
      name: 'clone',
      image: engine.backupImage,
      command: scriptCommand('clone.sh'),
      env: { ...scriptEnv, PEER_WAIT_SECONDS: EnvValue.fromValue(String(peerWait)) },
      volumeMounts: [dataMount, confMount, scriptsMount],
      resources: props.backupResources ?? DEFAULT_BACKUP_RESOURCES,
    };
    const database: ContainerSpec = {
      name: engine.flavor,
      image: engine.image,
      env: {
        ...scriptEnv,
        ...credentialsEnv,
        ...(this.appDatabase ? {
          MYSQL_DATABASE: EnvValue.fromValue(this.appDatabase.name),
          MYSQL_USER: EnvValue.fromValue(this.appDatabase.user),
          MYSQL_PASSWORD: EnvValue.fromSecret(this.appDatabase.password),
        } : {}),
        ...(exporterPassword ? {
          EXPORTER_USER: EnvValue.fromValue(EXPORTER_USER),
          EXPORTER_PASSWORD: EnvValue.fromSecret(exporterPassword),
        } : {}),
        ...backups.backupUserEnv,
        // Below every probe's timeoutSeconds, so a hung server fails the probe instead of timing it out.
        CONNECT_TIMEOUT: EnvValue.fromValue('2'),
      },
      ports: [{ name: 'mysql', port: MYSQL_PORT }],
      volumeMounts: [
        dataMount, confMount, scriptsMount,
        { volume: 'initdb', mountPath: '/docker-entrypoint-initdb.d', readOnly: true },
      ],
      startupProbe: Probe.exec(scriptCommand('probe.sh', 'alive'), { ...probeTiming, failureThreshold: Math.ceil(startupTimeout / 10) }),
      livenessProbe: Probe.exec(scriptCommand('probe.sh', 'alive'), { ...probeTiming, failureThreshold: 3 }),
      readinessProbe: Probe.exec(scriptCommand('probe.sh', 'ready'), { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 }),
      resources: props.resources ?? { requests: { cpu: '500m', memory: '1Gi' } },
    };
    const backup: ContainerSpec = {
      name: 'backup',
      image: engine.backupImage,
      command: scriptCommand('sidecar.sh'),
      env: { ...scriptEnv, ...credentialsEnv, CLONE_LISTEN_ADDRESS: EnvValue.fromValue('0.0.0.0'), ...backups.backupUserEnv },
      ports: [{ name: 'clone', port: CLONE_PORT }],
      volumeMounts: [dataMount, confMount, scriptsMount],
      resources: props.backupResources ?? DEFAULT_BACKUP_RESOURCES,
    };
    const sidecars = [backup];
    if (exporterPassword) {
      const image = exporter?.image ?? imageFromRegistry(this, MYSQLD_EXPORTER_IMAGE);
      sidecars.push({
        name: 'exporter',
        image,
        args: [`--mysqld.address=127.0.0.1:${MYSQL_PORT}`, `--mysqld.username=${EXPORTER_USER}`],
        env: { MYSQLD_EXPORTER_PASSWORD: EnvValue.fromSecret(exporterPassword) },
        ports: [{ name: 'metrics', port: EXPORTER_PORT }],
        readinessProbe: Probe.http('/', 'metrics'),
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
      });
    }

    const initContainers = [initConfig, ...backups.bootstrapInitContainers, clone];
    this.app = withOuterProps(this, propPaths(initContainers, sidecars), () => new StatefulApp(this, 'app', {
      ...podOptionsOf(props),
      name,
      appName: engine.flavor,
      instance: name,
      component: 'database',
      partOf: props.partOf,
      version: engine.version,
      replicas,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: props.updateStrategy,
      container: database,
      sidecars,
      initContainers,
      volumes: [
        AppVolume.emptyDir('conf'),
        AppVolume.configMap('initdb', `${name}-scripts`, { items: { 'create-users.sh': 'create-users.sh' }, defaultMode: 0o444 }),
        ...backups.bootstrapVolumes,
      ],
      configMaps: [
        { name: 'config', files: replicationConfigFiles(engine, mode, props.config ?? {}) },
        { name: 'scripts', files: { ...replicationScripts(), ...backups.scriptFiles }, defaultMode: 0o555 },
      ],
      volumeClaims: [{ ...storage, name: 'data', size: storage.size ?? '10Gi' }],
      headlessService: { ports: ['mysql'] },
      clientService: { name: readServiceName, ports: ['mysql'], labels: { readonly: 'true' } },
      podSecurity,
      antiAffinity: props.antiAffinity,
      disruptionBudget: props.disruptionBudget,
      terminationGracePeriodSeconds: 60,
      clusterDomain: props.clusterDomain,
    }));
    const described: Array<[SecretKeyRef, string, string]> = [
      [this.rootPassword, MYSQL_SECRET_KEYS.rootPassword, 'password of the MySQL user root'],
      [this.replicationPassword, MYSQL_SECRET_KEYS.replicationPassword, `password of the replication user ${this.replicationUser}`],
      ...this.appDatabase ? [[this.appDatabase.password, MYSQL_SECRET_KEYS.userPassword, `password of the application user ${this.appDatabase.user}`] as [SecretKeyRef, string, string]] : [],
      ...exporterPassword ? [[exporterPassword, MYSQL_SECRET_KEYS.exporterPassword, `password of the metrics user ${EXPORTER_USER}`] as [SecretKeyRef, string, string]] : [],
    ];
    const keys: Record<string, CredentialKey> = {};
    for (const [ref, preset, purpose] of described) {
      this.app.describeSecret(ref, purpose);
      // A database.password in another Secret is not this construct's to make: it stays required.
      if (ref.secretName === secretName) keys[ref.key] = { shape: MYSQL_CREDENTIAL_SHAPES[preset], purpose, usedBy: [this.app.node.path] };
    }
    for (const key of backups.credentialKeys) {
      const purpose = 'password of the backup user (only the privileges the backup tool needs)';
      this.app.describeSecret(SecretKeyRef.of(secretName, key), purpose);
      keys[key] = { shape: MYSQL_CREDENTIAL_SHAPES[MYSQL_SECRET_KEYS.rootPassword], purpose, usedBy: [this.app.node.path] };
    }
    // Credentials checks that the source is one (reported under `credentials` by withOuterProps).
    const source = props.credentials ?? CredentialSource.generated();
    // Members need no wait: a container whose env reads a missing Secret is not created, and the
    // kubelet retries it until the Secret exists (docs/credentials.md), so no server ever starts
    // without its passwords, and the pods are the same whatever the source.
    this.credentials = withOuterProps(this, [[`sources.${secretName}`, 'credentials']], () => new Credentials(this, 'credentials', {
      secrets: [{ secretName, keys }],
      sources: { [secretName]: source },
      namespace: this.app.namespace,
    }));

    this.readService = this.app.clientService!;
    if (props.networkPolicy ?? true) this.networkPolicy = this.createNetworkPolicy(name, exporter !== undefined, backups.networkPolicyPeers);
    this.primaryService = createPrimaryRouting(this, {
      name, primary: this.primary, port: MYSQL_PORT, labels: this.app.labels, selectorLabels: this.app.selectorLabels,
    }).service;
    this.endpoint = this.app.serviceEndpoint('mysql', this.primaryService);
    this.readEndpoint = this.app.serviceEndpoint('mysql', this.readService);
    check(props.primary !== undefined || props.switchover === undefined, this, 'switchover', props.switchover, 'only applies with primary');
    if (props.primary !== undefined && replicas > 1) {
      check(mode === 'gtid', this, 'primary', props.primary,
        "needs replicationMode 'gtid': a switchover points the members at the new primary by GTID (a binary log position is the old primary's own)");
      this.switchoverJob = createSwitchoverJob(this, {
        name, target: this.primary, members: replicas, image: engine.image, labels: this.app.labels,
        scriptEnv: {
          MYSQL_FLAVOR: scriptEnv.MYSQL_FLAVOR, MEMBER_HOST_TEMPLATE: scriptEnv.MEMBER_HOST_TEMPLATE, MYSQL_PORT: scriptEnv.MYSQL_PORT,
          PRIMARY_ORDINAL: scriptEnv.PRIMARY_ORDINAL,
        },
        rootPassword: this.rootPassword, replicationUser: this.replicationUser, replicationPassword: this.replicationPassword,
        scriptsConfigMap: `${name}-scripts`, podSecurity, options: props.switchover ?? {},
      });
    }
    if (props.monitoring) {
      const monitoring = props.monitoring;
      this.monitoring = createMySQLMonitoring(this, monitoring, {
        name, labels: this.app.labels, selector: this.app.selectorLabels, port: 'metrics',
        backup: backups.backupCronJob && props.backup && { cronJob: backups.backupCronJob.name, schedule: props.backup.schedule },
        drillCronJob: backups.drillCronJob?.name,
      });
    }
  }

  /** The application database's name (needs `database`). */
  public get databaseName(): string {
    return this.requireDatabase().name;
  }

  /** The application user (needs `database`). */
  public get user(): string {
    return this.requireDatabase().user;
  }

  /** The application user's password (needs `database`). */
  public get password(): SecretKeyRef {
    return this.requireDatabase().password;
  }

  /**
   * Every Secret key the members read that someone else must create: every key of `secretName`
   * when `credentials` is `existing`, and a `database.password` of another Secret, unless a
   * generator Job or an ExternalSecret of the app makes it.
   */
  public get requiredSecrets(): RequiredSecretKey[] {
    return withoutKeysMadeInCluster(this, this.app.requiredSecrets);
  }

  /** Keys the SecretGenerator Job of the release (or namespace) creates (`credentials` generated, the default). */
  public get generatedSecrets(): GeneratedSecretKey[] {
    return this.credentials.generatedSecrets;
  }

  /** Keys an ExternalSecret fills (`credentials` external). */
  public get externalSecrets(): ExternalSecretKey[] {
    return this.credentials.externalSecrets;
  }

  private requireDatabase(): { readonly name: string; readonly user: string; readonly password: SecretKeyRef } {
    if (!this.appDatabase) {
      throw new InvalidPropError(this, 'database', undefined,
        "is needed by a consumer of this database's connection: give the MySQLReplication `database: { name: 'app', user: 'app' }`");
    }
    return this.appDatabase;
  }

  private createNetworkPolicy(name: string, exporter: boolean, backupPeers: readonly k8s.NetworkPolicyPeer[]): k8s.KubeNetworkPolicy {
    const tcp = (port: number) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
    return new k8s.KubeNetworkPolicy(this, 'network-policy', {
      metadata: { name, labels: this.app.labels },
      spec: {
        podSelector: { matchLabels: this.app.selectorLabels },
        policyTypes: ['Ingress'],
        ingress: [
          { ports: [tcp(MYSQL_PORT), ...(exporter ? [tcp(EXPORTER_PORT)] : [])] },
          { from: [{ podSelector: { matchLabels: this.app.selectorLabels } }, ...backupPeers], ports: [tcp(CLONE_PORT)] },
        ],
      },
    });
  }
}

const DEFAULT_BACKUP_RESOURCES: Resources = { requests: { cpu: '100m', memory: '100Mi' } };

function checkMySQLIdentifier(scope: Construct, prop: string, value: string): void {
  check(/^[A-Za-z0-9_]{1,32}$/.test(value), scope, prop, value,
    'must be 1 to 32 letters, digits or underscores (a plain MySQL identifier, safe to use unquoted)');
}
