import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, checkInteger, checkQuantity } from '../common/checks';
import { isSingleAttach } from '../common/storage';
import { check } from '../common/errors';
import { recommendedLabels } from '../common/labels';
import { createNamespaceObject } from '../common/namespace';
import { checkSecretRef } from '../common/secret';
import { DeploymentApp } from '../deployment-app/deployment-app';
import { StatefulApp } from '../stateful-app/stateful-app';
import { Database, Redis } from './backends';
import { createCore } from './components/core';
import { createDatabase, INTERNAL_CORE_DATABASE, INTERNAL_DATABASE_USER } from './components/database';
import { createExporter } from './components/exporter';
import { createIngress, createNginx } from './components/exposure';
import { createJobservice } from './components/jobservice';
import { createPortal } from './components/portal';
import { createRedis } from './components/redis';
import { createRegistry } from './components/registry';
import { createTrivy } from './components/trivy';
import { DatabaseConnection, HARBOR_PORTS, HarborContext, harborNames, harborUrls, RedisConnection } from './context';
import { resolveExternalURL } from './exposure';
import { HarborClaimOptions, HarborLogLevel, HarborStackProps, JobLogger } from './props';
import { defaultSecretNames, RequiredSecret, SecretCatalog } from './secrets';
import { RegistryStorage } from './storage';

/** The Harbor release this library pins by default. */
export const DEFAULT_HARBOR_VERSION = 'v2.15.2';

/** How many minor releases one Harbor upgrade may cross (Harbor's upgrade guide: at most two back). */
const MAX_MINOR_UPGRADE = 2;

const LOG_LEVELS: readonly HarborLogLevel[] = ['debug', 'info', 'warning', 'error', 'fatal'];
const JOB_LOGGERS: readonly JobLogger[] = ['file', 'database', 'stdout'];

/**
 * Harbor, the container registry, as one typed release: the equivalent of
 * `helm install harbor harbor/harbor -n harbor --create-namespace`, as plain manifests with no
 * secret value in them.
 *
 * It deploys what the official chart deploys by default: core, portal, jobservice and the
 * registry (with registryctl as a second container) as Deployments; PostgreSQL, Redis and Trivy
 * as StatefulSets with claims (each switchable to an external server, or off); the exporter when
 * metrics are on; nginx unless the exposure is an Ingress. It creates its own Namespace, so its
 * output file stands alone.
 *
 * Every secret comes from a Secret the operator creates first: {@link requiredSecrets} lists them,
 * and docs/harbor.md shows the commands.
 */
export class HarborStack extends Chart {
  /** The URL clients use (`EXT_ENDPOINT` of core). */
  public readonly externalURL: string;
  /** Prefix of every object name. */
  public readonly harborName: string;
  /** Every Secret key the output reads, with the components that read it. Create them before applying. */
  public readonly requiredSecrets: readonly RequiredSecret[];
  /** The Namespace object. */
  public readonly namespaceObject: k8s.KubeNamespace;
  /** Core. */
  public readonly core: DeploymentApp;
  /** Portal. */
  public readonly portal: DeploymentApp;
  /** Jobservice. */
  public readonly jobservice: DeploymentApp;
  /** Registry and registryctl. */
  public readonly registry: DeploymentApp;
  /** The Service of registryctl. */
  public readonly registryControllerService: k8s.KubeService;
  /** The bundled PostgreSQL, unless external. */
  public readonly database?: StatefulApp;
  /** The bundled Redis, unless external. */
  public readonly redis?: StatefulApp;
  /** Trivy, unless disabled. */
  public readonly trivy?: StatefulApp;
  /** The exporter, when metrics are on. */
  public readonly exporter?: DeploymentApp;
  /** nginx, unless exposed by an Ingress. */
  public readonly nginx?: DeploymentApp;
  /** The Service in front of nginx, unless exposed by an Ingress. */
  public readonly exposureService?: k8s.KubeService;
  /** The Ingress, when exposed by one. */
  public readonly ingress?: k8s.KubeIngress;

  constructor(scope: Construct, id: string, props: HarborStackProps) {
    const namespace = props.namespace ?? 'harbor';
    super(scope, id, { ...props, namespace });
    checkDnsLabel(this, 'namespace', namespace);
    const name = props.name ?? 'harbor';
    // The longest derived Service name is `<name>-trivy-headless` (DNS-1035: 63 characters, starts with a letter).
    checkDnsLabel(this, 'name', name, 40);
    check(/^[a-z]/.test(name), this, 'name', name, 'must start with a letter (Service names derive from it)');
    this.harborName = name;
    const version = props.version ?? DEFAULT_HARBOR_VERSION;
    check(/^v2\.\d+\.\d+(-[0-9A-Za-z.]+)?$/.test(version), this, 'version', version, 'must be a Harbor 2.x release tag such as "v2.15.2"');
    if (props.upgradingFrom !== undefined) checkUpgrade(this, version, props.upgradingFrom);
    const repository = props.imageRepository ?? 'goharbor';
    check(/^[a-z0-9]([a-z0-9._:-]*[a-z0-9])?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/.test(repository), this, 'imageRepository', repository,
      'must be an image repository prefix such as "goharbor" or "registry.example.com/goharbor"');
    const logLevel = props.logLevel ?? 'info';
    check(LOG_LEVELS.includes(logLevel), this, 'logLevel', logLevel, `must be one of ${LOG_LEVELS.join(', ')}`);
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    checkDnsSubdomain(this, 'clusterDomain', clusterDomain);

    check(props.exposure !== undefined, this, 'exposure', undefined, 'is required: Exposure.ingress({...}), Exposure.clusterIP(), Exposure.nodePort() or Exposure.loadBalancer()');
    props.exposure.check(this, 'exposure');
    this.externalURL = resolveExternalURL(this, props.exposure, props.externalURL);

    const database = props.database ?? Database.internal();
    database.check(this, 'database');
    const redis = props.redis ?? Redis.internal();
    redis.check(this, 'redis');
    const storage = props.registry?.storage ?? RegistryStorage.filesystem();
    storage.check(this, 'registry.storage');
    this.checkComponents(props, storage);

    const names = harborNames(name);
    const serviceHost = (service: string) => `${service}.${namespace}.svc.${clusterDomain}`;
    const secrets = new SecretCatalog({ ...defaultSecretNames(name), ...(props.secrets ?? {}) });
    for (const [k, v] of Object.entries(props.secrets ?? {})) {
      if (v !== undefined) checkDnsSubdomain(this, `secrets.${k}`, v);
    }
    const trivyEnabled = props.trivy?.enabled ?? true;
    const ctx: HarborContext = {
      scope: this,
      name,
      namespace,
      version,
      clusterDomain,
      logLevel,
      metrics: props.metrics?.enabled ?? false,
      trivyEnabled,
      listenIPv6: props.listenIPv6 ?? true,
      externalURL: this.externalURL,
      names,
      secrets,
      storage,
      database: databaseConnection(database, names.database, serviceHost, secrets),
      redis: redisConnection(redis, names.redis, serviceHost, secrets),
      urls: harborUrls(names, serviceHost),
      image: image => `${repository}/${image}:${version}`,
      labels: component => ({ appName: 'harbor', instance: name, component, partOf: 'harbor', version }),
      serviceHost,
    };

    this.namespaceObject = createNamespaceObject(this, namespace,
      recommendedLabels({ name: 'harbor', instance: name, partOf: 'harbor', version }));

    if (database.isInternal) this.database = createDatabase(ctx, database.internalOptions!);
    if (redis.isInternal) this.redis = createRedis(ctx, redis.internalOptions!);
    this.core = createCore(ctx, props.core ?? {}, props.exposure.tls?.ca);
    this.portal = createPortal(ctx, props.portal ?? {});
    this.jobservice = createJobservice(ctx, props.jobservice ?? {});
    const registry = createRegistry(ctx, props.registry ?? {});
    this.registry = registry.app;
    this.registryControllerService = registry.controllerService;
    if (trivyEnabled) this.trivy = createTrivy(ctx, props.trivy ?? {});
    if (ctx.metrics) this.exporter = createExporter(ctx, props.metrics ?? {});
    if (props.exposure.usesNginx) {
      const nginx = createNginx(ctx, props.exposure, props.nginx ?? {});
      this.nginx = nginx.app;
      this.exposureService = nginx.service;
    } else {
      this.ingress = createIngress(ctx, props.exposure);
    }
    this.requiredSecrets = secrets.list();
  }

  /** Checks the per-component options here, so errors name the stack's props rather than a nested construct. */
  private checkComponents(props: HarborStackProps, storage: RegistryStorage): void {
    for (const c of ['core', 'portal', 'jobservice', 'registry', 'nginx'] as const) {
      const replicas = props[c]?.replicas;
      if (replicas !== undefined) checkInteger(this, `${c}.replicas`, replicas, 0);
    }
    if (props.trivy?.replicas !== undefined) checkInteger(this, 'trivy.replicas', props.trivy.replicas, 0);
    check(props.nginx === undefined || props.exposure.usesNginx, this, 'nginx', props.nginx,
      'only applies when the exposure is not an Ingress (nginx is not deployed with Exposure.ingress())');

    const registry = props.registry ?? {};
    check(storage.usesClaim || registry.persistence === undefined, this, 'registry.persistence', registry.persistence,
      `only applies to filesystem storage: with RegistryStorage.${storage.type}() the registry keeps no data on a claim`);
    this.checkClaim('registry.persistence', registry.persistence);
    if (storage.usesClaim) {
      this.checkSingleAttach('registry', registry.replicas ?? 1, registry.persistence?.accessMode,
        'the registry stores images on its data claim; use RegistryStorage.s3(...) or a ReadWriteMany claim (registry.persistence.accessMode) to run more');
    }

    const jobservice = props.jobservice ?? {};
    const loggers = jobservice.jobLoggers ?? ['file'];
    check(loggers.length > 0 && loggers.every(l => JOB_LOGGERS.includes(l)) && new Set(loggers).size === loggers.length,
      this, 'jobservice.jobLoggers', loggers, `must list one or more of ${JOB_LOGGERS.join(', ')}, each once`);
    check(loggers.includes('file') || jobservice.persistence === undefined, this, 'jobservice.persistence', jobservice.persistence,
      'only applies with the "file" job logger');
    this.checkClaim('jobservice.persistence', jobservice.persistence);
    if (loggers.includes('file')) {
      this.checkSingleAttach('jobservice', jobservice.replicas ?? 1, jobservice.persistence?.accessMode,
        'jobservice writes file job logs to its job-logs claim; use jobLoggers: [\'database\'] or a ReadWriteMany claim (jobservice.persistence.accessMode) to run more');
    }
    if (jobservice.maxJobWorkers !== undefined) checkInteger(this, 'jobservice.maxJobWorkers', jobservice.maxJobWorkers, 1, 1000);

    this.checkClaim('trivy.persistence', props.trivy?.persistence);
    check(props.trivy?.persistence?.existingClaim === undefined || (props.trivy.replicas ?? 1) <= 1, this, 'trivy.replicas', props.trivy?.replicas,
      'must be at most 1 with trivy.persistence.existingClaim: each Trivy pod needs a cache claim of its own (leave existingClaim unset to get one per pod)');
    this.checkClaim('database.persistence', props.database?.internalOptions?.persistence);
    this.checkClaim('redis.persistence', props.redis?.internalOptions?.persistence);
    if (props.trivy?.timeout !== undefined) {
      check(/^(\d+h)?(\d+m)?(\d+(\.\d+)?s)?$/.test(props.trivy.timeout) && props.trivy.timeout !== '', this, 'trivy.timeout', props.trivy.timeout,
        'must be a Go duration such as "5m0s"');
    }
    if (props.trivy?.githubToken !== undefined) {
      checkSecretRef(this, 'trivy.githubToken', props.trivy.githubToken);
    }
  }

  private checkClaim(prop: string, claim: HarborClaimOptions | undefined): void {
    if (!claim) return;
    if (claim.size !== undefined) checkQuantity(this, `${prop}.size`, claim.size);
    if (claim.storageClass !== undefined) checkDnsSubdomain(this, `${prop}.storageClass`, claim.storageClass);
    if (claim.existingClaim !== undefined) checkDnsSubdomain(this, `${prop}.existingClaim`, claim.existingClaim);
  }

  private checkSingleAttach(component: string, replicas: number, accessMode: string | undefined, why: string): void {
    const mode = accessMode ?? 'ReadWriteOnce';
    if (!isSingleAttach([mode])) return;
    check(replicas <= 1, this, `${component}.replicas`, replicas,
      `must be at most 1 while ${component}.persistence.accessMode is ${mode} (a second pod would hang on Multi-Attach, and updates use Recreate): ${why}`);
  }
}

function databaseConnection(database: Database, service: string, host: (s: string) => string, secrets: SecretCatalog): DatabaseConnection {
  const e = database.externalOptions;
  if (!e) {
    return {
      host: host(service),
      port: HARBOR_PORTS.database,
      username: INTERNAL_DATABASE_USER,
      database: INTERNAL_CORE_DATABASE,
      sslMode: 'disable',
      password: component => secrets.ref('databasePassword', component),
    };
  }
  return {
    host: e.host,
    port: e.port ?? 5432,
    username: e.username,
    database: e.coreDatabase ?? 'registry',
    sslMode: e.sslMode ?? 'require',
    password: component => secrets.use(e.passwordSecret, component, `password of the external PostgreSQL user ${e.username}`),
  };
}

function redisConnection(redis: Redis, service: string, host: (s: string) => string, secrets: SecretCatalog): RedisConnection {
  const e = redis.externalOptions;
  if (!e) {
    return new RedisConnection(host(service), HARBOR_PORTS.redis, false, undefined, redis.indexes,
      component => secrets.ref('redisPassword', component));
  }
  const ref = e.passwordSecret;
  return new RedisConnection(e.host, e.port ?? 6379, e.tls ?? false, e.username, redis.indexes,
    ref ? component => secrets.use(ref, component, 'password of the external Redis (URL-safe)') : undefined);
}

/** `[minor, patch]` of a `v2.<minor>.<patch>[-pre]` tag. */
function minorPatch(tag: string): [number, number] {
  const m = /^v2\.(\d+)\.(\d+)/.exec(tag)!;
  return [Number(m[1]), Number(m[2])];
}

/**
 * Checks an upgrade from the running release: Harbor migrates its database from at most two minor
 * releases back (v2.13.x to v2.15.x, not v2.12.x to v2.15.x), and never down.
 */
function checkUpgrade(scope: Construct, version: string, from: string): void {
  check(/^v2\.\d+\.\d+(-[0-9A-Za-z.]+)?$/.test(from), scope, 'upgradingFrom', from, 'must be the Harbor 2.x release tag that runs now, such as "v2.13.2"');
  const [toMinor, toPatch] = minorPatch(version);
  const [fromMinor, fromPatch] = minorPatch(from);
  check(toMinor > fromMinor || (toMinor === fromMinor && toPatch >= fromPatch), scope, 'upgradingFrom', from,
    `is newer than version ${version}: Harbor cannot be downgraded (restore the database backup of ${from} instead)`);
  const via = Array.from({ length: Math.ceil((toMinor - fromMinor) / MAX_MINOR_UPGRADE) - 1 },
    (_, i) => `v2.${fromMinor + MAX_MINOR_UPGRADE * (i + 1)}.x`);
  check(toMinor - fromMinor <= MAX_MINOR_UPGRADE, scope, 'upgradingFrom', from,
    `is more than ${MAX_MINOR_UPGRADE} minor releases behind version ${version}: Harbor upgrades its database from at most two minor `
    + `releases back; upgrade through ${via.join(', then ')} first (apply, let core finish its migration, then continue)`);
}
